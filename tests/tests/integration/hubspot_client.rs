//! The HubSpot client core against the simulator (OAuth, CRM, faults, journal) and moto (token
//! cache and rate budget in DynamoDB, refresh tokens in Secrets Manager). Several token managers
//! over the same stores play several Lambdas; every scenario captures its logs and checks that
//! no token or secret appears in them.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::adapters::dynamodb::rate_budget::DynamoRateBudget;
use common::adapters::dynamodb::token_cache::DynamoTokenCache;
use common::adapters::memory::MemoryTenantStore;
use common::adapters::secrets::token_vault::SecretsManagerTokenVault;
use common::domain::ids::{PortalId, TenantId};
use common::hubspot::oauth::{OPTIONAL_SCOPES, REQUIRED_SCOPES};
use common::hubspot::{
    HubSpotError, HubSpotErrorKind, OAuthSettings, ReqwestHubSpot, ReqwestOAuth, RetryPolicy,
    http_client,
};
use common::ports::{
    ApiRequest, ApiResponse, CachedToken, CallKind, HubSpotApi, OAuthApi, RateBudget, SystemClock,
    Tenant, TenantStatus, TenantStore, TokenCache, TokenVault,
};
use common::tokens::TokenManager;
use hubspot_sim::{
    FaultKind, FaultRule, Grant, JournalEntry, JournalQuery, RunningSim, SimConfig, Simulator,
};
use integration_tests::{TestStack, now_ms};
use secrecy::{ExposeSecret, SecretString};

const PORTAL: u64 = 62515;
const CONTACTS: &str = "/crm/objects/2026-09/contacts";
const CLIENT_SECRET: &str = "sim-client-secret";
/// Licence keys do not pass through this core; listed so a future log line with one fails here.
const LICENSE_KEY: &str = "deeto-lic-7f3a91c2";

