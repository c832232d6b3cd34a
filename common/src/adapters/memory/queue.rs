//! An in-memory [`JobQueue`].

use std::sync::Mutex;

use async_trait::async_trait;

use crate::ports::{EntryFailure, JobQueue, QueueCallError, QueueEntry};

/// A queue that keeps what it was sent, and can be told to fail.
#[derive(Debug, Default)]
pub struct MemoryJobQueue {
    sent: Mutex<Vec<QueueEntry>>,
    behaviour: Mutex<MemoryQueueBehaviour>,
}

/// How a [`MemoryJobQueue`] answers.
#[derive(Debug, Clone, Default)]
pub enum MemoryQueueBehaviour {
    #[default]
    Accept,
    /// Every call fails (retryable).
    Unavailable,
    /// The first `n` calls refuse every entry with a retryable error, then calls succeed.
    RefuseEntriesFor(usize),
}

impl MemoryJobQueue {
    pub fn with(behaviour: MemoryQueueBehaviour) -> Self {
        Self {
            sent: Mutex::default(),
            behaviour: Mutex::new(behaviour),
        }
    }

    /// The entries accepted since the last take, in order (as a consumer receives them).
    pub fn take(&self) -> Vec<QueueEntry> {
        self.sent
            .lock()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default()
    }

    /// Every entry accepted so far, in order.
    pub fn sent(&self) -> Vec<QueueEntry> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl JobQueue for MemoryJobQueue {
    async fn send_batch(
        &self,
        entries: &[QueueEntry],
    ) -> Result<Vec<EntryFailure>, QueueCallError> {
        let mut behaviour = self.behaviour.lock().map_err(|_| unavailable())?;
        match &mut *behaviour {
            MemoryQueueBehaviour::Unavailable => Err(unavailable()),
            MemoryQueueBehaviour::RefuseEntriesFor(n) if *n > 0 => {
                *n -= 1;
                Ok(entries
                    .iter()
                    .map(|e| EntryFailure {
                        id: e.id.clone(),
                        code: "ServiceUnavailable".into(),
                        sender_fault: false,
                    })
                    .collect())
            }
            _ => {
                self.sent
                    .lock()
                    .map_err(|_| unavailable())?
                    .extend_from_slice(entries);
                Ok(Vec::new())
            }
        }
    }
}

fn unavailable() -> QueueCallError {
    QueueCallError {
        message: "memory queue unavailable".into(),
        retryable: true,
    }
}
