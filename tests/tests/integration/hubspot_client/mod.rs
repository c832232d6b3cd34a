//! The HubSpot client core against the simulator (OAuth, CRM, faults, journal) and moto (token
//! cache and rate budget in DynamoDB, refresh tokens in Secrets Manager). Several token managers
//! over the same stores play several Lambdas; every scenario captures its logs and checks that
//! no token or secret appears in them.

use std::sync::Arc;
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

mod dynamodb;
mod limits;
mod oauth;
mod tokens;

use integration_tests::logs::capture_logs;

/// The secrets as `&str`s for [`LogCapture::assert_no_secret`].
fn as_strs(secrets: &[String]) -> Vec<&str> {
    secrets.iter().map(String::as_str).collect()
}

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
