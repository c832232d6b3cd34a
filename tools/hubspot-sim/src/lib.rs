//! A stateful HubSpot simulator on 127.0.0.1 for integration tests, local end-to-end runs and
//! benchmarks: OAuth, CRM objects (CRUD, batch, search, merge), properties, pipelines and
//! associations on HubSpot's date-based paths, with rate limits, fault injection, signed
//! webhooks and a request journal. See `README.md` in this crate.
//!
//! ```no_run
//! # async fn demo() -> Result<(), hubspot_sim::SimError> {
//! let sim = hubspot_sim::Simulator::start(hubspot_sim::SimConfig::default()).await?;
//! let token = sim.issue_token(62515).access_token;
//! // point HUBSPOT_API_BASE and HUBSPOT_AUTH_BASE at sim.base_url() ...
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

pub mod admin;
pub mod api;
pub mod auth;
pub mod clock;
pub mod config;
pub mod error;
pub mod faults;
mod handle;
pub mod journal;
pub mod limits;
pub mod middleware;
pub mod object_type;
pub mod seed;
pub mod server;
pub mod state;
pub mod store;
pub mod version;
pub mod webhooks;

pub use admin::{AssociationChange, PortalSummary};
pub use auth::tokens::Grant;
pub use config::{AppConfig, SimConfig};
pub use error::ApiError;
pub use faults::{FaultKind, FaultRule};
pub use journal::{JournalEntry, JournalQuery};
pub use limits::RateLimitSettings;
pub use object_type::ObjectType;
pub use seed::{Fixture, FixtureReport, GenerateReport, GenerateSpec};
pub use server::{RunningSim, SimError, Simulator};
pub use state::AuthorizeChoice;
pub use store::Props;
pub use webhooks::{Delivery, Subscription, WebhookSettings};
