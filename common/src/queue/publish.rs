//! Sending many messages to an SQS-like queue: batches of at most 10 entries and
//! [`MAX_BATCH_BYTES`], sent concurrently, failed entries retried with backoff.

use std::time::Duration;

use futures::future::join_all;

use crate::ports::{EntryFailure, JobQueue, QueueEntry};

/// SQS takes at most 10 entries per SendMessageBatch call.
pub const MAX_BATCH_ENTRIES: usize = 10;
/// Payload budget per call. SQS now allows 1 MiB, but the long-standing 256 KiB limit keeps us
/// valid on every region and emulator; a HubSpot event is a few hundred bytes.
pub const MAX_BATCH_BYTES: usize = 256 * 1024;

/// How hard to try before giving up (and letting the caller answer 5xx so HubSpot retries).
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub first_backoff: Duration,
}

impl Default for RetryPolicy {
    /// Four attempts over about 350 ms: well inside HubSpot's 5-second answer window.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            first_backoff: Duration::from_millis(50),
        }
    }
}

/// Some entries are not on the queue after every retry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{failed} of {total} messages could not be enqueued: {reason}")]
pub struct EnqueueError {
    pub failed: usize,
    pub total: usize,
    pub reason: String,
}

/// Puts every entry on the queue, or says how many could not be put there.
/// Entry ids must be unique across `entries`.
pub async fn send_all(
    queue: &dyn JobQueue,
    entries: Vec<QueueEntry>,
    policy: RetryPolicy,
) -> Result<(), EnqueueError> {
    let total = entries.len();
    let chunks = into_chunks(entries)?;
    let outcomes = join_all(
        chunks
            .into_iter()
            .map(|chunk| send_chunk(queue, chunk, policy)),
    )
    .await;
    let mut failed = 0;
    let mut reason = String::new();
    for outcome in outcomes {
        if let Err((count, why)) = outcome {
            failed += count;
            reason = why;
        }
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(EnqueueError {
            failed,
            total,
            reason,
        })
    }
}

fn entry_bytes(entry: &QueueEntry) -> usize {
    entry.body.len()
        + entry
            .attributes
            .iter()
            .map(|(k, v)| k.len() + v.len() + "String".len())
            .sum::<usize>()
}

fn into_chunks(entries: Vec<QueueEntry>) -> Result<Vec<Vec<QueueEntry>>, EnqueueError> {
    let total = entries.len();
    let mut chunks: Vec<Vec<QueueEntry>> = Vec::new();
    let mut current: Vec<QueueEntry> = Vec::new();
    let mut current_bytes = 0;
    for entry in entries {
        let size = entry_bytes(&entry);
        if size > MAX_BATCH_BYTES {
            return Err(EnqueueError {
                failed: total,
                total,
                reason: format!(
                    "message {} is {size} bytes, over the {MAX_BATCH_BYTES}-byte limit",
                    entry.id
                ),
            });
        }
        if current.len() == MAX_BATCH_ENTRIES || current_bytes + size > MAX_BATCH_BYTES {
            chunks.push(std::mem::take(&mut current));
            current_bytes = 0;
        }
        current_bytes += size;
        current.push(entry);
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    Ok(chunks)
}

/// Sends one chunk, retrying what failed; on failure returns how many entries are lost and why.
async fn send_chunk(
    queue: &dyn JobQueue,
    mut pending: Vec<QueueEntry>,
    policy: RetryPolicy,
) -> Result<(), (usize, String)> {
    let mut backoff = policy.first_backoff;
    let mut permanent = 0;
    let mut last_reason = String::new();
    for attempt in 1..=policy.max_attempts.max(1) {
        match queue.send_batch(&pending).await {
            Ok(failures) if failures.is_empty() => pending.clear(),
            Ok(failures) => {
                let (rejected, retry) = split_failures(failures);
                permanent += rejected.len();
                if let Some(first) = rejected.first().or(retry.first()) {
                    last_reason = format!("entry rejected with {}", first.code);
                }
                pending.retain(|entry| retry.iter().any(|f| f.id == entry.id));
                tracing::warn!(
                    attempt,
                    rejected = rejected.len(),
                    retrying = pending.len(),
                    "queue refused entries"
                );
            }
            Err(err) => {
                last_reason = err.message.clone();
                tracing::warn!(attempt, error = %err.message, retryable = err.retryable, "queue call failed");
                if !err.retryable {
                    break;
                }
            }
        }
        if pending.is_empty() || attempt == policy.max_attempts {
            break;
        }
        tokio::time::sleep(backoff).await;
        backoff = backoff.saturating_mul(2);
    }
    let lost = permanent + pending.len();
    if lost == 0 {
        Ok(())
    } else {
        Err((lost, last_reason))
    }
}

fn split_failures(failures: Vec<EntryFailure>) -> (Vec<EntryFailure>, Vec<EntryFailure>) {
    failures.into_iter().partition(|f| f.sender_fault)
}

#[cfg(test)]
mod tests;
