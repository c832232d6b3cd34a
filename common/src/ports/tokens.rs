//! OAuth tokens per portal, and the per-portal API budget.

use async_trait::async_trait;
use secrecy::SecretString;

use super::hubspot::CallKind;
use super::tenants::StoreError;
use crate::domain::ids::PortalId;

/// Refresh tokens, one secret per portal (Secrets Manager).
#[async_trait]
pub trait TokenVault: Send + Sync {
    async fn refresh_token(&self, portal: PortalId) -> Result<Option<SecretString>, StoreError>;
    /// Creates or replaces the portal's secret.
    async fn store_refresh_token(
        &self,
        portal: PortalId,
        token: &SecretString,
    ) -> Result<(), StoreError>;
    async fn delete(&self, portal: PortalId) -> Result<(), StoreError>;
}

/// An access token and when it stops working.
#[derive(Debug, Clone)]
pub struct CachedToken {
    pub access_token: SecretString,
    pub expires_at_ms: i64,
}

/// Access tokens shared by every Lambda (DynamoDB), the refresh lease, and refresh cool-down.
#[async_trait]
pub trait TokenCache: Send + Sync {
    async fn get(&self, portal: PortalId) -> Result<Option<CachedToken>, StoreError>;
    async fn put(&self, portal: PortalId, token: &CachedToken) -> Result<(), StoreError>;
    /// Takes the portal's refresh lease when it is free or expired at `now_ms`; true when the
    /// caller (`owner`) holds it until `until_ms`.
    async fn try_lease(
        &self,
        portal: PortalId,
        owner: &str,
        until_ms: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError>;
    async fn release_lease(&self, portal: PortalId, owner: &str) -> Result<(), StoreError>;
    /// After a failed refresh, no new attempt before `until_ms`.
    async fn set_cooldown(&self, portal: PortalId, until_ms: i64) -> Result<(), StoreError>;
    async fn cooldown_until(&self, portal: PortalId) -> Result<Option<i64>, StoreError>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The installation is gone: park the portal's work until someone re-installs.
    #[error("portal disconnected: {reason}")]
    Disconnected { reason: String },
    /// A recent refresh failed; try again after `until_ms`.
    #[error("token refresh cooling down until {until_ms}")]
    CoolingDown { until_ms: i64 },
    #[error("token unavailable: {0}")]
    Unavailable(String),
}

/// A valid access token for a portal, refreshed as needed.
#[async_trait]
pub trait TokenProvider: Send + Sync {
    async fn access_token(&self, portal: PortalId) -> Result<SecretString, TokenError>;
    /// HubSpot refused the token (401): forget it so the next call refreshes.
    async fn invalidate(&self, portal: PortalId);
}

/// One per-portal API budget shared by all functions.
#[async_trait]
pub trait RateBudget: Send + Sync {
    /// Takes one request slot: `Ok(None)` when granted, `Ok(Some(ms))` to wait that long first.
    async fn try_acquire(
        &self,
        portal: PortalId,
        kind: CallKind,
        now_ms: i64,
    ) -> Result<Option<u64>, StoreError>;
}
