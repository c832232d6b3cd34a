//! Token manager rules with in-memory stores and a scripted OAuth endpoint.

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
    TokenInfo, TokenProvider, TokenSet, TokenVault,
};

const PORTAL: PortalId = PortalId(62515);
const NOW: i64 = 1_800_000_000_000;

#[derive(Debug, Default)]
struct TestClock(AtomicI64);

impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// An OAuth endpoint that answers refreshes as told, slowly enough for callers to overlap.
#[derive(Debug)]
struct ScriptedOAuth {
    refreshes: AtomicUsize,
    answer: std::sync::Mutex<Result<&'static str, HubSpotErrorKind>>,
}

impl ScriptedOAuth {
    fn answering(answer: Result<&'static str, HubSpotErrorKind>) -> Arc<Self> {
        Arc::new(Self {
            refreshes: AtomicUsize::new(0),
            answer: std::sync::Mutex::new(answer),
        })
    }

    fn refreshes(&self) -> usize {
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
struct World {
    oauth: Arc<ScriptedOAuth>,
    vault: Arc<MemoryTokenVault>,
    cache: Arc<MemoryTokenCache>,
    tenants: Arc<MemoryTenantStore>,
    clock: Arc<TestClock>,
}

impl World {
    async fn installed(answer: Result<&'static str, HubSpotErrorKind>) -> Self {
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
    fn process(&self) -> Arc<TokenManager> {
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

    async fn cache_token(&self, token: &str, expires_at_ms: i64) {
        let cached = CachedToken {
            access_token: SecretString::from(token),
            expires_at_ms,
        };
        self.cache.put(PORTAL, &cached).await.expect("cached");
    }

    fn advance(&self, ms: i64) {
        self.clock.0.fetch_add(ms, Ordering::SeqCst);
    }
}

fn exposed(token: Result<SecretString, TokenError>) -> Result<String, TokenError> {
    token.map(|t| t.expose_secret().to_owned())
}

#[tokio::test]
async fn a_fresh_shared_token_is_used_without_refreshing() {
    let world = World::installed(Ok("refresh-1")).await;
    world.cache_token("shared", NOW + 20 * 60_000).await;

    let token = exposed(world.process().access_token(PORTAL).await);

    assert_eq!(token, Ok("shared".into()));
    assert_eq!(world.oauth.refreshes(), 0);
}

#[tokio::test]
async fn a_token_within_five_minutes_of_expiry_is_refreshed_and_shared() {
    let world = World::installed(Ok("refresh-1")).await;
    world.cache_token("old", NOW + 4 * 60_000).await;

    let token = exposed(world.process().access_token(PORTAL).await);

    assert_eq!(token, Ok("access-1".into()));
    let shared = world
        .cache
        .get(PORTAL)
        .await
        .expect("read")
        .expect("cached");
    assert_eq!(shared.access_token.expose_secret(), "access-1");
    assert_eq!(shared.expires_at_ms, NOW + 1_800_000);
    assert_eq!(
        world.cache.lease_owner(PORTAL),
        None,
        "the lease is released"
    );
}

#[tokio::test]
async fn twenty_concurrent_tasks_in_three_processes_cause_one_refresh() {
    let world = World::installed(Ok("refresh-1")).await;
    let processes = [world.process(), world.process(), world.process()];

    let calls = (0..20).map(|i| {
        let process = processes[i % 3].clone();
        tokio::spawn(async move { process.access_token(PORTAL).await })
    });
    let tokens = futures::future::join_all(calls).await;

    assert!(
        tokens
            .into_iter()
            .all(|t| exposed(t.expect("joined")) == Ok("access-1".into()))
    );
    assert_eq!(world.oauth.refreshes(), 1);
}

#[tokio::test]
async fn a_rotated_refresh_token_replaces_the_secret_and_an_unchanged_one_is_not_rewritten() {
    let rotated = World::installed(Ok("refresh-2")).await;
    let same = World::installed(Ok("refresh-1")).await;

    rotated.process().access_token(PORTAL).await.expect("token");
    same.process().access_token(PORTAL).await.expect("token");

    assert_eq!(
        (
            rotated.vault.stored(PORTAL).as_deref(),
            rotated.vault.writes()
        ),
        (Some("refresh-2"), 2)
    );
    assert_eq!(same.vault.writes(), 1);
}

#[tokio::test]
async fn a_refused_refresh_token_disconnects_the_tenant_with_reason_and_time() {
    let world = World::installed(Err(HubSpotErrorKind::InvalidGrant)).await;
    let process = world.process();

    let first = process.access_token(PORTAL).await;
    let second = process.access_token(PORTAL).await;

    assert!(
        matches!(first, Err(TokenError::Disconnected { ref reason }) if reason.contains("refresh token is invalid"))
    );
    assert!(matches!(second, Err(TokenError::Disconnected { .. })));
    assert_eq!(
        world.oauth.refreshes(),
        1,
        "parked work does not ask HubSpot again"
    );
    let binding = world
        .tenants
        .portal(PORTAL)
        .await
        .expect("read")
        .expect("bound");
    assert_eq!(binding.status, TenantStatus::Disconnected);
    assert!(
        binding
            .reason
            .expect("reason")
            .contains("refresh token is invalid")
    );
    assert_eq!(binding.changed_at_ms, Some(NOW));
}

#[tokio::test]
async fn a_disconnected_portal_gets_no_token_even_with_a_cached_one() {
    let world = World::installed(Ok("refresh-1")).await;
    world.cache_token("shared", NOW + 20 * 60_000).await;
    world
        .tenants
        .mark_disconnected(PORTAL, "uninstalled", NOW)
        .await
        .expect("marked");

    let token = world.process().access_token(PORTAL).await;

    assert_eq!(
        token.map(|_| ()),
        Err(TokenError::Disconnected {
            reason: "uninstalled".into()
        })
    );
    assert_eq!(world.oauth.refreshes(), 0);
}

#[tokio::test]
async fn a_failed_refresh_cools_down_before_the_next_try() {
    let world = World::installed(Err(HubSpotErrorKind::Upstream)).await;
    let process = world.process();

    let failed = process.access_token(PORTAL).await;
    let cooling = process.access_token(PORTAL).await;
    world.advance(61_000);
    *world.oauth.answer.lock().expect("lock") = Ok("refresh-1");
    let recovered = exposed(process.access_token(PORTAL).await);

    let until_ms = NOW + 60_000;
    assert_eq!(
        failed.map(|_| ()),
        Err(TokenError::CoolingDown { until_ms })
    );
    assert_eq!(
        cooling.map(|_| ()),
        Err(TokenError::CoolingDown { until_ms })
    );
    assert_eq!(recovered, Ok("access-2".into()));
    assert_eq!(world.oauth.refreshes(), 2);
}

#[tokio::test]
async fn a_process_that_loses_the_lease_waits_and_reads_the_winners_token() {
    let world = World::installed(Ok("refresh-1")).await;
    assert_eq!(
        world
            .cache
            .try_lease(PORTAL, "other-lambda", NOW + 20_000, NOW)
            .await,
        Ok(true)
    );
    let process = world.process();
    let waiting = tokio::spawn(async move { process.access_token(PORTAL).await });

    tokio::time::sleep(Duration::from_millis(30)).await;
    world
        .cache_token("from-other-lambda", NOW + 30 * 60_000)
        .await;
    let token = exposed(waiting.await.expect("joined"));

    assert_eq!(token, Ok("from-other-lambda".into()));
    assert_eq!(world.oauth.refreshes(), 0);
}

#[tokio::test]
async fn an_expired_lease_of_a_crashed_process_is_taken_over() {
    let world = World::installed(Ok("refresh-1")).await;
    assert_eq!(
        world
            .cache
            .try_lease(PORTAL, "crashed-lambda", NOW - 1, NOW - 20_000)
            .await,
        Ok(true)
    );

    let token = exposed(world.process().access_token(PORTAL).await);

    assert_eq!(token, Ok("access-1".into()));
}

#[tokio::test]
async fn a_token_refused_on_first_use_is_dropped_here_and_in_the_shared_cache() {
    let world = World::installed(Ok("refresh-1")).await;
    world.cache_token("refused", NOW + 20 * 60_000).await;
    let process = world.process();
    process.access_token(PORTAL).await.expect("token");

    process.invalidate(PORTAL).await;
    let token = exposed(process.access_token(PORTAL).await);

    assert_eq!(token, Ok("access-1".into()));
    assert_eq!(world.oauth.refreshes(), 1);
}

#[tokio::test]
async fn invalidate_keeps_a_replacement_fetched_moments_ago_but_not_an_older_one() {
    let world = World::installed(Ok("refresh-1")).await;
    world.cache_token("refused", NOW + 20 * 60_000).await;
    let process = world.process();
    process.access_token(PORTAL).await.expect("token");
    process.invalidate(PORTAL).await;
    process.access_token(PORTAL).await.expect("replacement");

    process.invalidate(PORTAL).await;
    let kept = exposed(process.access_token(PORTAL).await);
    world.advance(11_000);
    process.invalidate(PORTAL).await;
    let replaced = exposed(process.access_token(PORTAL).await);

    assert_eq!(kept, Ok("access-1".into()));
    assert_eq!(replaced, Ok("access-2".into()));
}

#[tokio::test]
async fn invalidate_leaves_a_newer_shared_token_alone() {
    let world = World::installed(Ok("refresh-1")).await;
    world.cache_token("refused", NOW + 20 * 60_000).await;
    let process = world.process();
    process.access_token(PORTAL).await.expect("token");
    world
        .cache_token("newer-from-another-lambda", NOW + 30 * 60_000)
        .await;

    process.invalidate(PORTAL).await;
    let token = exposed(process.access_token(PORTAL).await);

    assert_eq!(token, Ok("newer-from-another-lambda".into()));
    assert_eq!(world.oauth.refreshes(), 0);
}
