//! `deeto-hubspot tenant` against moto: create, list, show, rotate the key, unknown tenants.

use std::process::Output;

use common::adapters::dynamodb::tenants::DynamoTenantStore;
use common::install::{LicenseKey, hash_license_key};
use common::ports::TenantStore;
use integration_tests::TestStack;
use serde_json::Value;

fn cli(stack: &TestStack, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_deeto-hubspot"))
        .args(args)
        .env("TABLE_NAME", stack.reference("Table"))
        .output()
        .expect("the CLI runs")
}

fn json_of(output: &Output) -> Value {
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[tokio::test]
async fn a_tenant_is_created_listed_shown_and_its_key_rotated() {
    let stack = TestStack::new().await;
    let store = DynamoTenantStore::new(
        aws_sdk_dynamodb::Client::new(&stack.sdk),
        stack.reference("Table"),
    );

    let created = json_of(&cli(
        &stack,
        &["tenant", "create", "--name", "Acme", "--output", "json"],
    ));
    let id = created["tenantId"].as_str().expect("id").to_owned();
    let first = LicenseKey::parse(created["licenseKey"].as_str().expect("key")).expect("a key");
    let listed = json_of(&cli(&stack, &["tenant", "list", "--output", "json"]));
    let shown = json_of(&cli(&stack, &["tenant", "show", &id, "--output", "json"]));
    let rotated = json_of(&cli(
        &stack,
        &["tenant", "rotate-key", &id, "--output", "json"],
    ));
    let second = LicenseKey::parse(rotated["licenseKey"].as_str().expect("key")).expect("a key");
    let unknown = cli(&stack, &["tenant", "show", "no-such-tenant"]);

    assert_eq!(listed[0]["tenantId"], id.as_str());
    assert!(
        listed[0]["lastSyncAtMs"].is_null(),
        "not installed, never synced"
    );
    assert_eq!(
        (shown[0]["name"].as_str(), shown[0]["status"].as_str()),
        (Some("Acme"), Some("pending"))
    );
    assert!(
        shown[0].get("licenseKey").is_none(),
        "a key is printed only when it is made"
    );
    assert_ne!(first.expose(), second.expose());
    let by_old = store
        .tenant_by_license(&hash_license_key(&first))
        .await
        .expect("read");
    let by_new = store
        .tenant_by_license(&hash_license_key(&second))
        .await
        .expect("read");
    assert!(by_old.is_none(), "the old key no longer works");
    assert_eq!(
        by_new.map(|t| (t.id.0, t.license_active)),
        Some((id.clone(), true))
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(cli(&stack, &["tenant", "revoke-key", &id]).status.success());
    let revoked = json_of(&cli(&stack, &["tenant", "show", &id, "--output", "json"]));
    assert_eq!(revoked[0]["licenseActive"], false);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no tenant no-such-tenant"));
}
