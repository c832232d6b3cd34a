//! The sync worker: one SQS batch in, every message acknowledged, retried, or set aside.
//!
//! Messages are parsed, grouped by portal, checked against the portal's tenant (unknown →
//! permanent, disconnected → parked), coalesced per record and run through [`portal::run`].

mod cache;
mod failure;
mod plan;
pub(crate) mod portal;

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::future::join_all;

pub use failure::Failure;

use super::coalesce::coalesce;
use super::config::SyncConfigSource;
use super::ports::{CampaignLedger, OutboundPublisher, RecordStore};
use crate::card::pool::PoolKeeper;
use crate::commands::DeetoCommand;
use crate::domain::ids::PortalId;
use crate::ports::{
    Clock, CommandLedger, HubSpotApi, JobQueue, PortalStatus, ReferencePools, TenantStore,
    TicketStore,
};
use crate::queue::Said;
use crate::queue::SyncMessage;
use crate::queue::{PoolRebuild, ReconcilePage, RecordRefresh};
use crate::reconcile::CheckpointStore;
use crate::webhook::WebhookEvent;
use crate::writeback::Writer;

/// Everything the worker talks to.
#[derive(Clone)]
pub struct SyncWorker {
    pub tenants: Arc<dyn TenantStore>,
    pub configs: Arc<dyn SyncConfigSource>,
    pub records: Arc<dyn RecordStore>,
    pub ledger: Arc<dyn CampaignLedger>,
    pub outbound: Arc<dyn OutboundPublisher>,
    pub hubspot: Arc<dyn HubSpotApi>,
    pub clock: Arc<dyn Clock>,
    /// The write path's memory: Deeto's tickets and the commands done.
    pub tickets: Arc<dyn TicketStore>,
    pub commands: Arc<dyn CommandLedger>,
    /// The daily reconcile's runs, and the sync queue each run's next page goes on.
    pub checkpoints: Arc<dyn CheckpointStore>,
    pub sync_queue: Arc<dyn JobQueue>,
    /// The Deeto tab's reference pools, rebuilt here when a tab finds one stale.
    pub pools: Arc<dyn ReferencePools>,
}

impl std::fmt::Debug for SyncWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncWorker").finish_non_exhaustive()
    }
}

/// What became of a batch's messages; ids not listed succeeded (or were irrelevant).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Transient failures: report them to SQS, which redelivers them.
    pub failed_ids: Vec<String>,
    /// Message id and why retrying cannot help.
    pub permanent: Vec<(String, String)>,
    /// Messages of disconnected portals.
    pub parked: Vec<String>,
}

impl BatchOutcome {
    fn add(&mut self, id: String, failure: Failure) {
        match failure {
            Failure::Transient(reason) => {
                tracing::warn!(message_id = %id, %reason, "will be retried");
                self.failed_ids.push(id);
            }
            Failure::Permanent(reason) => {
                tracing::error!(message_id = %id, %reason, "cannot be processed");
                self.permanent.push((id, reason));
            }
            Failure::Parked => self.parked.push(id),
        }
    }
}

/// One portal's share of a batch.
#[derive(Default)]
struct PortalMessages {
    events: Vec<(String, WebhookEvent)>,
    /// Message id, when it was accepted, the command.
    commands: Vec<(String, Said, DeetoCommand)>,
    /// Pages of the portal's daily reconcile.
    pages: Vec<(String, ReconcilePage)>,
    /// Records a rep opened in the Deeto tab.
    refreshes: Vec<(String, RecordRefresh)>,
    /// The portal's reference pool was found stale by a Deeto tab.
    pool_rebuilds: Vec<(String, PoolRebuild)>,
}

impl PortalMessages {
    fn ids(&self) -> Vec<String> {
        let events = self.events.iter().map(|(id, _)| id.clone());
        events
            .chain(self.commands.iter().map(|(id, _, _)| id.clone()))
            .chain(self.pages.iter().map(|(id, _)| id.clone()))
            .chain(self.refreshes.iter().map(|(id, _)| id.clone()))
            .chain(self.pool_rebuilds.iter().map(|(id, _)| id.clone()))
            .collect()
    }
}

impl SyncWorker {
    /// Processes `(message id, body)` pairs. Portals are independent: they run concurrently,
    /// and one portal's trouble never fails another's messages.
    pub async fn process(&self, messages: Vec<(String, String)>) -> BatchOutcome {
        self.process_until(messages, None).await
    }