/// Everything one log capture wrote, as text.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures our events at every level and everyone else's at debug, with span fields, on this
/// test's thread. The AWS SDK logs whole response bodies (DynamoDB items, secret values) at
/// trace level, so no function may ever run with the SDK at trace.
fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(true)
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "debug,common=trace,hubspot_sim=trace",
        ))
        .with_writer(move || writer.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

fn assert_no_secret_logged(logs: &Captured, secrets: &[String]) {
    let text = String::from_utf8_lossy(&logs.0.lock().expect("log buffer")).into_owned();
    assert!(
        text.contains("\"level\":\"DEBUG\""),
        "the scenario logged something to check"
    );
    for (i, secret) in secrets.iter().enumerate() {
        // The message names the secret by position only: the point is not to print it.
        assert!(
            !text.contains(secret.as_str()),
            "secret #{i} appears in a log line"
        );
    }
}

/// An installed portal on the simulator, with the shared stores on moto.
struct Harness {
    sim: RunningSim,
    grant: Grant,
    oauth: Arc<ReqwestOAuth>,
    vault: Arc<SecretsManagerTokenVault>,
    cache: Arc<DynamoTokenCache>,
    budget: Arc<DynamoRateBudget>,
    tenants: Arc<MemoryTenantStore>,
}

fn oauth_for(sim: &RunningSim) -> ReqwestOAuth {
    let base = url::Url::parse(&sim.base_url()).expect("sim URL");
    let settings = OAuthSettings::with_app_scopes(
        base.clone(),
        base,
        "sim-client-id".into(),
        SecretString::from(CLIENT_SECRET),
    );
    ReqwestOAuth::new(
        settings,
        http_client(Duration::from_secs(10)).expect("HTTP client"),
    )
}

impl Harness {
    async fn start() -> Self {
        let sim = Simulator::start(SimConfig::default())
            .await
            .expect("simulator starts");
        let stack = TestStack::new().await;
        let table = stack.reference("Table");
        let dynamodb = aws_sdk_dynamodb::Client::new(&stack.sdk);
        let prefix = format!("t{}/hubspot/refresh-token/", uuid::Uuid::new_v4().simple());
        let harness = Self {
            grant: sim.issue_token(PORTAL),
            oauth: Arc::new(oauth_for(&sim)),
            vault: Arc::new(SecretsManagerTokenVault::new(
                aws_sdk_secretsmanager::Client::new(&stack.sdk),
                prefix,
            )),
            cache: Arc::new(DynamoTokenCache::new(dynamodb.clone(), table.clone())),
            budget: Arc::new(DynamoRateBudget::new(dynamodb, table)),
            tenants: Arc::default(),
            sim,
        };
        harness.install().await;
        harness
    }

    async fn install(&self) {
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
        self.tenants
            .create_tenant(&tenant, "hash-of-the-licence-key")
            .await
            .expect("tenant");
        self.tenants
            .bind_portal(&tenant.id, PortalId(PORTAL), &[], now_ms())
            .await
            .expect("bound");
        let refresh = SecretString::from(self.grant.refresh_token.clone());
        self.vault
            .store_refresh_token(PortalId(PORTAL), &refresh)
            .await
            .expect("refresh token stored");
    }

    async fn cache_access_token(&self, expires_at_ms: i64) {
        let token = CachedToken {
            access_token: SecretString::from(self.grant.access_token.clone()),
            expires_at_ms,
        };
        self.cache
            .put(PortalId(PORTAL), &token)
            .await
            .expect("token cached");
    }

    /// One Lambda process: its own token manager (memory, lease owner) over the shared stores.
    fn lambda(&self, policy: RetryPolicy) -> Arc<ReqwestHubSpot> {
        let tokens = TokenManager::new(
            self.oauth.clone(),
            self.vault.clone(),
            self.cache.clone(),
            self.tenants.clone(),
            Arc::new(SystemClock),
        );
        let base = url::Url::parse(&self.sim.base_url()).expect("sim URL");
        let http = http_client(Duration::from_secs(10)).expect("HTTP client");
        Arc::new(ReqwestHubSpot::new(
            base,
            http,
            Arc::new(tokens),
            self.budget.clone(),
            Arc::new(SystemClock),
            policy,
        ))
    }

    fn requests_since(&self, mark: u64, path_prefix: &str) -> Vec<JournalEntry> {
        self.sim.journal(&JournalQuery {
            since: Some(mark),
            path_prefix: Some(path_prefix.into()),
            ..JournalQuery::default()
        })
    }

    fn token_requests_since(&self, mark: u64) -> usize {
        self.requests_since(mark, "/oauth/")
            .iter()
            .filter(|e| e.path == "/oauth/2026-03/token")
            .count()
    }

    /// Every secret the scenario handled, including the access token it refreshed, if any.
    async fn secrets(&self) -> Vec<String> {
        let mut secrets = vec![
            self.grant.access_token.clone(),
            self.grant.refresh_token.clone(),
            CLIENT_SECRET.into(),
            LICENSE_KEY.into(),
        ];
        if let Some(cached) = self.cache.get(PortalId(PORTAL)).await.expect("cache read") {
            secrets.push(cached.access_token.expose_secret().to_owned());
        }
        secrets
    }
}

/// Every share of CRM reads, up to `times` of them, gets `status` instead of an answer.
fn crm_reads_answer(status: u16, share: f64, times: u64) -> FaultRule {
    FaultRule {
        id: 0,
        method: Some("GET".into()),
        path: "/crm/objects/*".into(),
        fault: FaultKind::Status { status },
        share,
        random: false,
        times: Some(times),
        seen: 0,
        injected: 0,
    }
}

async fn list_contacts(client: &ReqwestHubSpot) -> Result<ApiResponse, HubSpotError> {
    client
        .send(
            PortalId(PORTAL),
            ApiRequest::get(CONTACTS).with_query("limit", "1"),
        )
        .await
}

#[tokio::test]
async fn twenty_concurrent_callers_with_an_expired_access_token_cause_exactly_one_refresh() {
    let (logs, _guard) = capture_logs();
    let harness = Harness::start().await;
    harness.cache_access_token(now_ms() - 1_000).await;
    harness.sim.advance_clock(Duration::from_secs(31 * 60));
    let lambdas: Vec<_> = (0..4)
        .map(|_| harness.lambda(RetryPolicy::default()))
        .collect();
    let mark = harness.sim.journal_mark();

    let calls = (0..20).map(|i| list_contacts(&lambdas[i % lambdas.len()]));
    let results = futures::future::join_all(calls).await;

    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(harness.token_requests_since(mark), 1);
    let crm = harness.requests_since(mark, "/crm/");
    assert_eq!((crm.len(), crm.iter().all(|e| e.status == 200)), (20, true));
    assert_no_secret_logged(&logs, &harness.secrets().await);
}

#[tokio::test]
async fn a_refused_access_token_is_refreshed_once_and_the_call_succeeds() {
    let (logs, _guard) = capture_logs();
    let harness = Harness::start().await;
    harness.cache_access_token(now_ms() + 20 * 60_000).await;
    harness.sim.advance_clock(Duration::from_secs(31 * 60));
    let mark = harness.sim.journal_mark();

    let result = list_contacts(&harness.lambda(RetryPolicy::default())).await;

    assert!(result.is_ok(), "{result:?}");
    let statuses: Vec<u16> = harness
        .requests_since(mark, "/crm/")
        .iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(statuses, [401, 200]);
    assert_eq!(harness.token_requests_since(mark), 1);
    assert_no_secret_logged(&logs, &harness.secrets().await);
}

#[tokio::test]
async fn a_revoked_refresh_token_disconnects_the_tenant_and_parks_its_work() {
    let (logs, _guard) = capture_logs();
    let harness = Harness::start().await;
    harness.cache_access_token(now_ms() + 20 * 60_000).await;
    harness.sim.uninstall(PORTAL);
    let lambda = harness.lambda(RetryPolicy::default());

    let first = list_contacts(&lambda).await.expect_err("uninstalled");
    let binding = harness
        .tenants
        .portal(PortalId(PORTAL))
        .await
        .expect("read")
        .expect("bound");
    let mark = harness.sim.journal_mark();
    let again = list_contacts(&lambda).await.expect_err("still parked");
    let elsewhere = list_contacts(&harness.lambda(RetryPolicy::default()))
        .await
        .expect_err("parked everywhere");

    assert_eq!(first.kind, HubSpotErrorKind::Disconnected);
    assert!(
        first.message.starts_with("portal disconnected"),
        "{}",
        first.message
    );
    assert!(!first.is_retryable());
    assert_eq!(binding.status, TenantStatus::Disconnected);
    assert!(
        binding
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("refresh token is invalid")),
        "{binding:?}"
    );
    assert!(binding.changed_at_ms.is_some());
    assert_eq!(
        (again.kind, elsewhere.kind),
        (
            HubSpotErrorKind::Disconnected,
            HubSpotErrorKind::Disconnected
        )
    );
    assert!(
        harness
            .sim
            .journal(&JournalQuery {
                since: Some(mark),
                ..JournalQuery::default()
            })
            .is_empty(),
        "no request to HubSpot once parked"
    );
    assert_no_secret_logged(&logs, &harness.secrets().await);
}

