//! The install flow through the real, guarded HubSpot stack against the simulator: everything
//! it sent stays within Deeto's write scope.

use std::sync::Arc;

use common::adapters::dynamodb::oauth_state::DynamoOAuthStateStore;
use common::domain::ids::{PortalId, TenantId};
use common::install::{CallbackParams, Installer, hash_license_key, new_license_key};
use common::ports::{SystemClock, Tenant, TenantStore};
use hubspot_sim::{JournalQuery, SimConfig, Simulator};
use integration_tests::TestStack;

use super::assert_within_write_scope;

const REDIRECT: &str = "https://abc123xyz.execute-api.eu-west-1.amazonaws.com/oauth/callback";

#[tokio::test]
async fn installing_writes_only_deetos_property_group_and_properties() {
    let stack = TestStack::new().await;
    let sim = Simulator::start(SimConfig::default())
        .await
        .expect("simulator");
    let table = stack.reference("Table");
    let hubspot = crate::sim_stack::hubspot_stack(&stack, &sim);
    let installer = Installer {
        tenants: hubspot.tenants.clone(),
        states: Arc::new(DynamoOAuthStateStore::new(
            aws_sdk_dynamodb::Client::new(&stack.sdk),
            &table,
        )),
        oauth: hubspot.oauth.clone(),
        vault: hubspot.vault.clone(),
        token_cache: hubspot.token_cache.clone(),
        hubspot: hubspot.api.clone(),
        clock: Arc::new(SystemClock),
    };
    let key = new_license_key();
    let tenant = Tenant::pending(TenantId("acme".into()), "Acme");
    hubspot
        .tenants
        .create_tenant(&tenant, &hash_license_key(&key))
        .await
        .expect("tenant");

    let authorize = installer
        .start(key.expose(), REDIRECT)
        .await
        .expect("install starts");
    let params = approve(authorize).await;
    let outcome = installer
        .complete(params, REDIRECT)
        .await
        .expect("installed");

    assert_eq!(outcome.portal, PortalId(62515));
    let journal = sim.journal(&JournalQuery::default());
    let writes = journal.iter().filter(|e| e.is_write()).count();
    assert!(
        writes >= 4,
        "install created the group and properties: {writes} writes"
    );
    assert_within_write_scope(&journal, &[]);
}

/// Follows the simulator's authorize page; returns what HubSpot redirects back with.
pub(crate) async fn approve(authorize: String) -> CallbackParams {
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
