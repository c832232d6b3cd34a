//! Creating a ticket exactly once: a claim in DynamoDB before the create, and, where an
//! earlier attempt claimed and vanished, a look for the ticket it may have left behind.

use std::collections::{BTreeMap, BTreeSet};

use super::Wanted;
use crate::domain::ids::ObjectId;
use crate::ports::{Claim, DeetoTicket};
use crate::sync::reads::read_associations;
use crate::sync::worker::Failure;
use crate::writeback::Writer;
use crate::writeback::batch::search_equal;

/// How long a worker may take to create a ticket it claimed: longer than a Lambda invocation,
/// so a claim older than this belongs to an attempt that is gone.
const CLAIM_LEASE_MS: i64 = 60_000;

impl Writer<'_> {
    /// For connections without a live ticket: claims their creation (so two workers never both
    /// create one); where an earlier attempt claimed and vanished, first looks for the ticket
    /// it may have created — found by its `deeto_id` and adopted only if it is associated with
    /// the connection's deal (anyone can type a `deeto_id` on a ticket). Returns the
    /// connections to create and those whose ticket was adopted (its state is written: the
    /// lost attempt may not have finished it).
    pub(super) async fn claim_or_adopt(
        &self,
        by_connection: &BTreeMap<String, (Vec<String>, Wanted)>,
        missing: Vec<String>,
        known: &mut BTreeMap<String, DeetoTicket>,
        results: &mut BTreeMap<String, Result<DeetoTicket, Failure>>,
    ) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut create = BTreeSet::new();
        let mut adopted_ones = BTreeSet::new();
        let mut abandoned = BTreeSet::new();
        for connection in missing {
            let replacing = known.remove(&connection).map(|dead| dead.ticket_id);
            match self
                .tickets
                .claim_creation(
                    self.portal,
                    &connection,
                    replacing,
                    self.now_ms,
                    CLAIM_LEASE_MS,
                )
                .await
            {
                Ok(Claim::Won) => {
                    create.insert(connection);
                }
                Ok(Claim::Abandoned) => {
                    abandoned.insert(connection);
                }
                Ok(Claim::Held) => {
                    let busy = Failure::Transient(format!(
                        "another attempt is creating the ticket of {connection}"
                    ));
                    results.insert(connection, Err(busy));
                }
                Err(err) => {
                    results.insert(connection, Err(err.into()));
                }
            }
        }
        if abandoned.is_empty() {
            return (create, adopted_ones);
        }
        let found =
            match search_equal(self.api, self.portal, "tickets", "deeto_id", &abandoned).await {
                Ok(found) => found,
                Err(err) => {
                    let failure: Failure = err.into();
                    for connection in abandoned {
                        results.insert(connection, Err(failure.clone()));
                    }
                    return (create, adopted_ones);
                }
            };
        let orphans: Vec<ObjectId> = found.values().flatten().copied().collect();
        let deals_of =
            match read_associations(self.api, self.portal, "tickets", "deals", &orphans).await {
                Ok(deals) => deals,
                Err(err) => {
                    let failure: Failure = err.into();
                    for connection in abandoned {
                        results.insert(connection, Err(failure.clone()));
                    }
                    return (create, adopted_ones);
                }
            };
        for connection in abandoned {
            let Some((_, (_, wanted, _, _))) = by_connection.get(&connection) else {
                continue;
            };
            let orphan = found
                .get(&connection)
                .into_iter()
                .flatten()
                .copied()
                .find(|id| {
                    deals_of
                        .get(id)
                        .is_some_and(|deals| deals.iter().any(|d| d.id == wanted.deal_id))
                });
            let Some(orphan) = orphan else {
                create.insert(connection);
                continue;
            };
            let mut adopted = wanted.clone();
            adopted.ticket_id = orphan;
            // Recorded first: the guard lets Deeto update only tickets it owns.
            match self.tickets.put(self.portal, &adopted).await {
                Ok(()) => {
                    known.insert(connection.clone(), adopted);
                    adopted_ones.insert(connection);
                }
                Err(err) => {
                    results.insert(connection, Err(err.into()));
                }
            }
        }
        (create, adopted_ones)
    }
}
