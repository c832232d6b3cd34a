//! Access tokens per portal: cached in memory and in the shared token cache until five minutes
//! before expiry, refreshed single-flight (one task per process, one process per portal through
//! the cache's lease), the portal disconnected when HubSpot refuses the refresh token.

mod manager;
mod refresh;
mod settings;

pub use manager::TokenManager;
pub use settings::TokenSettings;

#[cfg(test)]
mod tests;
