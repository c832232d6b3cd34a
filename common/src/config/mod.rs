//! Configuration from environment variables, read once at cold start. Every function's config
//! is built with an [`Env`] reader that collects *all* problems, so a bad deployment is fixed
//! in one round trip instead of one variable at a time.

mod crm_card;
mod env;
mod oauth;
mod queue_producer;
mod receiver;
mod sections;
mod sync_worker;

pub use crm_card::CrmCardConfig;
pub use env::{ConfigError, Env};
pub use oauth::OAuthCallbackConfig;
pub use queue_producer::{DailyReconcileConfig, DeetoEventsConfig, SyncQueueProducerConfig};
pub use receiver::ReceiverConfig;
pub use sections::{AppSecretSource, HubSpotAccess, HubSpotEndpoints};
pub use sync_worker::SyncWorkerConfig;
