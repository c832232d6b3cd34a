//! The Deeto platform's inbox as a queue: each [`OutboundMessage`] becomes one SQS message, with
//! its type, portal and dedupe key as attributes so the consumer can route and deduplicate
//! without parsing the body.

use std::sync::Arc;

use async_trait::async_trait;

use super::outbound::OutboundMessage;
use super::ports::OutboundPublisher;
use crate::ports::{JobQueue, QueueEntry, StoreError};
use crate::queue::{RetryPolicy, send_all};

pub struct QueueOutbox {
    queue: Arc<dyn JobQueue>,
}

impl std::fmt::Debug for QueueOutbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueueOutbox").finish_non_exhaustive()
    }
}

impl QueueOutbox {
    pub fn new(queue: Arc<dyn JobQueue>) -> Self {
        Self { queue }
    }
}

/// The queue entry for one message (`id` unique within the call).
pub fn entry(index: usize, message: &OutboundMessage) -> Result<QueueEntry, serde_json::Error> {
    Ok(QueueEntry {
        id: index.to_string(),
        body: serde_json::to_string(message)?,
        attributes: vec![
            ("type".to_owned(), message.type_name().to_owned()),
            ("portalId".to_owned(), message.portal_id().to_string()),
            ("dedupeKey".to_owned(), message.dedupe_key()),
        ],
    })
}

#[async_trait]
impl OutboundPublisher for QueueOutbox {
    async fn publish(&self, messages: &[OutboundMessage]) -> Result<(), StoreError> {
        let entries = messages
            .iter()
            .enumerate()
            .map(|(i, m)| entry(i, m))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StoreError::Corrupt(format!("outbound message: {e}")))?;
        send_all(self.queue.as_ref(), entries, RetryPolicy::default())
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }
}