#[tokio::test]
async fn a_429_storm_is_ridden_out_within_the_budget() {
    let (logs, _guard) = capture_logs();
    let harness = Harness::start().await;
    harness.cache_access_token(now_ms() + 20 * 60_000).await;
    harness.sim.add_fault(crm_reads_answer(429, 0.3, 10));
    let policy = RetryPolicy {
        max_attempts: 6,
        max_total: Duration::from_secs(45),
        ..RetryPolicy::default()
    };
    let lambdas: Vec<_> = (0..3).map(|_| harness.lambda(policy)).collect();
    let mark = harness.sim.journal_mark();
    let started = Instant::now();

    let results =
        futures::future::join_all((0..30).map(|i| list_contacts(&lambdas[i % lambdas.len()])))
            .await;

    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let crm = harness.requests_since(mark, "/crm/");
    let limited = crm.iter().filter(|e| e.status == 429).count();
    assert!((1..=10).contains(&limited), "{limited} 429s");
    assert_eq!(
        crm.len(),
        30 + limited,
        "each 429 costs exactly one more call"
    );
    assert!(started.elapsed() < Duration::from_secs(45));
    assert_no_secret_logged(&logs, &harness.secrets().await);
}

#[tokio::test]
async fn server_errors_are_retried_and_validation_errors_are_not() {
    let (logs, _guard) = capture_logs();
    let harness = Harness::start().await;
    harness.cache_access_token(now_ms() + 20 * 60_000).await;
    harness.sim.add_fault(crm_reads_answer(503, 1.0, 2));
    let lambda = harness.lambda(RetryPolicy::default());
    let mark = harness.sim.journal_mark();

    let recovered = list_contacts(&lambda).await;
    let refused = lambda
        .send(
            PortalId(PORTAL),
            ApiRequest::post(
                CONTACTS,
                serde_json::json!({"properties": {"no_such_property": "x"}}),
            ),
        )
        .await;

    assert!(recovered.is_ok(), "{recovered:?}");
    let refused = refused.expect_err("unknown property");
    assert_eq!(
        (refused.kind, refused.status),
        (HubSpotErrorKind::Validation, Some(400))
    );
    assert!(refused.correlation_id.is_some());
    let statuses: Vec<u16> = harness
        .requests_since(mark, "/crm/")
        .iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(statuses, [503, 503, 200, 400]);
    assert_no_secret_logged(&logs, &harness.secrets().await);
}

