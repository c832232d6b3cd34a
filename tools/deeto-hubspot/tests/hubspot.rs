//! The commands that talk to HubSpot, against moto and the HubSpot simulator: `token check` (a
//! healthy portal, then the same portal after the customer uninstalled the app) and `tenant
//! disconnect`. No token ever appears in the output.

use std::process::Output;

use common::adapters::secrets::token_vault::SecretsManagerTokenVault;
use common::domain::ids::PortalId;
use common::ports::TokenVault;
use hubspot_sim::{RunningSim, SimConfig, Simulator};
use integration_tests::{LOCAL_CLIENT_SECRET, TestStack};
use secrecy::SecretString;
use serde_json::Value;

const PORTAL: u64 = 62515;

fn check(stack: &TestStack, sim: &RunningSim, portal: u64) -> Output {
    cli(
        stack,
        sim,
        &["token", "check", &portal.to_string(), "--output", "json"],
    )
}

/// The CLI with what an operator's environment holds for this stack and HubSpot.
fn cli(stack: &TestStack, sim: &RunningSim, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_deeto-hubspot"))
        .args(args)
        .env("TABLE_NAME", stack.reference("Table"))
        .env("TOKEN_SECRET_PREFIX", stack.token_secret_prefix())
        .env("HUBSPOT_APP_SECRET_ID", stack.reference("AppSecret"))
        .env("HUBSPOT_API_BASE", sim.base_url())
        .env("HUBSPOT_AUTH_BASE", sim.base_url())
        .output()
        .expect("the CLI runs")
}

/// Moto, the simulator, and portal 62515 installed for tenant `acme` (its refresh token in
/// Secrets Manager); returns the refresh token, to prove it is never printed.
async fn installed() -> (TestStack, RunningSim, SecretsManagerTokenVault, String) {
    let stack = TestStack::new().await;
    let mut config = SimConfig::default();
    config.app.client_id = "local-client".into();
    config.app.client_secret = LOCAL_CLIENT_SECRET.into();
    let sim = Simulator::start(config).await.expect("simulator");
    stack.connect_tenant("acme", PORTAL).await;
    let refresh = sim.issue_token(PORTAL).refresh_token;
    let vault = SecretsManagerTokenVault::new(
        aws_sdk_secretsmanager::Client::new(&stack.sdk),
        stack.token_secret_prefix(),
    );
    let secret = SecretString::from(refresh.clone());
    let stored = vault.store_refresh_token(PortalId(PORTAL), &secret);
    stored.await.expect("stored");
    (stack, sim, vault, refresh)
}

// Multi-threaded: the simulator serves the CLI from this process while the test waits for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connected_portal_is_healthy_and_an_uninstalled_one_is_not() {
    let (stack, sim, _, refresh) = installed().await;
    let healthy = check(&stack, &sim, PORTAL);
    sim.uninstall(PORTAL);
    let broken = check(&stack, &sim, PORTAL);
    let unknown = check(&stack, &sim, 999);

    assert!(healthy.status.success(), "{healthy:?}");
    let report: Value = serde_json::from_slice(&healthy.stdout).expect("JSON");
    assert_eq!(
        (report["healthy"].as_bool(), report["hubId"].as_u64()),
        (Some(true), Some(PORTAL))
    );
    assert_eq!(report["missingScopes"], serde_json::json!([]));
    assert_eq!(broken.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&broken.stdout).expect("JSON");
    assert_eq!(report["healthy"], false);
    assert!(
        report["problem"].as_str().is_some_and(|p| !p.is_empty()),
        "{report}"
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown portal 999"));
    for output in [&healthy, &broken] {
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !all.contains(&refresh),
            "the refresh token is never printed"
        );
        assert!(!all.contains("CN"), "no access token is printed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnect_revokes_the_token_deletes_its_secret_and_marks_the_tenant() {
    let (stack, sim, vault, refresh) = installed().await;

    let out = cli(
        &stack,
        &sim,
        &["tenant", "disconnect", "acme", "--output", "json"],
    );

    assert!(out.status.success(), "{out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        (
            report["tokenRevoked"].as_bool(),
            report["portalId"].as_str()
        ),
        (Some(true), Some("62515"))
    );
    assert!(
        vault
            .refresh_token(PortalId(PORTAL))
            .await
            .expect("read")
            .is_none(),
        "secret deleted"
    );
    let shown = cli(
        &stack,
        &sim,
        &["tenant", "show", "acme", "--output", "json"],
    );
    let tenant: Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    assert_eq!(tenant[0]["status"], "disconnected");
    let revoked = sim.journal(&hubspot_sim::JournalQuery::default());
    assert!(revoked.iter().any(|e| e.path.ends_with("/token/revoke")));
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&refresh));
}
