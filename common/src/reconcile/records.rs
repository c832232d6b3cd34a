//! The records steps: one page of Deeto's stored records of one object type, re-read from
//! HubSpot in one batch call (deals: one more for their contacts), compared, and repaired
//! through the sync worker's own pipeline and the guarded write-back.

use std::collections::{BTreeMap, BTreeSet};

use super::checkpoint::{Checkpoint, Tally, kind};
use super::drift::{self, DEETO_ID, MERGED_IDS, RecordDrift};
use super::page::PageOutcome;
use super::{PAGE_SIZE, calls, settle};
use crate::domain::ids::{ObjectId, PortalId};
use crate::sync::coalesce::AssociationChange;
use crate::sync::config::SyncConfig;
use crate::sync::reads::{read_associations, read_records};
use crate::sync::record::{CrmObject, DeetoRecord, Role};
use crate::sync::worker::{Failure, SyncWorker, portal};
use crate::writeback::{batch, deeto_id};

pub async fn page(
    worker: &SyncWorker,
    portal_id: PortalId,
    config: &SyncConfig,
    object: CrmObject,
    checkpoint: &Checkpoint,
) -> Result<PageOutcome, Failure> {
    let (worker, api_calls) = calls::counted(worker);
    let page = worker
        .records
        .page(portal_id, object, checkpoint.cursor.as_deref(), PAGE_SIZE)
        .await?;
    let live: Vec<&DeetoRecord> = page.items.iter().filter(|r| !r.is_gone()).collect();
    let mut tally = Tally {
        records_checked: live.len() as u64,
        ..Tally::default()
    };
    if !live.is_empty() {
        repair(&worker, portal_id, config, object, &live, &mut tally).await?;
    }
    tally.api_calls = api_calls.calls();
    Ok(PageOutcome {
        tally,
        next_cursor: page.next,
    })
}

pub(crate) async fn repair(
    worker: &SyncWorker,
    portal_id: PortalId,
    config: &SyncConfig,
    object: CrmObject,
    live: &[&DeetoRecord],
    tally: &mut Tally,
) -> Result<(), Failure> {
    let now = worker.clock.now_ms();
    let api = worker.hubspot.as_ref();
    let ids: Vec<ObjectId> = live.iter().map(|r| r.key.object_id).collect();
    let tracked = config.tracked(object);
    let mut wanted = tracked.clone();
    wanted.extend([DEETO_ID.to_owned(), MERGED_IDS.to_owned()]);
    let read = read_records(api, portal_id, object, &ids, &wanted, now).await?;
    let mut drift = drift::compare(object, live, &read, &tracked, now);
    if object == CrmObject::Deal {
        let found: BTreeSet<ObjectId> = read.iter().map(|r| r.id).collect();
        let tracked_deals: Vec<&DeetoRecord> = live
            .iter()
            .copied()
            .filter(|d| d.has_role(Role::Deal) && found.contains(&d.key.object_id))
            .collect();
        let deal_ids: Vec<ObjectId> = tracked_deals.iter().map(|d| d.key.object_id).collect();
        if !deal_ids.is_empty() {
            let contacts =
                read_associations(api, portal_id, "deals", "contacts", &deal_ids).await?;
            let changes = drift::deal_contacts(&tracked_deals, &contacts, now);
            drift.work.associations = keep_connected_contacts(worker, portal_id, changes).await?;
        }
    }
    rewrite_deeto_ids(worker, portal_id, object, &drift, tally).await?;
    let failed = portal::run(worker, portal_id, config, &drift.work).await;
    settle::retry_if_any_transient(&failed)?;
    let after = worker.records.get_many(portal_id, object, &ids).await?;
    count(object, &drift, &after, &failed, tally);
    Ok(())
}

