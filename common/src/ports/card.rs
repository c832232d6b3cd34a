//! What the Deeto tab remembers between opens: when each record's on-demand sync was last
//! asked for (the cool-down), and which references reps requested for which deals.

use std::collections::BTreeSet;

use async_trait::async_trait;

use super::StoreError;
use crate::card::pool::ReferencePool;
use crate::domain::ids::{ObjectId, PortalId};
use crate::sync::record::RecordKey;

#[async_trait]
pub trait CardState: Send + Sync {
    /// Claims the record's on-demand sync (a conditional write): `true` when no claim was made
    /// within the last `cooldown_ms`, so each record is synced at most once per cool-down
    /// however many reps open it.
    async fn claim_refresh(
        &self,
        key: RecordKey,
        now_ms: i64,
        cooldown_ms: i64,
    ) -> Result<bool, StoreError>;

    /// Gives back a claim whose sync could not even be queued, so the next open tries again.
    async fn release_refresh(&self, key: RecordKey, claimed_at_ms: i64) -> Result<(), StoreError>;

    /// The references already requested for the deal.
    async fn requested_references(
        &self,
        portal: PortalId,
        deal: ObjectId,
    ) -> Result<BTreeSet<ObjectId>, StoreError>;

    /// True when the reference was already requested for the deal.
    async fn is_requested(
        &self,
        portal: PortalId,
        deal: ObjectId,
        reference: ObjectId,
    ) -> Result<bool, StoreError>;

    /// Records the request (idempotent). Called after the request was published, so a crash in
    /// between publishes it again (the platform dedupes) rather than losing it.
    async fn record_request(
        &self,
        portal: PortalId,
        deal: ObjectId,
        reference: ObjectId,
        at_ms: i64,
    ) -> Result<(), StoreError>;
}

/// Whether a portal's HubSpot budget has room for an inline sync right now.
#[async_trait]
pub trait BudgetProbe: Send + Sync {
    /// `true` when the portal's callers already use a large share of the current window: an
    /// on-demand sync then waits its turn on the queue instead of competing inline.
    async fn is_busy(&self, portal: PortalId, now_ms: i64) -> Result<bool, StoreError>;
}

/// Where each portal's reference pool (see `card::pool`) is kept: one snapshot per portal.
#[async_trait]
pub trait ReferencePools: Send + Sync {
    /// The stored pool; `None` when there is none yet (or it can no longer be read, after a
    /// change of shape: it is then rebuilt).
    async fn pool(&self, portal: PortalId) -> Result<Option<ReferencePool>, StoreError>;

    /// Stores the pool unless one built later is already stored; clears the rebuild claim.
    async fn put_pool(&self, portal: PortalId, pool: &ReferencePool) -> Result<(), StoreError>;

    /// Notes that the sync worker changed the portal's records at `at_ms`: a pool built before
    /// then is stale. Does nothing for a portal without a pool.
    async fn mark_changed(&self, portal: PortalId, at_ms: i64) -> Result<(), StoreError>;

    /// Claims the portal's background rebuild (a conditional write): `true` when no claim was
    /// made within the last `cooldown_ms`, so one stale pool queues one rebuild.
    async fn claim_rebuild(
        &self,
        portal: PortalId,
        now_ms: i64,
        cooldown_ms: i64,
    ) -> Result<bool, StoreError>;
}
