//! Starting (or resuming) the day's run for every connected portal: what the `daily-reconcile`
//! function does when EventBridge's schedule fires. It only writes a checkpoint and puts each
//! portal's first page on the sync queue; the sync worker does the rest, page by page.

use crate::domain::ids::PortalId;
use crate::domain::iso_time::iso;
use crate::ports::{JobQueue, StoreError, TenantStatus, TenantStore};
use crate::queue::{ReconcilePage, SyncMessage};

use super::checkpoint::{Checkpoint, CheckpointStore};

/// The first run of a portal looks back this far (or to the install, if later) for objects
/// webhooks missed.
pub const FIRST_WINDOW_MS: i64 = 24 * 3600 * 1000;

/// What became of one portal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum Started {
    /// A new run, its first page on the queue.
    Started {
        portal: PortalId,
        run: String,
    },
    /// Today's run was unfinished: its current page is on the queue again (a duplicate of a
    /// page already queued is recognised and dropped by the worker).
    Resumed {
        portal: PortalId,
        run: String,
        page: u64,
    },
    /// Today's run is finished: a rerun repairs nothing twice.
    AlreadyDone {
        portal: PortalId,
        run: String,
    },
    Failed {
        portal: PortalId,
        reason: String,
    },
}

/// Everything starting needs.
pub struct Starter<'a> {
    pub tenants: &'a dyn TenantStore,
    pub checkpoints: &'a dyn CheckpointStore,
    pub sync_queue: &'a dyn JobQueue,
}

impl std::fmt::Debug for Starter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Starter").finish_non_exhaustive()
    }
}

/// A run's id: its UTC day.
pub fn run_id(now_ms: i64) -> String {
    iso(now_ms).chars().take(10).collect()
}

impl Starter<'_> {
    /// Starts or resumes today's run for every connected portal (or just `only`).
    pub async fn start(
        &self,
        now_ms: i64,
        only: Option<PortalId>,
    ) -> Result<Vec<Started>, StoreError> {
        let tenants = self.tenants.list_tenants().await?;
        let portals = tenants.iter().filter_map(|t| {
            let connected = t.status == TenantStatus::Connected;
            t.portal_id
                .filter(|p| connected && only.is_none_or(|o| o == *p))
                .map(|p| (p, t.installed_at_ms))
        });
        let mut outcomes = Vec::new();
        for (portal, installed_at) in portals {
            let outcome = self
                .start_portal(portal, installed_at, now_ms)
                .await
                .unwrap_or_else(|reason| Started::Failed { portal, reason });
            tracing::info!(?outcome, "daily reconcile");
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    async fn start_portal(
        &self,
        portal: PortalId,
        installed_at: Option<i64>,
        now_ms: i64,
    ) -> Result<Started, String> {
        let run = run_id(now_ms);
        let store = |e: StoreError| e.to_string();
        let existing = self.checkpoints.get(portal, &run).await.map_err(store)?;
        let checkpoint = match existing {
            Some(cp) if cp.is_finished() => return Ok(Started::AlreadyDone { portal, run }),
            Some(cp) => {
                self.send(&cp).await?;
                return Ok(Started::Resumed {
                    portal,
                    run,
                    page: cp.pages_done,
                });
            }
            None => {
                let previous = self
                    .checkpoints
                    .previous(portal, &run)
                    .await
                    .map_err(store)?;
                let from = previous.map(|p| p.started_at_ms).unwrap_or_else(|| {
                    let day_before = now_ms - FIRST_WINDOW_MS;
                    installed_at.map_or(day_before, |at| at.max(day_before))
                });
                Checkpoint::new(portal, run.clone(), now_ms, from)
            }
        };
        if !self.checkpoints.create(&checkpoint).await.map_err(store)? {
            // Another invocation started it a moment ago, and queued its first page.
            return Ok(Started::Resumed {
                portal,
                run,
                page: 0,
            });
        }
        self.send(&checkpoint).await?;
        Ok(Started::Started { portal, run })
    }

    async fn send(&self, checkpoint: &Checkpoint) -> Result<(), String> {
        let message = SyncMessage::ReconcilePageV1(ReconcilePage {
            portal_id: checkpoint.portal,
            run: checkpoint.run.clone(),
            page: checkpoint.pages_done,
        });
        message.send(self.sync_queue).await?;
        self.checkpoints
            .mark_sent(checkpoint.portal, &checkpoint.run, checkpoint.pages_done)
            .await
            .map_err(|e| e.to_string())
    }
}
