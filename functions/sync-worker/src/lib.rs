//! The sync queue's consumer. Each message is acknowledged, retried, or set aside:
//! - transient failures (HubSpot 429/5xx/timeouts, AWS throttling) are reported as batch-item
//!   failures: SQS redelivers them, and after the redrive count moves them to the DLQ;
//! - permanent failures (malformed message, unknown portal) and messages for a disconnected
//!   portal go to the DLQ at once, with their reason: retrying cannot help, losing is not allowed.

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use common::ports::{JobQueue, QueueEntry};
use common::queue::{RetryPolicy, send_all};
use common::sync::worker::{BatchOutcome, SyncWorker};
use std::time::Duration;

use tracing::Instrument;

/// Time kept back from the Lambda deadline to set messages aside and answer.
pub const ANSWER_MARGIN: Duration = Duration::from_secs(3);

/// Handles one SQS batch; never fails the invocation as a whole. Portals still running at
/// `deadline` are reported as transient failures.
pub async fn handle(
    worker: &SyncWorker,
    dead_letters: &dyn JobQueue,
    event: SqsEvent,
    deadline: Option<tokio::time::Instant>,
) -> SqsBatchResponse {
    let messages: Vec<(String, String)> = event
        .records
        .into_iter()
        .filter_map(|m| Some((m.message_id?, m.body.unwrap_or_default())))
        .collect();
    let span = tracing::info_span!("sync_batch", messages = messages.len());
    async move {
        let bodies: std::collections::HashMap<String, String> = messages.iter().cloned().collect();
        let outcome = worker.process_until(messages, deadline).await;
        let mut response = SqsBatchResponse::default();
        for id in set_aside(dead_letters, &bodies, &outcome)
            .await
            .into_iter()
            .chain(outcome.failed_ids.iter().cloned())
        {
            response.add_failure(id);
        }
        tracing::info!(
            failed = outcome.failed_ids.len(),
            permanent = outcome.permanent.len(),
            parked = outcome.parked.len(),
            "sync batch done"
        );
        response
    }
    .instrument(span)
    .await
}

/// Moves permanent and parked messages to the DLQ with their reason; returns the ids that could
/// not be moved, so SQS keeps them (nothing is acknowledged before it is safe).
async fn set_aside(
    dead_letters: &dyn JobQueue,
    bodies: &std::collections::HashMap<String, String>,
    outcome: &BatchOutcome,
) -> Vec<String> {
    let parked = outcome.parked.iter().map(|id| {
        (
            id.clone(),
            "parked: the portal is disconnected".to_owned(),
            "parked",
        )
    });
    let permanent = outcome
        .permanent
        .iter()
        .map(|(id, reason)| (id.clone(), reason.clone(), "permanent"));
    let entries: Vec<QueueEntry> = permanent
        .chain(parked)
        .map(|(id, reason, kind)| QueueEntry {
            body: bodies.get(&id).cloned().unwrap_or_default(),
            attributes: vec![
                ("reason".into(), truncate(&reason)),
                ("disposition".into(), kind.into()),
            ],
            id,
        })
        .collect();
    if entries.is_empty() {
        return Vec::new();
    }
    let ids: Vec<String> = entries.iter().map(|e| e.id.clone()).collect();
    match send_all(dead_letters, entries, RetryPolicy::default()).await {
        Ok(()) => Vec::new(),
        Err(err) => {
            tracing::error!(error = %err, "could not set messages aside; SQS will redeliver them");
            ids
        }
    }
}

/// The instant to stop at: the invocation's deadline (epoch ms) less [`ANSWER_MARGIN`].
/// Lambda never starts an invocation with no time left, so a deadline that leaves none means
/// the runtime gave no usable one (local emulators): then `local_timeout` from now stands in
/// for it if set, and otherwise the batch runs unbounded rather than fail every message.
pub fn stop_at(
    deadline_epoch_ms: u64,
    now_epoch_ms: u64,
    local_timeout: Option<Duration>,
) -> Option<tokio::time::Instant> {
    let left = Duration::from_millis(deadline_epoch_ms.saturating_sub(now_epoch_ms));
    let left = match local_timeout {
        _ if left > ANSWER_MARGIN => left,
        Some(timeout) => timeout,
        None => {
            tracing::warn!(
                deadline_epoch_ms,
                now_epoch_ms,
                "no usable invocation deadline; running without one"
            );
            return None;
        }
    };
    Some(tokio::time::Instant::now() + left.saturating_sub(ANSWER_MARGIN))
}

/// SQS attribute values are limited; a reason is for humans, so its start is enough.
fn truncate(reason: &str) -> String {
    reason.chars().take(500).collect()
}

#[cfg(test)]
mod tests;
