//! `POST /webhooks/hubspot`: verify HubSpot's v3 signature, parse the batch, put every event on
//! the sync queue, answer. Nothing else happens here, so HubSpot gets its answer in
//! milliseconds and the real work runs behind the queue.

mod handler;
mod rejection;

pub use handler::{MAX_BODY_BYTES, Receiver, WEBHOOK_ROUTE, handle};
pub use rejection::Rejection;