/// Follows the authorize URL as an approving admin would; the redirect's query (code, state).
async fn approve_install(
    oauth: &ReqwestOAuth,
    state: &str,
    redirect: &str,
) -> std::collections::HashMap<String, String> {
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = no_redirects
        .get(oauth.authorize_url(state, redirect))
        .send()
        .await
        .expect("authorize page");
    let location = page.headers()["location"].to_str().expect("ascii");
    let location = url::Url::parse(location).expect("redirect URL");
    location.query_pairs().into_owned().collect()
}

#[tokio::test]
async fn the_oauth_adapter_exchanges_introspects_refreshes_and_revokes_against_the_simulator() {
    let (logs, _guard) = capture_logs();
    let sim = Simulator::start(SimConfig::default())
        .await
        .expect("simulator starts");
    let oauth = oauth_for(&sim);
    let redirect = "http://127.0.0.1:9/oauth/callback";

    let query = approve_install(&oauth, "state-42", redirect).await;
    let tokens = oauth
        .exchange_code(&query["code"], redirect)
        .await
        .expect("code exchanged");
    let info = oauth
        .introspect(&tokens.access_token)
        .await
        .expect("introspected");
    let refreshed = oauth
        .refresh(&tokens.refresh_token)
        .await
        .expect("refreshed");
    oauth.revoke(&tokens.refresh_token).await.expect("revoked");
    let after_revoke = oauth
        .refresh(&tokens.refresh_token)
        .await
        .expect_err("revoked token refused");

    assert_eq!(query["state"], "state-42");
    assert_eq!(
        (tokens.hub_id, info.hub_id),
        (Some(PortalId(PORTAL)), PortalId(PORTAL))
    );
    assert!(
        REQUIRED_SCOPES
            .iter()
            .chain(OPTIONAL_SCOPES)
            .all(|s| info.scopes.iter().any(|g| g == s)),
        "{:?}",
        info.scopes
    );
    assert_eq!(tokens.expires_in_secs, 1800);
    assert_ne!(
        refreshed.access_token.expose_secret(),
        tokens.access_token.expose_secret()
    );
    assert_eq!(after_revoke.kind, HubSpotErrorKind::InvalidGrant);
    let mut secrets = [
        &tokens.access_token,
        &tokens.refresh_token,
        &refreshed.access_token,
    ]
    .map(|s| s.expose_secret().to_owned())
    .to_vec();
    secrets.extend([CLIENT_SECRET.to_owned(), query["code"].clone()]);
    assert_no_secret_logged(&logs, &secrets);
}

