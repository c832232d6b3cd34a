//! The HubSpot side of a test: the production `HubSpotStack` (guarded client, token manager,
//! DynamoDB stores on moto) pointed at a running simulator, as every function builds it.

use common::adapters::hubspot_stack::HubSpotStack;
use common::adapters::secrets::AppCredentials;
use common::config::HubSpotEndpoints;
use hubspot_sim::{RunningSim, SimConfig};
use integration_tests::TestStack;
use secrecy::SecretString;

/// The stack for `sim`, with the simulator's default app credentials; token secrets under
/// this test stack's own prefix.
pub fn hubspot_stack(stack: &TestStack, sim: &RunningSim) -> HubSpotStack {
    let base = url::Url::parse(&sim.base_url()).expect("url");
    let app = SimConfig::default().app;
    let credentials = AppCredentials {
        client_id: app.client_id,
        client_secret: SecretString::from(app.client_secret),
    };
    let endpoints = HubSpotEndpoints {
        api_base: base.clone(),
        auth_base: base,
    };
    let table = stack.reference("Table");
    HubSpotStack::build(
        &stack.sdk,
        &table,
        &stack.token_secret_prefix(),
        &credentials,
        &endpoints,
    )
    .expect("stack")
}
