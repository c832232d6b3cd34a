//! What the write path remembers: which commands are done, and which tickets Deeto created
//! (the only tickets it may ever update).

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::{Page, StoreError};
use crate::commands::CommandId;
use crate::domain::ids::{ObjectId, PortalId};

/// Commands carried out, per portal: a replay of a done command changes nothing.
#[async_trait]
pub trait CommandLedger: Send + Sync {
    async fn is_done(&self, portal: PortalId, id: &CommandId) -> Result<bool, StoreError>;
    /// Records the command as done (idempotent).
    async fn mark_done(
        &self,
        portal: PortalId,
        id: &CommandId,
        at_ms: i64,
    ) -> Result<(), StoreError>;
}

/// A ticket Deeto created for a connection, and what it is associated with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeetoTicket {
    pub ticket_id: ObjectId,
    /// The connection's id on the Deeto platform.
    pub connection: String,
    pub deal_id: ObjectId,
    pub contacts: Vec<ObjectId>,
    /// The last `deeto_status` and `deeto_type` (option value) written, to re-create the
    /// ticket if someone removed it.
    pub status: String,
    pub kind: String,
    /// The order ([`crate::queue::Said::order`]) of the update that set `status`, and of the
    /// one that set `kind`; 0 when the creation set them. An older update delivered late
    /// leaves a field a newer one set alone.
    pub status_order: i64,
    pub kind_order: i64,
}

/// The outcome of claiming the creation of a connection's ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Nobody tried before: create it.
    Won,
    /// An earlier attempt claimed it and its lease ran out without a ticket being recorded: it
    /// may have created one (its answer lost). Look for it before creating.
    Abandoned,
    /// Another attempt is creating it right now: come back later.
    Held,
}

/// Deeto's tickets, per portal.
#[async_trait]
pub trait TicketStore: Send + Sync {
    /// The ticket recorded for a connection, if any.
    async fn for_connection(
        &self,
        portal: PortalId,
        connection: &str,
    ) -> Result<Option<DeetoTicket>, StoreError>;
    /// Records (or replaces, after a re-creation) the connection's ticket; from then on the
    /// ticket is Deeto's ([`TicketStore::owns`]).
    async fn put(&self, portal: PortalId, ticket: &DeetoTicket) -> Result<(), StoreError>;
    /// As [`TicketStore::put`] for a recorded connection, but only while its update orders are
    /// still `expected` (`(status_order, kind_order)` as the caller read them): `false`, and
    /// nothing written, when another worker recorded an update meanwhile. Two workers updating
    /// one connection at once then never leave the older state last: the loser retries, from
    /// the newer state.
    async fn put_unless_changed(
        &self,
        portal: PortalId,
        ticket: &DeetoTicket,
        expected: (i64, i64),
    ) -> Result<bool, StoreError>;
    /// True when Deeto created this ticket: the write guard allows updates to no other.
    async fn owns(&self, portal: PortalId, ticket: ObjectId) -> Result<bool, StoreError>;
    /// The connection a ticket Deeto created belongs to, as recorded now (its deal and
    /// contacts): the write guard associates a ticket with nothing else. `None` when the
    /// ticket is not Deeto's.
    async fn connection_of(
        &self,
        portal: PortalId,
        ticket: ObjectId,
    ) -> Result<Option<DeetoTicket>, StoreError>;

    /// One page of the portal's connections with their current ticket, in the store's order,
    /// after `after` (the cursor of the previous page); the daily reconcile walks them.
    async fn page(
        &self,
        portal: PortalId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<DeetoTicket>, StoreError>;

    /// The connections whose ticket is on `deal`, at most `limit`, for the Deeto tab. The
    /// default walks every connection; stores with an index answer from it.
    async fn for_deal(
        &self,
        portal: PortalId,
        deal: ObjectId,
        limit: usize,
    ) -> Result<Vec<DeetoTicket>, StoreError> {
        walk_matching(self, portal, limit, move |t| t.deal_id == deal).await
    }

    /// The connections `contact` takes part in, at most `limit`, for the Deeto tab.
    async fn for_contact(
        &self,
        portal: PortalId,
        contact: ObjectId,
        limit: usize,
    ) -> Result<Vec<DeetoTicket>, StoreError> {
        walk_matching(self, portal, limit, move |t| t.contacts.contains(&contact)).await
    }

    /// How many connections each contact takes part in, from at most `max` entries (a bound
    /// on the reads for a portal's whole history), for ranking the Deeto tab's suggestions.
    /// The default walks every connection; stores with an index count its entries.
    async fn connection_counts(
        &self,
        portal: PortalId,
        max: usize,
    ) -> Result<BTreeMap<ObjectId, usize>, StoreError> {
        let mut counts = BTreeMap::new();
        let mut seen = 0;
        let mut after: Option<String> = None;
        while seen < max {
            let page = self.page(portal, after.as_deref(), 100).await?;
            for ticket in &page.items {
                for contact in &ticket.contacts {
                    *counts.entry(*contact).or_default() += 1;
                }
            }
            seen += page.items.len();
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        Ok(counts)
    }

    /// Claims the creation of the connection's ticket for `lease_ms` (a conditional write),
    /// so two workers never both create one. `replacing` is the removed ticket a new one
    /// replaces (none for the first): each replacement is claimed afresh.
    async fn claim_creation(
        &self,
        portal: PortalId,
        connection: &str,
        replacing: Option<ObjectId>,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Claim, StoreError>;
}

/// Every connection `keep` accepts, at most `limit`, by walking [`TicketStore::page`].
async fn walk_matching<S: TicketStore + ?Sized>(
    store: &S,
    portal: PortalId,
    limit: usize,
    keep: impl Fn(&DeetoTicket) -> bool + Send,
) -> Result<Vec<DeetoTicket>, StoreError> {
    let mut found = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store.page(portal, after.as_deref(), 100).await?;
        found.extend(page.items.into_iter().filter(|t| keep(t)));
        if found.len() >= limit || page.next.is_none() {
            found.truncate(limit);
            return Ok(found);
        }
        after = page.next;
    }
}
