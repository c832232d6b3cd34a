//! Putting messages on a queue (SQS semantics).

use async_trait::async_trait;

/// One message to put on a queue. `id` only has to be unique within one batch call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub id: String,
    pub body: String,
    /// String message attributes (for filtering and operators' eyes; never secrets).
    pub attributes: Vec<(String, String)>,
}

/// One entry the queue refused inside an otherwise answered batch call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFailure {
    pub id: String,
    pub code: String,
    /// True when the queue says the entry itself is bad: resending it cannot succeed.
    pub sender_fault: bool,
}

/// The call itself failed (network, throttling, permissions, missing queue, ...).
#[derive(Debug, Clone, thiserror::Error)]
#[error("queue call failed: {message}")]
pub struct QueueCallError {
    pub message: String,
    /// False for errors no retry will fix (access denied, queue does not exist).
    pub retryable: bool,
}

/// A queue that accepts batches of at most 10 entries (SQS semantics).
#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Sends one batch; `Ok` lists the entries that were not accepted.
    async fn send_batch(&self, entries: &[QueueEntry])
    -> Result<Vec<EntryFailure>, QueueCallError>;
}
