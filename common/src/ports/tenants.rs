//! Tenants (Deeto customers), their HubSpot portal, and OAuth install state.

use async_trait::async_trait;

use crate::domain::ids::{PortalId, TenantId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantStatus {
    /// Created by an operator; not installed yet.
    Pending,
    Connected,
    /// The HubSpot authorization is gone (uninstalled, revoked, refresh refused).
    Disconnected,
}

impl TenantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TenantStatus::Pending => "pending",
            TenantStatus::Connected => "connected",
            TenantStatus::Disconnected => "disconnected",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(Self::Pending),
            "connected" => Some(Self::Connected),
            "disconnected" => Some(Self::Disconnected),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
    pub status: TenantStatus,
    /// False once an operator revoked the licence key.
    pub license_active: bool,
    pub portal_id: Option<PortalId>,
    pub scopes: Vec<String>,
    pub installed_at_ms: Option<i64>,
    pub status_reason: Option<String>,
    pub status_changed_at_ms: Option<i64>,
}

impl Tenant {
    /// A tenant an operator just created: licence active, nothing installed yet.
    pub fn pending(id: TenantId, name: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
            status: TenantStatus::Pending,
            license_active: true,
            portal_id: None,
            scopes: Vec::new(),
            installed_at_ms: None,
            status_reason: None,
            status_changed_at_ms: None,
        }
    }
}

/// Status of a portal, as seen by every function before calling HubSpot for it.
pub type PortalStatus = TenantStatus;

/// Which tenant owns a portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalBinding {
    pub portal_id: PortalId,
    pub tenant_id: TenantId,
    pub status: PortalStatus,
    pub reason: Option<String>,
    pub changed_at_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule refused the write (e.g. a portal already bound to another tenant).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("store unavailable: {0}")]
    Unavailable(String),
    #[error("stored record is unreadable: {0}")]
    Corrupt(String),
    /// The store refused the request itself (e.g. an item over DynamoDB's 400 KB): retrying
    /// the same request cannot succeed.
    #[error("store refused the request: {0}")]
    Rejected(String),
}

#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Creates a tenant whose licence key hashes to `license_hash`.
    async fn create_tenant(&self, tenant: &Tenant, license_hash: &str) -> Result<(), StoreError>;
    async fn tenant_by_license(&self, license_hash: &str) -> Result<Option<Tenant>, StoreError>;
    async fn tenant(&self, id: &TenantId) -> Result<Option<Tenant>, StoreError>;
    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError>;
    /// Binds the portal to the tenant and marks both connected. A portal already bound to
    /// another tenant is a [`StoreError::Conflict`]; re-binding to the same tenant is fine.
    async fn bind_portal(
        &self,
        tenant: &TenantId,
        portal: PortalId,
        scopes: &[String],
        at_ms: i64,
    ) -> Result<(), StoreError>;
    async fn portal(&self, portal: PortalId) -> Result<Option<PortalBinding>, StoreError>;
    /// Marks the portal (and its tenant) disconnected, with why and when.
    async fn mark_disconnected(
        &self,
        portal: PortalId,
        reason: &str,
        at_ms: i64,
    ) -> Result<(), StoreError>;
    /// Revokes a tenant's licence key: installs with it are refused from now on.
    async fn revoke_license(&self, id: &TenantId) -> Result<(), StoreError>;
    /// Replaces the tenant's licence key with the one hashing to `new_hash`, at once and
    /// together: the old key stops working, the new one works (and is active).
    async fn rotate_license(&self, id: &TenantId, new_hash: &str) -> Result<(), StoreError>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    #[error("unknown install state")]
    Unknown,
    #[error("install state expired")]
    Expired,
    #[error("install state already used")]
    AlreadyUsed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Single-use OAuth `state` values, bound to the tenant that started the install.
#[async_trait]
pub trait OAuthStateStore: Send + Sync {
    async fn put(
        &self,
        state: &str,
        tenant: &TenantId,
        expires_at_ms: i64,
    ) -> Result<(), StoreError>;
    /// Marks the state used and returns its tenant; works once, and only before expiry.
    async fn consume(&self, state: &str, now_ms: i64) -> Result<TenantId, StateError>;
}
