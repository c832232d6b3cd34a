//! Disconnecting a tenant on an operator's request: the refresh token is revoked at HubSpot,
//! its secret deleted, and the tenant marked, so every function stops calling HubSpot for it.

use crate::domain::ids::{PortalId, TenantId};
use crate::hubspot::{HubSpotError, HubSpotErrorKind};
use crate::ports::{OAuthApi, StoreError, TenantStore, TokenVault};

#[derive(Debug, thiserror::Error)]
pub enum DisconnectError {
    #[error("no tenant {0}")]
    UnknownTenant(TenantId),
    #[error("HubSpot could not revoke the token now ({0}); nothing was changed, try again")]
    Revoke(HubSpotError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disconnected {
    pub portal: Option<PortalId>,
    /// False when there was no stored token, or HubSpot said it was already dead.
    pub token_revoked: bool,
}

/// Revokes, deletes and marks, in that order: a transient revoke failure changes nothing, so
/// the operator can simply run the command again.
pub async fn disconnect_tenant(
    tenants: &dyn TenantStore,
    vault: &dyn TokenVault,
    oauth: &dyn OAuthApi,
    tenant_id: &TenantId,
    reason: &str,
    now_ms: i64,
) -> Result<Disconnected, DisconnectError> {
    let tenant = tenants
        .tenant(tenant_id)
        .await?
        .ok_or_else(|| DisconnectError::UnknownTenant(tenant_id.clone()))?;
    let Some(portal) = tenant.portal_id else {
        return Ok(Disconnected {
            portal: None,
            token_revoked: false,
        });
    };
    let mut token_revoked = false;
    if let Some(refresh) = vault.refresh_token(portal).await? {
        match oauth.revoke(&refresh).await {
            Ok(()) => token_revoked = true,
            Err(err) if err.kind == HubSpotErrorKind::InvalidGrant => {}
            Err(err) => return Err(DisconnectError::Revoke(err)),
        }
        vault.delete(portal).await?;
    }
    tenants.mark_disconnected(portal, reason, now_ms).await?;
    tracing::info!(tenant = %tenant_id, portal = %portal, token_revoked, "tenant disconnected");
    Ok(Disconnected {
        portal: Some(portal),
        token_revoked,
    })
}
