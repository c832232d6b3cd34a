//! Talking to HubSpot: API versions, the error type every HubSpot call returns, and the
//! reqwest adapters behind the `HubSpotApi` and `OAuthApi` ports, and the write guard every
//! request passes.

pub mod budget;
pub mod client;
pub mod error;
pub mod guard;
pub mod oauth;
pub mod retry;
pub mod version;

pub use client::{ReqwestHubSpot, http_client};
pub use error::{HubSpotError, HubSpotErrorKind};
pub use guard::WriteGuard;
pub use oauth::{OAuthSettings, ReqwestOAuth};
pub use retry::RetryPolicy;
