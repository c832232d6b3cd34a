//! `deeto-hubspot dlq` against moto, on dead letters the sync worker really set aside.

use std::io::Write;
use std::process::{Output, Stdio};
use std::sync::Arc;

use aws_lambda_events::sqs::SqsEvent;
use common::adapters::memory::{
    MemoryCommandLedger, MemoryJobQueue, MemoryTenantStore, MemoryTicketStore,
};
use common::adapters::sqs::SqsJobQueue;
use common::ports::FixedClock;
use common::reconcile::memory::MemoryCheckpoints;
use common::sync::config::DefaultConfigSource;
use common::sync::fake_hubspot::FakeHubSpot;
use common::sync::memory::{MemoryLedger, MemoryOutbox, MemoryRecords};
use common::sync::worker::SyncWorker;
use integration_tests::TestStack;
use serde_json::{Value, json};

/// A worker that knows no portal: every well-formed message is for an unknown portal.
fn worker() -> SyncWorker {
    SyncWorker {
        tenants: Arc::new(MemoryTenantStore::default()),
        configs: Arc::new(DefaultConfigSource::default()),
        records: Arc::new(MemoryRecords::default()),
        ledger: Arc::new(MemoryLedger::default()),
        outbound: Arc::new(MemoryOutbox::default()),
        hubspot: Arc::new(FakeHubSpot::default()),
        clock: Arc::new(FixedClock(1)),
        tickets: Arc::new(MemoryTicketStore::default()),
        commands: Arc::new(MemoryCommandLedger::default()),
        checkpoints: Arc::new(MemoryCheckpoints::default()),
        sync_queue: Arc::new(MemoryJobQueue::default()),
        pools: Arc::new(common::adapters::memory::MemoryReferencePools::default()),
    }
}

fn webhook(portal: u64) -> String {
    json!({"type": "hubspot.webhook.v1", "receivedAt": 1, "event": {"eventId": portal,
        "subscriptionId": 2, "portalId": portal, "occurredAt": 3,
        "subscriptionType": "contact.creation", "objectId": 4}})
    .to_string()
}

fn cli(stack: &TestStack, args: &[&str], stdin: &str) -> Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_deeto-hubspot"))
        .args(args)
        .env(
            "SYNC_DEAD_LETTER_QUEUE_URL",
            stack.reference("SyncDeadLetterQueue"),
        )
        .env("SYNC_QUEUE_URL", stack.reference("SyncQueue"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the CLI runs");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes()).expect("stdin");
    }
    child.wait_with_output().expect("the CLI ends")
}

fn listed(stack: &TestStack) -> Vec<Value> {
    let out = cli(stack, &["dlq", "list", "--output", "json"], "");
    assert!(out.status.success(), "{out:?}");
    let all: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    all.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn dead_letters_are_listed_redriven_by_portal_and_purged_only_when_confirmed() {
    let stack = TestStack::new().await;
    let dead_letters = SqsJobQueue::new(stack.sqs.clone(), stack.reference("SyncDeadLetterQueue"));
    let event: SqsEvent = serde_json::from_value(json!({"Records": [
        {"messageId": "m-1", "body": "not json"},
        {"messageId": "m-2", "body": webhook(999)},
        {"messageId": "m-3", "body": webhook(888)},
    ]}))
    .expect("event");
    sync_worker::handle(&worker(), &dead_letters, event, None).await;

    let all = listed(&stack);
    let mut seen: Vec<(String, Option<String>)> = all
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().unwrap_or("").to_owned(),
                l["portalId"].as_str().map(str::to_owned),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("hubspot.webhook.v1".to_owned(), Some("888".to_owned())),
            ("hubspot.webhook.v1".to_owned(), Some("999".to_owned())),
            ("malformed".to_owned(), None),
        ]
    );
    assert!(
        all.iter()
            .all(|l| l["disposition"] == "permanent" && l["reason"].is_string())
    );

    let dry = cli(
        &stack,
        &["dlq", "redrive", "--portal", "999", "--dry-run"],
        "",
    );
    assert!(
        String::from_utf8_lossy(&dry.stdout).contains("would move 1"),
        "{dry:?}"
    );
    assert_eq!(listed(&stack).len(), 3, "a dry run moves nothing");

    let moved = cli(&stack, &["dlq", "redrive", "--portal", "999"], "");
    assert!(moved.status.success(), "{moved:?}");
    let back = stack
        .receive(
            &stack.reference("SyncQueue"),
            1,
            std::time::Duration::from_secs(5),
        )
        .await;
    assert_eq!(back.len(), 1);
    assert_eq!(
        back[0]["event"]["portalId"], 999,
        "the original message, unchanged"
    );
    assert_eq!(listed(&stack).len(), 2);

    let kept = cli(&stack, &["dlq", "purge", "--older-than", "0s"], "n\n");
    assert!(
        String::from_utf8_lossy(&kept.stdout).contains("nothing deleted"),
        "{kept:?}"
    );
    assert_eq!(listed(&stack).len(), 2, "not confirmed: nothing deleted");
    let young = cli(&stack, &["dlq", "purge", "--older-than", "1d", "--yes"], "");
    assert!(String::from_utf8_lossy(&young.stdout).contains("nothing deleted"));
    let purged = cli(&stack, &["dlq", "purge", "--older-than", "0s"], "y\n");
    assert!(
        String::from_utf8_lossy(&purged.stdout).contains("deleted 2"),
        "{purged:?}"
    );
    assert!(listed(&stack).is_empty());
    let bad = cli(&stack, &["dlq", "purge", "--older-than", "soon"], "");
    assert_eq!(bad.status.code(), Some(2));
}
