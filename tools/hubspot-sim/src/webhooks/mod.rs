//! HubSpot's webhooks: every change becomes events, delivered in signed batches with retries.

mod delivery;
pub mod events;
mod hub;
mod settings;

pub use delivery::Delivery;
pub use hub::WebhookHub;
pub use settings::{Subscription, WebhookSettings};