#[tokio::test]
async fn the_dynamodb_budget_grants_110_calls_per_window_then_says_how_long_to_wait() {
    let stack = TestStack::new().await;
    let budget = DynamoRateBudget::new(
        aws_sdk_dynamodb::Client::new(&stack.sdk),
        stack.reference("Table"),
    );
    let (portal, two_seconds_in) = (PortalId(PORTAL), 1_800_000_002_000);

    let mut granted = 0;
    while granted < 200
        && budget
            .try_acquire(portal, CallKind::Standard, two_seconds_in)
            .await
            .expect("budget")
            .is_none()
    {
        granted += 1;
    }
    let refused = budget
        .try_acquire(portal, CallKind::Standard, two_seconds_in)
        .await;
    let search = budget
        .try_acquire(portal, CallKind::Search, two_seconds_in)
        .await;
    let next_window = budget
        .try_acquire(portal, CallKind::Standard, two_seconds_in + 8_000)
        .await;

    assert_eq!(granted, 110);
    assert_eq!(refused, Ok(Some(8_000)));
    assert_eq!(search, Ok(None), "search has its own budget");
    assert!(
        matches!(next_window, Ok(Some(_))),
        "the full window still carries over at its start"
    );
}

#[tokio::test]
async fn the_dynamodb_lease_is_exclusive_and_token_writes_leave_it_alone() {
    let stack = TestStack::new().await;
    let cache = DynamoTokenCache::new(
        aws_sdk_dynamodb::Client::new(&stack.sdk),
        stack.reference("Table"),
    );
    let portal = PortalId(PORTAL);

    let first = cache.try_lease(portal, "lambda-a", 2_000, 1_000).await;
    let token = CachedToken {
        access_token: SecretString::from("t"),
        expires_at_ms: 9_000,
    };
    cache.put(portal, &token).await.expect("token cached");
    let contested = cache.try_lease(portal, "lambda-b", 2_500, 1_500).await;
    cache
        .release_lease(portal, "lambda-b")
        .await
        .expect("a stranger's release is a no-op");
    let still_held = cache.try_lease(portal, "lambda-b", 2_500, 1_600).await;
    cache
        .release_lease(portal, "lambda-a")
        .await
        .expect("released");
    let after_release = cache.try_lease(portal, "lambda-b", 3_000, 1_700).await;
    let after_expiry = cache.try_lease(portal, "lambda-c", 9_000, 3_001).await;
    cache
        .set_cooldown(portal, 5_000)
        .await
        .expect("cool-down set");

    assert_eq!(
        (first, contested, still_held),
        (Ok(true), Ok(false), Ok(false))
    );
    assert_eq!((after_release, after_expiry), (Ok(true), Ok(true)));
    let cached = cache.get(portal).await.expect("read").expect("token kept");
    assert_eq!(
        (cached.access_token.expose_secret(), cached.expires_at_ms),
        ("t", 9_000)
    );
    assert_eq!(cache.cooldown_until(portal).await, Ok(Some(5_000)));
}

#[tokio::test]
async fn the_vault_creates_replaces_reads_and_deletes_a_portals_refresh_token() {
    let stack = TestStack::new().await;
    let prefix = format!("t{}/refresh/", uuid::Uuid::new_v4().simple());
    let vault =
        SecretsManagerTokenVault::new(aws_sdk_secretsmanager::Client::new(&stack.sdk), prefix);
    let portal = PortalId(PORTAL);

    let before = vault.refresh_token(portal).await;
    vault
        .store_refresh_token(portal, &SecretString::from("first"))
        .await
        .expect("created");
    vault
        .store_refresh_token(portal, &SecretString::from("rotated"))
        .await
        .expect("replaced");
    let stored = vault
        .refresh_token(portal)
        .await
        .expect("read")
        .map(|t| t.expose_secret().to_owned());
    vault.delete(portal).await.expect("deleted");
    let after = vault.refresh_token(portal).await;

    assert!(matches!(before, Ok(None)));
    assert_eq!(stored.as_deref(), Some("rotated"));
    assert!(matches!(after, Ok(None)));
    assert!(vault.delete(portal).await.is_ok(), "deleting twice is fine");
}
