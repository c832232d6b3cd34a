//! The sync queue: the message format every producer and the sync worker agree on, and the
//! batching, retrying sender.

pub mod message;
pub mod publish;

pub use message::{
    CommandDelivery, PoolRebuild, ReconcilePage, RecordRefresh, Said, SyncMessage, WebhookDelivery,
};
pub use publish::{EnqueueError, RetryPolicy, send_all};
