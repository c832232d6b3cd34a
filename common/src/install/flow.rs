//! The install flow: licence key → HubSpot's authorize page → callback → tokens stored,
//! portal bound, properties provisioned.

use std::sync::Arc;

use super::license::{LicenseKey, hash_license_key, random_token};
use super::properties::{ProvisionError, ProvisionReport, provision_properties};
use crate::domain::ids::{PortalId, TenantId};
use crate::hubspot::HubSpotError;
use crate::ports::{
    CachedToken, Clock, HubSpotApi, OAuthApi, OAuthStateStore, StateError, StoreError, TenantStore,
    TokenCache, TokenVault,
};

/// How long a customer has between starting an install and HubSpot's redirect back.
pub const STATE_TTL_MS: i64 = 15 * 60 * 1000;

#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("this licence key is not valid")]
    UnknownLicense,
    #[error("this licence key has been revoked")]
    RevokedLicense,
    #[error("the link is missing `{0}`")]
    MissingParameter(&'static str),
    #[error("this installation link is invalid or was already used ({0}); please start again")]
    InvalidState(StateError),
    #[error("HubSpot did not authorize the installation: {description} ({code})")]
    Denied { code: String, description: String },
    #[error("HubSpot portal {0} is already connected to another Deeto account")]
    PortalClaimed(PortalId),
    #[error("this Deeto account is already connected to HubSpot portal {0}; disconnect it first")]
    TenantHasOtherPortal(PortalId),
    #[error("HubSpot refused the authorization code: {0}")]
    Exchange(HubSpotError),
    #[error(transparent)]
    Provisioning(#[from] ProvisionError),
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
}

/// HubSpot's redirect back to us.
#[derive(Debug, Default, Clone)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallOutcome {
    pub tenant: TenantId,
    pub tenant_name: String,
    pub portal: PortalId,
    pub scopes: Vec<String>,
    /// The portal was already bound to this tenant: tokens replaced, links kept.
    pub reinstall: bool,
    pub provisioned: ProvisionReport,
}

/// Everything the install flow needs, as ports.
pub struct Installer {
    pub tenants: Arc<dyn TenantStore>,
    pub states: Arc<dyn OAuthStateStore>,
    pub oauth: Arc<dyn OAuthApi>,
    pub vault: Arc<dyn TokenVault>,
    pub token_cache: Arc<dyn TokenCache>,
    pub hubspot: Arc<dyn HubSpotApi>,
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Installer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Installer").finish_non_exhaustive()
    }
}

impl Installer {
    /// Checks the licence key and returns the HubSpot authorize URL carrying a fresh state.
    /// `redirect_uri` is our callback's public URL.
    pub async fn start(
        &self,
        raw_license_key: &str,
        redirect_uri: &str,
    ) -> Result<String, InstallError> {
        let key = LicenseKey::parse(raw_license_key).ok_or(InstallError::UnknownLicense)?;
        let tenant = self
            .tenants
            .tenant_by_license(&hash_license_key(&key))
            .await?
            .ok_or(InstallError::UnknownLicense)?;
        if !tenant.license_active {
            return Err(InstallError::RevokedLicense);
        }
        let state = random_token();
        self.states
            .put(&state, &tenant.id, self.clock.now_ms() + STATE_TTL_MS)
            .await?;
        tracing::info!(tenant = %tenant.id, "install started");
        Ok(self.oauth.authorize_url(&state, redirect_uri))
    }

    /// Handles HubSpot's redirect: consumes the state, exchanges the code, stores the tokens,
    /// binds the portal and provisions Deeto's properties.
    pub async fn complete(
        &self,
        params: CallbackParams,
        redirect_uri: &str,
    ) -> Result<InstallOutcome, InstallError> {
        let now = self.clock.now_ms();
        if let Some(code) = params.error {
            // Burn the state so the link cannot be replayed after a denial.
            if let Some(state) = &params.state {
                let _ = self.states.consume(state, now).await;
            }
            let description = params
                .error_description
                .unwrap_or_else(|| "no reason given".into());
            return Err(InstallError::Denied { code, description });
        }
        let state = params
            .state
            .ok_or(InstallError::MissingParameter("state"))?;
        let code = params.code.ok_or(InstallError::MissingParameter("code"))?;
        let tenant_id = self
            .states
            .consume(&state, now)
            .await
            .map_err(InstallError::InvalidState)?;
        let tenant = self
            .tenants
            .tenant(&tenant_id)
            .await?
            .ok_or(InstallError::UnknownLicense)?;
        if !tenant.license_active {
            return Err(InstallError::RevokedLicense);
        }
        let tokens = self
            .oauth
            .exchange_code(&code, redirect_uri)
            .await
            .map_err(InstallError::Exchange)?;
        let info = self
            .oauth
            .introspect(&tokens.access_token)
            .await
            .map_err(InstallError::Exchange)?;
        let portal = info.hub_id;
        let reinstall = match self
            .check_ownership(&tenant_id, tenant.portal_id, portal)
            .await
        {
            Ok(reinstall) => reinstall,
            Err(err) => {
                // We will not keep these tokens: give them back rather than leave them live.
                let _ = self.oauth.revoke(&tokens.refresh_token).await;
                return Err(err);
            }
        };
        self.vault
            .store_refresh_token(portal, &tokens.refresh_token)
            .await?;
        let cached = CachedToken {
            access_token: tokens.access_token.clone(),
            expires_at_ms: now + tokens.expires_in_secs * 1000,
        };
        self.token_cache.put(portal, &cached).await?;
        self.tenants
            .bind_portal(&tenant_id, portal, &info.scopes, now)
            .await
            .map_err(|err| match err {
                StoreError::Conflict(_) => InstallError::PortalClaimed(portal),
                other => InstallError::Store(other),
            })?;
        let provisioned = match provision_properties(self.hubspot.as_ref(), portal).await {
            Ok(provisioned) => provisioned,
            Err(err) => {
                // Without its properties the integration cannot write back: the portal stays
                // disconnected (its work parked, not lost) until an install completes.
                let reason = format!("install incomplete: {err}; fix it and install again");
                self.tenants.mark_disconnected(portal, &reason, now).await?;
                return Err(err.into());
            }
        };
        tracing::info!(tenant = %tenant_id, portal = %portal, reinstall, created = provisioned.created.len(), "install completed");
        Ok(InstallOutcome {
            tenant: tenant_id,
            tenant_name: tenant.name,
            portal,
            scopes: info.scopes,
            reinstall,
            provisioned,
        })
    }

    /// True for a re-install of the tenant's own portal; an error when either side belongs elsewhere.
    async fn check_ownership(
        &self,
        tenant: &TenantId,
        current: Option<PortalId>,
        portal: PortalId,
    ) -> Result<bool, InstallError> {
        if let Some(binding) = self.tenants.portal(portal).await?
            && &binding.tenant_id != tenant
        {
            return Err(InstallError::PortalClaimed(portal));
        }
        match current {
            Some(existing) if existing != portal => {
                Err(InstallError::TenantHasOtherPortal(existing))
            }
            Some(_) => Ok(true),
            None => Ok(false),
        }
    }
}
