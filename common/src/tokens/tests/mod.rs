//! Token manager rules with in-memory stores and a scripted OAuth endpoint: the harness.

mod invalidate;
mod lease;
mod refresh;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};

use super::{TokenManager, TokenSettings};
use crate::adapters::memory::{MemoryTenantStore, MemoryTokenCache, MemoryTokenVault};
use crate::domain::ids::{PortalId, TenantId};
use crate::hubspot::{HubSpotError, HubSpotErrorKind};
use crate::ports::{
    CachedToken, Clock, OAuthApi, Tenant, TenantStatus, TenantStore, TokenCache, TokenError,
    TokenInfo, TokenSet, TokenVault,
};

pub(super) const PORTAL: PortalId = PortalId(62515);
pub(super) const NOW: i64 = 1_800_000_000_000;

#[derive(Debug, Default)]
struct TestClock(AtomicI64);

impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// An OAuth endpoint that answers refreshes as told, slowly enough for callers to overlap.
#[derive(Debug)]
pub(super) struct ScriptedOAuth {
    refreshes: AtomicUsize,
    pub(super) answer: std::sync::Mutex<Result<&'static str, HubSpotErrorKind>>,
}

impl ScriptedOAuth {
    fn answering(answer: Result<&'static str, HubSpotErrorKind>) -> Arc<Self> {
        Arc::new(Self {
            refreshes: AtomicUsize::new(0),
            answer: std::sync::Mutex::new(answer),
        })
    }

    pub(super) fn refreshes(&self) -> usize {
        self.refreshes.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl OAuthApi for ScriptedOAuth {
    fn authorize_url(&self, _: &str, _: &str) -> String {
        String::new()
    }
    async fn exchange_code(&self, _: &str, _: &str) -> Result<TokenSet, HubSpotError> {
        unimplemented!("not used by the token manager")
    }
    async fn refresh(&self, _: &SecretString) -> Result<TokenSet, HubSpotError> {
        let n = self.refreshes.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::time::sleep(Duration::from_millis(30)).await;
        let answer = *self.answer.lock().expect("lock");
        match answer {
            Ok(refresh_token) => Ok(TokenSet {
                access_token: SecretString::from(format!("access-{n}")),
                refresh_token: SecretString::from(refresh_token),
                expires_in_secs: 1800,
                hub_id: Some(PORTAL),
            }),
            Err(kind) => Err(HubSpotError::new(
                kind,
                Some(400),
                "refresh token is invalid, expired or revoked",
            )),
        }
    }
    async fn introspect(&self, _: &SecretString) -> Result<TokenInfo, HubSpotError> {
        unimplemented!("not used by the token manager")
    }
    async fn revoke(&self, _: &SecretString) -> Result<(), HubSpotError> {
        unimplemented!("not used by the token manager")
    }
}

/// One installed portal and the stores every "process" of a test shares.
pub(super) struct World {
    pub(super) oauth: Arc<ScriptedOAuth>,
    pub(super) vault: Arc<MemoryTokenVault>,
    pub(super) cache: Arc<MemoryTokenCache>,
    pub(super) tenants: Arc<MemoryTenantStore>,
    clock: Arc<TestClock>,
}

impl World {
    pub(super) async fn installed(answer: Result<&'static str, HubSpotErrorKind>) -> Self {
        let world = Self {
            oauth: ScriptedOAuth::answering(answer),
            vault: Arc::default(),
            cache: Arc::default(),
            tenants: Arc::default(),
            clock: Arc::new(TestClock(AtomicI64::new(NOW))),
        };
        let tenant = Tenant {
            id: TenantId("acme".into()),
            name: "Acme".into(),
            status: TenantStatus::Pending,
            license_active: true,
            portal_id: None,
            scopes: Vec::new(),
            installed_at_ms: None,
            status_reason: None,
            status_changed_at_ms: None,
        };
        world
            .tenants
            .create_tenant(&tenant, "hash")
            .await
            .expect("tenant");
        world
            .tenants
            .bind_portal(&tenant.id, PORTAL, &[], NOW)
            .await
            .expect("bound");
        world
            .vault
            .store_refresh_token(PORTAL, &SecretString::from("refresh-1"))
            .await
            .expect("stored");
        world
    }

    /// A token manager as one Lambda process would have it.
    pub(super) fn process(&self) -> Arc<TokenManager> {
        let settings = TokenSettings {
            poll_ms: 5,
            ..TokenSettings::default()
        };
        Arc::new(
            TokenManager::new(
                self.oauth.clone(),
                self.vault.clone(),
                self.cache.clone(),
                self.tenants.clone(),
                self.clock.clone(),
            )
            .with_settings(settings),
        )
    }

    pub(super) async fn cache_token(&self, token: &str, expires_at_ms: i64) {
        let cached = CachedToken {
            access_token: SecretString::from(token),
            expires_at_ms,
        };
        self.cache.put(PORTAL, &cached).await.expect("cached");
    }

    pub(super) fn advance(&self, ms: i64) {
        self.clock.0.fetch_add(ms, Ordering::SeqCst);
    }
}

pub(super) fn exposed(token: Result<SecretString, TokenError>) -> Result<String, TokenError> {
    token.map(|t| t.expose_secret().to_owned())
}
