//! Syncing one record on demand (a rep opened its Deeto tab): the daily reconcile's repair,
//! for one record. A record Deeto keeps is re-read from HubSpot and every difference repaired
//! through the worker's pipeline and the guarded write-back; a record Deeto does not know goes
//! through the relevance rules as if HubSpot had just created it, so it is read only if it
//! matters.

use super::coalesce::{PortalWork, RecordWork};
use super::config::SyncConfig;
use super::record::CrmObject;
use super::worker::{Failure, SyncWorker, portal};
use crate::domain::ids::{ObjectId, PortalId};
use crate::reconcile::{Tally, records};

pub async fn record(
    worker: &SyncWorker,
    portal_id: PortalId,
    config: &SyncConfig,
    (object, id): (CrmObject, ObjectId),
) -> Result<(), Failure> {
    let stored = worker.records.get_many(portal_id, object, &[id]).await?;
    match stored.first() {
        Some(record) if !record.is_gone() => {
            // The tally is the reconcile's bookkeeping; an on-demand sync keeps none.
            let mut tally = Tally::default();
            records::repair(worker, portal_id, config, object, &[record], &mut tally).await
        }
        // Deleted or merged away: HubSpot's webhooks said so, and there is nothing to read.
        Some(_) => Ok(()),
        None => {
            let mut work = PortalWork::default();
            let created = RecordWork {
                created_at_ms: Some(worker.clock.now_ms()),
                ..RecordWork::default()
            };
            work.records.insert((object, id), created);
            let failed = portal::run(worker, portal_id, config, &work).await;
            match failed.into_values().max_by_key(Failure::rank) {
                Some(failure) => Err(failure),
                None => Ok(()),
            }
        }
    }
}
