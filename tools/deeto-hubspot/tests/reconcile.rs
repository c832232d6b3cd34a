//! `deeto-hubspot reconcile` as an operator runs it: the built binary against moto, its exit
//! codes, its JSON output and what it leaves on the sync queue and in the checkpoint.

use std::process::Output;

use common::adapters::dynamodb::checkpoints::DynamoCheckpoints;
use common::domain::ids::PortalId;
use common::reconcile::{CheckpointStore, Step, run_id};
use integration_tests::{TestStack, now_ms};
use serde_json::Value;

const PORTAL: u64 = 62515;

/// The CLI with the operator's environment for this stack.
fn cli(stack: &TestStack, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_deeto-hubspot"))
        .args(args)
        .env("TABLE_NAME", stack.reference("Table"))
        .env("SYNC_QUEUE_URL", stack.reference("SyncQueue"))
        .output()
        .expect("the CLI runs")
}

fn json_out(output: &Output) -> Value {
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[tokio::test]
async fn reconcile_starts_todays_run_of_one_portal_and_status_shows_it() {
    let stack = TestStack::new().await;
    stack.connect_tenant("acme", PORTAL).await;

    let started = cli(&stack, &["reconcile", "62515", "--output", "json"]);
    let status = cli(
        &stack,
        &["reconcile", "62515", "--status", "--output", "json"],
    );

    assert!(started.status.success(), "{started:?}");
    let answer = json_out(&started);
    assert_eq!(
        (answer["outcome"].as_str(), answer["portal"].as_u64()),
        (Some("started"), Some(PORTAL))
    );
    let queued = stack
        .receive(
            &stack.reference("SyncQueue"),
            1,
            std::time::Duration::from_secs(5),
        )
        .await;
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0]["type"], "reconcile.page.v1");
    assert_eq!(queued[0]["page"], 0);
    assert!(status.status.success(), "{status:?}");
    let run = json_out(&status);
    assert_eq!(run["run"], run_id(now_ms()));
    assert_eq!(run["pagesDone"], 0);
    assert_eq!(run["step"], "records.contact");
    assert!(run["finishedAtMs"].is_null());
}

#[tokio::test]
async fn wait_prints_the_summary_of_a_finished_run_and_gives_up_on_one_nobody_works() {
    let stack = TestStack::new().await;
    stack.connect_tenant("acme", PORTAL).await;
    let started = cli(&stack, &["reconcile", "62515"]);
    assert!(started.status.success(), "{started:?}");

    // Nobody consumes the sync queue here: waiting gives up, with a reason, and exit 1.
    let stalled = cli(
        &stack,
        &["reconcile", "62515", "--wait", "--timeout-secs", "1"],
    );
    assert_eq!(stalled.status.code(), Some(1));
    let reason = String::from_utf8_lossy(&stalled.stderr);
    assert!(reason.contains("not finished"), "{reason}");

    let dynamo = aws_sdk_dynamodb::Client::new(&stack.sdk);
    let checkpoints = DynamoCheckpoints::new(dynamo, stack.reference("Table"));
    let run = checkpoints.get(PortalId(PORTAL), &run_id(now_ms())).await;
    let run = run.expect("store").expect("the run");
    let mut page = common::reconcile::Tally {
        records_checked: 7,
        ..Default::default()
    };
    page.repaired("field", 2);
    let done = run.advanced(Step::Done, None, &page, now_ms());
    assert!(checkpoints.advance(&done).await.expect("finished"));

    let summary = cli(&stack, &["reconcile", "62515", "--wait"]);

    assert!(summary.status.success(), "{summary:?}");
    let text = String::from_utf8_lossy(&summary.stdout);
    assert!(text.contains("finished"), "{text}");
    assert!(text.contains("records checked 7"), "{text}");
    assert!(
        text.contains("field") && text.contains("repaired      2"),
        "{text}"
    );
    let listed = json_out(&cli(&stack, &["tenant", "list", "--output", "json"]));
    assert_eq!(
        listed[0]["lastSyncAtMs"],
        serde_json::json!(done.finished_at_ms)
    );
}

#[tokio::test]
async fn an_unknown_portal_fails_clearly_and_bad_usage_exits_2() {
    let stack = TestStack::new().await;

    let unknown = cli(&stack, &["reconcile", "777"]);
    let usage = cli(&stack, &["reconcile", "not-a-portal"]);
    let conflicting = cli(&stack, &["reconcile", "1", "--wait", "--status"]);

    assert_eq!(unknown.status.code(), Some(1));
    let reason = String::from_utf8_lossy(&unknown.stderr);
    assert!(reason.contains("portal 777"), "{reason}");
    assert_eq!(usage.status.code(), Some(2));
    assert_eq!(conflicting.status.code(), Some(2));
}