    /// As [`SyncWorker::process`], but a portal still running at `deadline` is abandoned and its
    /// messages reported as transient failures, so a slow HubSpot portal cannot time out the
    /// whole invocation (which would redeliver every portal's messages, without a reason).
    /// Abandoning is safe: every step is idempotent and messages are published before writes.
    pub async fn process_until(
        &self,
        messages: Vec<(String, String)>,
        deadline: Option<tokio::time::Instant>,
    ) -> BatchOutcome {
        let mut outcome = BatchOutcome::default();
        let mut by_portal: BTreeMap<PortalId, PortalMessages> = BTreeMap::new();
        for (id, body) in messages {
            match serde_json::from_str::<SyncMessage>(&body) {
                Ok(SyncMessage::HubSpotWebhookV1(delivery)) => by_portal
                    .entry(delivery.event.portal_id)
                    .or_default()
                    .events
                    .push((id, delivery.event)),
                Ok(SyncMessage::DeetoCommandV1(delivery)) => by_portal
                    .entry(delivery.portal_id)
                    .or_default()
                    .commands
                    .push((id, delivery.said(), delivery.command)),
                Ok(SyncMessage::ReconcilePageV1(page)) => by_portal
                    .entry(page.portal_id)
                    .or_default()
                    .pages
                    .push((id, page)),
                Ok(SyncMessage::RecordRefreshV1(refresh)) => by_portal
                    .entry(refresh.portal_id)
                    .or_default()
                    .refreshes
                    .push((id, refresh)),
                Ok(SyncMessage::ReferencePoolRebuildV1(rebuild)) => by_portal
                    .entry(rebuild.portal_id)
                    .or_default()
                    .pool_rebuilds
                    .push((id, rebuild)),
                Err(err) => {
                    outcome.add(id, Failure::Permanent(format!("malformed message: {err}")))
                }
            }
        }
        let runs = by_portal.into_iter().map(|(portal, messages)| async move {
            let ids = messages.ids();
            let run = self.process_portal(portal, messages);
            match deadline {
                None => run.await,
                Some(deadline) => {
                    tokio::time::timeout_at(deadline, run)
                        .await
                        .unwrap_or_else(|_| {
                            let reason =
                                format!("portal {portal} ran out of time; will be retried");
                            ids.into_iter()
                                .map(|id| (id, Failure::Transient(reason.clone())))
                                .collect()
                        })
                }
            }
        });
        for results in join_all(runs).await {
            for (id, failure) in results {
                outcome.add(id, failure);
            }
        }
        outcome
    }

    /// The failed messages of one portal: its commands first (they may make records
    /// relevant), then its HubSpot events, then the records opened in the Deeto tab and its
    /// reference pool (which sees what they changed), then its reconcile pages.
    async fn process_portal(
        &self,
        portal: PortalId,
        messages: PortalMessages,
    ) -> Vec<(String, Failure)> {
        let all = |failure: Failure| {
            messages
                .ids()
                .into_iter()
                .map(|id| (id, failure.clone()))
                .collect()
        };
        let binding = match self.tenants.portal(portal).await {
            Ok(Some(binding)) => binding,
            Ok(None) => return all(Failure::Permanent(format!("unknown portal {portal}"))),
            Err(err) => return all(err.into()),
        };
        match binding.status {
            PortalStatus::Connected => {}
            PortalStatus::Disconnected => return all(Failure::Parked),
            PortalStatus::Pending => {
                return all(Failure::Permanent(format!(
                    "portal {portal} is not installed"
                )));
            }
        }
        let config = match self.configs.config(&binding.tenant_id).await {
            Ok(config) => config,
            Err(err) => return all(err.into()),
        };
        let may_change_records = messages.pool_rebuilds.len() < messages.ids().len();
        let mut results = Vec::new();
        if !messages.commands.is_empty() {
            let writer = Writer {
                api: self.hubspot.as_ref(),
                records: self.records.as_ref(),
                tickets: self.tickets.as_ref(),
                ledger: self.commands.as_ref(),
                config: &config,
                portal,
                now_ms: self.clock.now_ms(),
            };
            for (id, outcome) in writer.carry_out(messages.commands).await {
                if let Err(failure) = outcome {
                    results.push((id, failure));
                }
            }
        }
        let events = &messages.events;
        let work = coalesce(events.iter().map(|(id, e)| (id.as_str(), e)), &config);
        let failed = portal::run(self, portal, &config, &work).await;
        for (id, slots) in &work.touches {
            let worst = slots
                .iter()
                .filter_map(|slot| failed.get(slot))
                .max_by_key(|f| f.rank());
            if let Some(failure) = worst {
                results.push((id.clone(), failure.clone()));
            }
        }
        for (id, refresh) in &messages.refreshes {
            let key = (refresh.object_type, refresh.object_id);
            if let Err(failure) = crate::sync::refresh::record(self, portal, &config, key).await {
                results.push((id.clone(), failure));
            }
        }
        // Anything but a pool rebuild may have changed references, companies or connections:
        // the tab's pool is marked stale (it is rebuilt on its next deal open).
        if may_change_records
            && let Err(err) = self.pools.mark_changed(portal, self.clock.now_ms()).await
        {
            tracing::warn!(%portal, error = %err, "reference pool not marked stale");
        }
        if let Err(failure) = self.rebuild_pool(portal, &messages.pool_rebuilds).await {
            let ids = messages.pool_rebuilds.iter().map(|(id, _)| id.clone());
            results.extend(ids.map(|id| (id, failure.clone())));
        }
        for (id, page) in &messages.pages {
            if let Err(failure) = crate::reconcile::page::work(self, portal, &config, page).await {
                results.push((id.clone(), failure));
            }
        }
        results
    }

    /// One rebuild however many tabs asked; none when a pool built since the last ask is
    /// stored already (a redelivered message).
    async fn rebuild_pool(
        &self,
        portal: PortalId,
        asks: &[(String, PoolRebuild)],
    ) -> Result<(), Failure> {
        let Some(latest) = asks.iter().map(|(_, ask)| ask.requested_at).max() else {
            return Ok(());
        };
        let stored = self.pools.pool(portal).await?;
        if stored.is_some_and(|pool| pool.built_at_ms >= latest) {
            return Ok(());
        }
        self.pool_keeper()
            .rebuild(portal, self.clock.now_ms())
            .await?;
        Ok(())
    }

    /// The Deeto tab's reference pools, over the worker's own stores.
    pub fn pool_keeper(&self) -> PoolKeeper<'_> {
        PoolKeeper {
            records: self.records.as_ref(),
            tickets: self.tickets.as_ref(),
            pools: self.pools.as_ref(),
            sync_queue: self.sync_queue.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests;
