//! The on-demand sync a tab open triggers. Each record is synced at most once per cool-down
//! however many reps open it (a conditional claim). A stale record is synced inline when the
//! portal's HubSpot budget has room and the sync fits the answer's time budget; otherwise, or
//! when that runs out, a `record.refresh.v1` message queues it for the sync worker.

use std::time::Duration;

use tokio::time::Instant;

use super::view::SyncStatus;
use crate::ports::{BudgetProbe, CardState, JobQueue};
use crate::queue::{RecordRefresh, SyncMessage};
use crate::sync::SyncConfig;
use crate::sync::record::RecordKey;
use crate::sync::worker::SyncWorker;

#[derive(Debug, Clone, Copy)]
pub struct RefreshPolicy {
    /// One on-demand sync per record within this long.
    pub cooldown_ms: i64,
    /// Synced this recently (by a webhook, say): nothing to do.
    pub fresh_ms: i64,
    /// Not synced for this long: stale, worth syncing inline.
    pub stale_ms: i64,
    /// How long, from the request's arrival, an inline sync may run before the answer must go
    /// out (the card's p99 target is one second; DynamoDB reads need the rest).
    pub inline_budget: Duration,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        Self {
            cooldown_ms: 5 * 60 * 1000,
            fresh_ms: 60 * 1000,
            stale_ms: 15 * 60 * 1000,
            inline_budget: Duration::from_millis(600),
        }
    }
}

/// What an on-demand sync talks to.
#[derive(Clone, Copy)]
pub struct Refresher<'a> {
    pub state: &'a dyn CardState,
    pub budget: &'a dyn BudgetProbe,
    pub sync_queue: &'a dyn JobQueue,
    /// Syncs inline; `None` queues every sync.
    pub inline: Option<&'a SyncWorker>,
    pub policy: RefreshPolicy,
}

impl std::fmt::Debug for Refresher<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refresher")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl Refresher<'_> {
    /// Decides and does the record's sync; never fails the tab: a store or queue outage is
    /// logged and the answer goes out (the next open, or the daily reconcile, catches up).
    pub async fn run(
        &self,
        key: RecordKey,
        last_sync_ms: Option<i64>,
        config: &SyncConfig,
        now_ms: i64,
        started: Instant,
    ) -> SyncStatus {
        let policy = self.policy;
        match self
            .state
            .claim_refresh(key, now_ms, policy.cooldown_ms)
            .await
        {
            Ok(true) => {}
            Ok(false) => return SyncStatus::CoolingDown,
            Err(err) => {
                tracing::warn!(error = %err, "on-demand sync not claimed; the tab shows stored data");
                return SyncStatus::Deferred;
            }
        }
        let age = last_sync_ms.map(|at| now_ms - at);
        if age.is_some_and(|age| age < policy.fresh_ms) {
            return SyncStatus::Fresh;
        }
        let stale = age.is_none_or(|age| age >= policy.stale_ms);
        let mut status = SyncStatus::Queued;
        if stale {
            match self.inline_sync(key, config, started).await {
                Inline::Done => return SyncStatus::Synced,
                Inline::Busy => status = SyncStatus::Deferred,
                Inline::NotDone => {}
            }
        }
        if let Err(reason) = self.enqueue(key, now_ms).await {
            tracing::error!(%reason, "on-demand sync not queued; the claim is released");
            if let Err(err) = self.state.release_refresh(key, now_ms).await {
                tracing::warn!(error = %err, "claim not released; it expires with the cool-down");
            }
            return SyncStatus::Deferred;
        }
        status
    }

    async fn inline_sync(&self, key: RecordKey, config: &SyncConfig, started: Instant) -> Inline {
        let Some(worker) = self.inline else {
            return Inline::NotDone;
        };
        let now = worker.clock.now_ms();
        match self.budget.is_busy(key.portal, now).await {
            Ok(false) => {}
            Ok(true) => return Inline::Busy,
            Err(err) => {
                tracing::warn!(error = %err, "budget unknown; the sync is queued instead");
                return Inline::Busy;
            }
        }
        let deadline = started + self.policy.inline_budget;
        let sync =
            crate::sync::refresh::record(worker, key.portal, config, (key.object, key.object_id));
        // Abandoning the sync at the deadline is safe: every step is idempotent and the queued
        // message redoes it.
        let outcome = tokio::time::timeout_at(deadline, sync).await;
        // An inline sync is not one of the worker's batches (which mark it themselves): it may
        // have changed the record, so the tab's reference pool is marked stale here.
        if let Err(err) = worker
            .pools
            .mark_changed(key.portal, worker.clock.now_ms())
            .await
        {
            tracing::warn!(error = %err, "reference pool not marked stale");
        }
        match outcome {
            Ok(Ok(())) => Inline::Done,
            Ok(Err(failure)) => {
                tracing::warn!(?failure, "inline sync failed; queued for the worker");
                Inline::NotDone
            }
            Err(_) => Inline::NotDone,
        }
    }

    async fn enqueue(&self, key: RecordKey, now_ms: i64) -> Result<(), String> {
        let message = SyncMessage::RecordRefreshV1(RecordRefresh {
            portal_id: key.portal,
            object_type: key.object,
            object_id: key.object_id,
            requested_at: now_ms,
        });
        message.send(self.sync_queue).await
    }
}

enum Inline {
    Done,
    /// The budget has no room: queue it.
    Busy,
    /// Not possible, failed or out of time: queue it.
    NotDone,
}
