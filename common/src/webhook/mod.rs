//! HubSpot's webhook protocol as pure functions: request signatures, the URI HubSpot signed,
//! and the event batch it posts. Nothing here does I/O.

pub mod batch;
pub mod event;
pub mod signature;
pub mod uri;

pub use batch::{BatchError, MAX_EVENTS_PER_BATCH, parse_batch};
pub use event::{EventAction, ObjectKind, SubscriptionType, WebhookEvent};
pub use signature::{SignatureError, V3Request};