/// Drops the removals of contacts with a role of their own: the write path links a
/// connection's reference to its deal whether or not HubSpot associates them, and that link is
/// Deeto's, not drift. A contact that is only a prospect loses its link with the association.
async fn keep_connected_contacts(
    worker: &SyncWorker,
    portal_id: PortalId,
    changes: BTreeSet<AssociationChange>,
) -> Result<BTreeSet<AssociationChange>, Failure> {
    let removed: Vec<ObjectId> = changes
        .iter()
        .filter(|c| !c.present)
        .map(|c| c.contact)
        .collect();
    if removed.is_empty() {
        return Ok(changes);
    }
    let contacts = worker
        .records
        .get_many(portal_id, CrmObject::Contact, &removed)
        .await?;
    let with_role: BTreeSet<ObjectId> = contacts
        .iter()
        .filter(|c| !c.roles.is_empty())
        .map(|c| c.key.object_id)
        .collect();
    Ok(changes
        .into_iter()
        .filter(|c| c.present || !with_role.contains(&c.contact))
        .collect())
}

/// Writes `deeto_id` back where HubSpot lost it (one batch update, through the write guard).
async fn rewrite_deeto_ids(
    worker: &SyncWorker,
    portal_id: PortalId,
    object: CrmObject,
    drift: &RecordDrift,
    tally: &mut Tally,
) -> Result<(), Failure> {
    if drift.deeto_ids.is_empty() {
        return Ok(());
    }
    let writes: BTreeMap<ObjectId, batch::Properties> = drift
        .deeto_ids
        .iter()
        .map(|(id, value)| (*id, deeto_id(value)))
        .collect();
    let api = worker.hubspot.as_ref();
    let refused = batch::update(api, portal_id, object.plural(), &writes).await?;
    for (id, error) in &refused {
        tracing::warn!(portal = %portal_id, %object, %id, reason = %error.message,
            "deeto_id could not be written back");
    }
    tally.repaired(kind::DEETO_ID, (writes.len() - refused.len()) as u64);
    tally.unrepaired(kind::DEETO_ID, refused.len() as u64);
    Ok(())
}

/// Counts what the pipeline repaired by looking at Deeto's records afterwards: drift on a record
/// Deeto does not keep (not relevant) is no drift at all; drift left on a record whose repair
/// failed permanently is found but not repaired.
fn count(
    object: CrmObject,
    drift: &RecordDrift,
    after: &[DeetoRecord],
    failed: &BTreeMap<(CrmObject, ObjectId), Failure>,
    tally: &mut Tally,
) {
    let after: BTreeMap<ObjectId, &DeetoRecord> =
        after.iter().map(|r| (r.key.object_id, r)).collect();
    let failed_here = |id: &ObjectId| failed.contains_key(&(object, *id));
    let mut tick = |done: bool, failed: bool, kind: &str| {
        if done {
            tally.repaired(kind, 1);
        } else if failed {
            tally.unrepaired(kind, 1);
        }
    };
    // One per record: its drifted values all repaired, or not.
    for (id, fields) in &drift.fields {
        let record = after.get(id);
        let done = fields.iter().all(|(property, value)| {
            let now = record
                .and_then(|r| r.fields.get(property))
                .map(|f| &f.value);
            now == Some(value)
        });
        tick(done, failed_here(id), kind::FIELD);
    }
    for ((_, id), work) in &drift.work.records {
        if work.deleted_at_ms.is_some() {
            let done = after.get(id).is_some_and(|r| r.deleted_at_ms.is_some());
            tick(done, failed_here(id), kind::DELETED);
        }
    }
    for merge in &drift.work.merges {
        for id in &merge.merged {
            let done = after.get(id).is_some_and(|r| r.merged_into.is_some());
            tick(done, failed_here(id), kind::MERGED);
        }
    }
    for change in &drift.work.associations {
        let link = after
            .get(&change.other_id)
            .and_then(|deal| deal.links.get(&(CrmObject::Contact, change.contact)));
        let done = link.is_some_and(|l| l.present == change.present);
        tick(done, failed_here(&change.other_id), kind::ASSOCIATION);
    }
}
