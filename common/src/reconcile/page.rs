//! One page of a run, as the sync worker carries it out: claim it in the checkpoint, work its
//! step, move the run on, and put the next page on the sync queue. A run is a chain of such
//! messages per portal, so portals progress in parallel and no invocation works more than one
//! page (at most 100 records) of a portal.

use super::checkpoint::{Checkpoint, PageClaim};
use super::step::Step;
use super::{discover, records, summary, tickets};
use crate::domain::ids::PortalId;
use crate::queue::{ReconcilePage, SyncMessage};
use crate::sync::config::SyncConfig;
use crate::sync::worker::{Failure, SyncWorker};

/// How long a page is an attempt's alone. Longer than any page takes (a few calls inside the
/// portal's budget), shorter than the sync queue's visibility timeout (185 s), so a page whose
/// worker died is free again when SQS redelivers its message.
pub const LEASE_MS: i64 = 150_000;

/// What working one page found: its tally and where the run goes next.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageOutcome {
    pub tally: super::Tally,
    /// The cursor for the next page of the same step; `None` when the step is finished.
    pub next_cursor: Option<String>,
}

/// Carries out one page message. `Err` only for what SQS should retry or set aside.
pub async fn work(
    worker: &SyncWorker,
    portal: PortalId,
    config: &SyncConfig,
    message: &ReconcilePage,
) -> Result<(), Failure> {
    let now = worker.clock.now_ms();
    let run = &message.run;
    let claimed = match worker
        .checkpoints
        .claim(portal, run, message.page, now, LEASE_MS)
        .await?
    {
        PageClaim::Won(checkpoint) => checkpoint,
        PageClaim::Stale(checkpoint) => return resend_if_lost(worker, &checkpoint, message).await,
        PageClaim::Held => {
            return Err(Failure::Transient(format!(
                "page {} of run {run} is held by another attempt or not due yet",
                message.page
            )));
        }
        PageClaim::Unknown => {
            tracing::warn!(%portal, %run, "no such reconcile run; page dropped");
            return Ok(());
        }
    };
    let outcome = match claimed.step {
        Step::Records(object) => records::page(worker, portal, config, object, &claimed).await?,
        Step::Tickets => tickets::page(worker, portal, config, &claimed).await?,
        Step::Discover(object) => discover::page(worker, portal, config, object, &claimed).await?,
        Step::Done => PageOutcome::default(),
    };
    let (step, cursor) = match outcome.next_cursor {
        Some(cursor) => (claimed.step, Some(cursor)),
        None => (claimed.step.next(), None),
    };
    tracing::info!(%portal, %run, page = message.page, step = %claimed.step,
        checked = outcome.tally.records_checked, repaired = outcome.tally.total_repaired(),
        "reconcile page done");
    let next = claimed.advanced(step, cursor, &outcome.tally, worker.clock.now_ms());
    if !worker.checkpoints.advance(&next).await? {
        tracing::warn!(%portal, %run, page = message.page, "another attempt moved the run on");
        return Ok(());
    }
    if next.is_finished() {
        summary::emit(&next);
        // Every record was just brought up to date: the Deeto tab's reference pool is rebuilt
        // from them, so the day's first deal open finds it fresh. The run is done either way.
        if let Err(err) = worker
            .pool_keeper()
            .rebuild(portal, worker.clock.now_ms())
            .await
        {
            tracing::warn!(%portal, error = %err, "reference pool not rebuilt after the run");
        }
        return Ok(());
    }
    send_next(worker, &next).await
}

/// A duplicate or a redelivery of a page already done. If it is the page right before the run's
/// position and the next page's message never made it to the queue (the attempt failed between
/// moving the run on and sending), it sends it now; otherwise there is nothing to do.
async fn resend_if_lost(
    worker: &SyncWorker,
    checkpoint: &Checkpoint,
    message: &ReconcilePage,
) -> Result<(), Failure> {
    let lost = !checkpoint.is_finished()
        && !checkpoint.next_sent
        && checkpoint.pages_done == message.page + 1;
    if lost {
        send_next(worker, checkpoint).await?;
    }
    Ok(())
}

/// Puts the message for the run's next page on the sync queue, then notes that it did.
pub async fn send_next(worker: &SyncWorker, checkpoint: &Checkpoint) -> Result<(), Failure> {
    let message = SyncMessage::ReconcilePageV1(ReconcilePage {
        portal_id: checkpoint.portal,
        run: checkpoint.run.clone(),
        page: checkpoint.pages_done,
    });
    message
        .send(worker.sync_queue.as_ref())
        .await
        .map_err(Failure::Transient)?;
    worker
        .checkpoints
        .mark_sent(checkpoint.portal, &checkpoint.run, checkpoint.pages_done)
        .await?;
    Ok(())
}
