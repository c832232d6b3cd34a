//! Installing through the real adapters: DynamoDB and Secrets Manager on moto, HubSpot as the
//! simulator. Proves the stores' conditions (single-use state, one tenant per portal) on the
//! real DynamoDB protocol.

use std::sync::Arc;

use common::adapters::dynamodb::oauth_state::DynamoOAuthStateStore;
use common::adapters::hubspot_stack::HubSpotStack;
use common::domain::ids::{PortalId, TenantId};
use common::install::{
    CallbackParams, InstallError, Installer, LicenseKey, disconnect_tenant, hash_license_key,
    new_license_key,
};
use common::ports::{
    OAuthStateStore, StateError, SystemClock, Tenant, TenantStatus, TenantStore, TokenVault,
};
use hubspot_sim::{JournalQuery, RunningSim, SimConfig, Simulator};
use integration_tests::TestStack;

const REDIRECT: &str = "https://abc123xyz.execute-api.eu-west-1.amazonaws.com/oauth/callback";
const PORTAL: PortalId = PortalId(62515);

struct Install {
    stack: TestStack,
    sim: RunningSim,
    hubspot: HubSpotStack,
    installer: Installer,
    states: Arc<DynamoOAuthStateStore>,
}

impl Install {
    async fn start() -> Self {
        let stack = TestStack::new().await;
        let sim = Simulator::start(SimConfig::default())
            .await
            .expect("simulator");
        let table = stack.reference("Table");
        let hubspot = crate::sim_stack::hubspot_stack(&stack, &sim);
        let states = Arc::new(DynamoOAuthStateStore::new(
            aws_sdk_dynamodb::Client::new(&stack.sdk),
            &table,
        ));
        let installer = Installer {
            tenants: hubspot.tenants.clone(),
            states: states.clone(),
            oauth: hubspot.oauth.clone(),
            vault: hubspot.vault.clone(),
            token_cache: hubspot.token_cache.clone(),
            hubspot: hubspot.api.clone(),
            clock: Arc::new(SystemClock),
        };
        Self {
            stack,
            sim,
            hubspot,
            installer,
            states,
        }
    }

    async fn tenant(&self, name: &str) -> (TenantId, LicenseKey) {
        let key = new_license_key();
        let tenant = Tenant::pending(TenantId(uuid::Uuid::new_v4().to_string()), name);
        self.hubspot
            .tenants
            .create_tenant(&tenant, &hash_license_key(&key))
            .await
            .expect("created");
        (tenant.id, key)
    }

    /// Starts an install and follows the simulator's authorize page; returns HubSpot's redirect.
    async fn approve(&self, key: &LicenseKey) -> CallbackParams {
        let authorize = self
            .installer
            .start(key.expose(), REDIRECT)
            .await
            .expect("install starts");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let answer = client.get(authorize).send().await.expect("authorize page");
        let location =
            url::Url::parse(answer.headers()["location"].to_str().expect("ascii")).expect("url");
        let param = |name: &str| {
            location
                .query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        CallbackParams {
            code: param("code"),
            state: param("state"),
            error: param("error"),
            error_description: param("error_description"),
        }
    }
}

#[tokio::test]
async fn an_install_is_recorded_in_dynamodb_and_the_token_in_its_own_secret() {
    let t = Install::start().await;
    let (tenant, key) = t.tenant("Acme").await;

    let outcome = t
        .installer
        .complete(t.approve(&key).await, REDIRECT)
        .await
        .expect("installed");

    assert_eq!((outcome.portal, outcome.reinstall), (PORTAL, false));
    let stored = t
        .hubspot
        .tenants
        .tenant(&tenant)
        .await
        .expect("read")
        .expect("tenant");
    assert_eq!(
        (stored.status, stored.portal_id),
        (TenantStatus::Connected, Some(PORTAL))
    );
    assert!(stored.installed_at_ms.is_some() && !stored.scopes.is_empty());
    let binding = t
        .hubspot
        .tenants
        .portal(PORTAL)
        .await
        .expect("read")
        .expect("binding");
    assert_eq!(binding.tenant_id, tenant);
    assert!(
        t.hubspot
            .vault
            .refresh_token(PORTAL)
            .await
            .expect("read")
            .is_some()
    );
    assert_eq!(
        t.hubspot.tenants.list_tenants().await.expect("list").len(),
        1
    );
}

#[tokio::test]
async fn install_states_are_single_use_and_expire_on_real_dynamodb() {
    let t = Install::start().await;
    let tenant = TenantId("t1".into());
    t.states
        .put("s-used", &tenant, i64::MAX)
        .await
        .expect("put");
    t.states.put("s-old", &tenant, 1_000).await.expect("put");

    assert_eq!(t.states.consume("s-used", 2_000).await, Ok(tenant.clone()));
    assert_eq!(
        t.states.consume("s-used", 2_000).await,
        Err(StateError::AlreadyUsed)
    );
    assert_eq!(
        t.states.consume("s-old", 2_000).await,
        Err(StateError::Expired)
    );
    assert_eq!(
        t.states.consume("never-issued", 2_000).await,
        Err(StateError::Unknown)
    );
}

#[tokio::test]
async fn a_portal_claimed_by_another_tenant_is_refused_by_the_store_itself() {
    let t = Install::start().await;
    let (first, first_key) = t.tenant("Acme").await;
    let (second, second_key) = t.tenant("Globex").await;
    t.installer
        .complete(t.approve(&first_key).await, REDIRECT)
        .await
        .expect("first install");

    let err = t
        .installer
        .complete(t.approve(&second_key).await, REDIRECT)
        .await
        .expect_err("refused");
    assert!(matches!(err, InstallError::PortalClaimed(PORTAL)), "{err}");
    // The store's own condition holds even if the check before it were skipped.
    let raw = t.hubspot.tenants.bind_portal(&second, PORTAL, &[], 1).await;
    assert!(
        matches!(raw, Err(common::ports::StoreError::Conflict(_))),
        "{raw:?}"
    );
    assert_eq!(
        t.hubspot
            .tenants
            .portal(PORTAL)
            .await
            .expect("read")
            .expect("binding")
            .tenant_id,
        first
    );
}

#[tokio::test]
async fn disconnecting_revokes_the_token_deletes_the_secret_and_marks_the_tenant() {
    let t = Install::start().await;
    let (tenant, key) = t.tenant("Acme").await;
    t.installer
        .complete(t.approve(&key).await, REDIRECT)
        .await
        .expect("installed");
    let mark = t.sim.journal_mark();

    let done = disconnect_tenant(
        t.hubspot.tenants.as_ref(),
        t.hubspot.vault.as_ref(),
        t.hubspot.oauth.as_ref(),
        &tenant,
        "operator request",
        5,
    )
    .await
    .expect("disconnected");

    assert!(done.token_revoked);
    let revokes = t.sim.journal(&JournalQuery {
        since: Some(mark),
        path_contains: Some("/token/revoke".into()),
        ..JournalQuery::default()
    });
    assert_eq!(revokes.len(), 1);
    assert!(
        t.hubspot
            .vault
            .refresh_token(PORTAL)
            .await
            .expect("read")
            .is_none()
    );
    let stored = t
        .hubspot
        .tenants
        .tenant(&tenant)
        .await
        .expect("read")
        .expect("tenant");
    assert_eq!(
        (stored.status, stored.status_reason.as_deref()),
        (TenantStatus::Disconnected, Some("operator request"))
    );
    let _ = &t.stack;
}
