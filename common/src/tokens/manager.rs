//! [`TokenManager`]: the `TokenProvider` every function uses. The fast path is a token in this
//! process's memory; the slow path (one task per portal at a time) checks the portal is still
//! connected, then reads the shared cache or refreshes (see `refresh.rs`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};

use super::settings::TokenSettings;
use crate::domain::ids::PortalId;
use crate::ports::{
    CachedToken, Clock, OAuthApi, TenantStatus, TenantStore, TokenCache, TokenError, TokenProvider,
    TokenVault,
};

/// A token this process holds, and when it got it.
#[derive(Debug, Clone)]
struct Held {
    token: CachedToken,
    held_since_ms: i64,
    /// Fetched because the previous token was refused (see [`TokenProvider::invalidate`]).
    replaces_refused: bool,
}

/// What this process knows per portal.
#[derive(Debug, Default)]
struct Local {
    held: HashMap<PortalId, Held>,
    /// Portals whose last token was refused: the next token held replaces it.
    refused: std::collections::HashSet<PortalId>,
}

/// Access tokens for every portal, shared by the tasks of one process.
pub struct TokenManager {
    pub(super) oauth: Arc<dyn OAuthApi>,
    pub(super) vault: Arc<dyn TokenVault>,
    pub(super) cache: Arc<dyn TokenCache>,
    pub(super) tenants: Arc<dyn TenantStore>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) settings: TokenSettings,
    /// This process's name on the refresh lease.
    pub(super) owner: String,
    local: Mutex<Local>,
    /// One async mutex per portal: concurrent tasks of this process refresh once, not N times.
    flights: Mutex<HashMap<PortalId, Arc<tokio::sync::Mutex<()>>>>,
}

impl std::fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenManager")
            .field("owner", &self.owner)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl TokenManager {
    pub fn new(
        oauth: Arc<dyn OAuthApi>,
        vault: Arc<dyn TokenVault>,
        cache: Arc<dyn TokenCache>,
        tenants: Arc<dyn TenantStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            oauth,
            vault,
            cache,
            tenants,
            clock,
            settings: TokenSettings::default(),
            owner: uuid::Uuid::new_v4().to_string(),
            local: Mutex::default(),
            flights: Mutex::default(),
        }
    }

    pub fn with_settings(mut self, settings: TokenSettings) -> Self {
        self.settings = settings;
        self
    }

    /// True while a token is worth handing out: more than the margin before expiry.
    pub(super) fn is_fresh(&self, token: &CachedToken) -> bool {
        token.expires_at_ms - self.settings.refresh_margin_ms > self.clock.now_ms()
    }

    fn held_fresh(&self, portal: PortalId) -> Option<SecretString> {
        let local = self.local.lock().ok()?;
        local
            .held
            .get(&portal)
            .filter(|h| self.is_fresh(&h.token))
            .map(|h| h.token.access_token.clone())
    }

    fn hold(&self, portal: PortalId, token: &CachedToken) {
        if let Ok(mut local) = self.local.lock() {
            let replaces_refused = local.refused.remove(&portal);
            let held = Held {
                token: token.clone(),
                held_since_ms: self.clock.now_ms(),
                replaces_refused,
            };
            local.held.insert(portal, held);
        }
    }

    pub(super) fn forget(&self, portal: PortalId) {
        if let Ok(mut local) = self.local.lock() {
            local.held.remove(&portal);
        }
    }

    /// Drops the held token unless it is a replacement fetched within the grace period: then
    /// the refused request most likely carried the token it replaced, which is gone already.
    fn drop_refused(&self, portal: PortalId) -> Option<CachedToken> {
        let mut local = self.local.lock().ok()?;
        let held = local.held.get(&portal)?;
        let recent = self.clock.now_ms() - held.held_since_ms < self.settings.invalidate_grace_ms;
        if held.replaces_refused && recent {
            return None;
        }
        local.refused.insert(portal);
        local.held.remove(&portal).map(|h| h.token)
    }

    fn flight(&self, portal: PortalId) -> Arc<tokio::sync::Mutex<()>> {
        let mut flights = self
            .flights
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        flights.entry(portal).or_default().clone()
    }

    /// A portal that is not connected gets no token, and HubSpot is not asked for one.
    pub(super) async fn ensure_connected(&self, portal: PortalId) -> Result<(), TokenError> {
        match self.tenants.portal(portal).await {
            Ok(Some(binding)) if binding.status == TenantStatus::Connected => Ok(()),
            Ok(Some(binding)) => Err(TokenError::Disconnected {
                reason: binding
                    .reason
                    .unwrap_or_else(|| format!("portal is {}", binding.status.as_str())),
            }),
            Ok(None) => Err(TokenError::Disconnected {
                reason: "portal is not installed".into(),
            }),
            Err(err) => Err(TokenError::Unavailable(err.to_string())),
        }
    }
}

#[async_trait]
impl TokenProvider for TokenManager {
    #[tracing::instrument(name = "tokens.access_token", skip_all, fields(portal_id = %portal))]
    async fn access_token(&self, portal: PortalId) -> Result<SecretString, TokenError> {
        if let Some(token) = self.held_fresh(portal) {
            return Ok(token);
        }
        let flight = self.flight(portal);
        let _one_at_a_time = flight.lock().await;
        // The task that held the flight before us may have fetched a token meanwhile.
        if let Some(token) = self.held_fresh(portal) {
            return Ok(token);
        }
        self.ensure_connected(portal).await?;
        let token = self.shared_token(portal).await?;
        self.hold(portal, &token);
        Ok(token.access_token)
    }

    #[tracing::instrument(name = "tokens.invalidate", skip_all, fields(portal_id = %portal))]
    async fn invalidate(&self, portal: PortalId) {
        let Some(dropped) = self.drop_refused(portal) else {
            return;
        };
        // Expire the shared copy only if it is still the refused token, not a newer one.
        if let Ok(Some(shared)) = self.cache.get(portal).await
            && shared.access_token.expose_secret() == dropped.access_token.expose_secret()
        {
            let expired = CachedToken {
                access_token: shared.access_token,
                expires_at_ms: 0,
            };
            if let Err(err) = self.cache.put(portal, &expired).await {
                tracing::warn!(error = %err, "could not expire the shared access token");
            }
        }
        tracing::info!("access token invalidated");
    }
}
