//! `deeto-hubspot budget` against moto: what the shared budget recorded, in JSON and as a table.

use common::adapters::dynamodb::rate_budget::DynamoRateBudget;
use common::domain::ids::PortalId;
use common::ports::{CallKind, RateBudget};
use integration_tests::{TestStack, now_ms};
use serde_json::Value;

#[tokio::test]
async fn budget_reports_the_calls_each_window_recorded() {
    let stack = TestStack::new().await;
    let budget = DynamoRateBudget::new(
        aws_sdk_dynamodb::Client::new(&stack.sdk),
        stack.reference("Table"),
    );
    let (portal, now) = (PortalId(62515), now_ms());
    let mut granted = 0;
    for at in [now - 60_000, now - 30_000, now] {
        while budget
            .try_acquire(portal, CallKind::Standard, at)
            .await
            .expect("budget")
            .is_none()
        {
            granted += 1;
        }
    }
    budget
        .try_acquire(portal, CallKind::Search, now)
        .await
        .expect("search");
    let other = budget
        .try_acquire(PortalId(1), CallKind::Standard, now)
        .await;
    assert_eq!(other, Ok(None));
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_deeto-hubspot"))
            .args(args)
            .env("TABLE_NAME", stack.reference("Table"))
            .output()
            .expect("the CLI runs")
    };

    let json = cli(&["budget", "62515", "--output", "json"]);
    let table = cli(&["budget", "62515"]);
    let usage = cli(&["budget", "62515", "--minutes", "0"]);

    assert!(json.status.success(), "{json:?}");
    let report: Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(report["kinds"][0]["kind"], "standard");
    assert_eq!(
        report["kinds"][0]["calls"], granted,
        "only this portal's calls"
    );
    assert_eq!(
        report["kinds"][0]["windows"].as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(report["kinds"][1]["calls"], 1);
    assert!(table.status.success());
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains(&format!("standard {granted} calls in 3 windows")),
        "{text}"
    );
    assert_eq!(usage.status.code(), Some(2), "--minutes 0 is a usage error");
}
