use std::sync::Arc;

use aws_lambda_events::sqs::SqsMessage;
use common::adapters::memory::{
    MemoryCommandLedger, MemoryJobQueue, MemoryQueueBehaviour, MemoryTenantStore, MemoryTicketStore,
};
use common::ports::FixedClock;
use common::sync::config::DefaultConfigSource;
use common::sync::fake_hubspot::FakeHubSpot;
use common::sync::memory::{MemoryLedger, MemoryOutbox, MemoryRecords};

use super::*;

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
        checkpoints: Arc::new(common::reconcile::memory::MemoryCheckpoints::default()),
        sync_queue: Arc::new(common::adapters::memory::MemoryJobQueue::default()),
        pools: Arc::new(common::adapters::memory::MemoryReferencePools::default()),
    }
}

fn event(bodies: &[(&str, &str)]) -> SqsEvent {
    let records = bodies
        .iter()
        .map(|(id, body)| {
            let mut message = SqsMessage::default();
            message.message_id = Some((*id).to_owned());
            message.body = Some((*body).to_owned());
            message
        })
        .collect();
    let mut event = SqsEvent::default();
    event.records = records;
    event
}

const UNKNOWN_PORTAL: &str = r#"{"type":"hubspot.webhook.v1","receivedAt":1,"event":{"eventId":1,
    "subscriptionId":2,"portalId":999,"occurredAt":3,"subscriptionType":"contact.creation","objectId":4}}"#;

#[tokio::test]
async fn permanent_failures_go_to_the_dead_letter_queue_with_their_reason() {
    let dlq = MemoryJobQueue::default();

    let response = handle(
        &worker(),
        &dlq,
        event(&[("a", "not json"), ("b", UNKNOWN_PORTAL)]),
        None,
    )
    .await;

    assert!(
        response.batch_item_failures.is_empty(),
        "set aside, not retried"
    );
    let sent = dlq.sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].body, "not json", "the original body is kept");
    let reason = |i: usize| {
        sent[i]
            .attributes
            .iter()
            .find(|(k, _)| k == "reason")
            .map(|(_, v)| v.clone())
    };
    assert!(reason(0).is_some_and(|r| r.starts_with("malformed message")));
    assert_eq!(reason(1).as_deref(), Some("unknown portal 999"));
}

#[tokio::test]
async fn when_the_dead_letter_queue_is_down_sqs_keeps_the_messages() {
    let dlq = MemoryJobQueue::with(MemoryQueueBehaviour::Unavailable);

    let response = handle(&worker(), &dlq, event(&[("a", "not json")]), None).await;

    let failed: Vec<&str> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(failed, ["a"]);
}

#[tokio::test]
async fn an_empty_batch_is_a_clean_no_op() {
    let dlq = MemoryJobQueue::default();

    let response = handle(&worker(), &dlq, event(&[]), None).await;

    assert!(response.batch_item_failures.is_empty());
    assert!(dlq.sent().is_empty());
}

#[test]
fn the_stop_time_keeps_a_margin_and_a_useless_deadline_is_ignored() {
    let now = tokio::time::Instant::now();

    let stop = stop_at(1_000_000 + 30_000, 1_000_000, None).expect("27 s left");

    assert!(stop >= now + Duration::from_secs(26) && stop <= now + Duration::from_secs(28));
    assert_eq!(
        stop_at(1_000_000, 1_000_000 + 5, None),
        None,
        "already past"
    );
    assert_eq!(
        stop_at(1_000_000 + 2_000, 1_000_000, None),
        None,
        "less than the margin"
    );
}

#[test]
fn a_local_timeout_stands_in_for_a_useless_deadline_only() {
    let now = tokio::time::Instant::now();
    let local = Some(Duration::from_secs(30));

    // cargo-lambda sends the timeout itself (600000) where the epoch deadline belongs.
    let stop = stop_at(600_000, 1_796_421_131_562, local).expect("the local timeout");
    assert!(stop >= now + Duration::from_secs(26) && stop <= now + Duration::from_secs(28));
    let stop = stop_at(1_000_000 + 10_000, 1_000_000, local).expect("the real deadline");
    assert!(stop <= now + Duration::from_secs(8), "a real deadline wins");
}

/// The `reason`s the DLQ gets for a committed sample (`events/sync-worker/{name}`) run by a
/// worker that knows no portal: a message it could not read says so; one it understood names
/// the unknown portal.
async fn dead_letter_reasons_for_sample(name: &str) -> Vec<String> {
    let path = format!(
        "{}/../../events/sync-worker/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let sample = std::fs::read_to_string(&path).expect("sample");
    let event: SqsEvent = serde_json::from_str(&sample).expect("an SQS event");
    let dlq = MemoryJobQueue::default();

    handle(&worker(), &dlq, event, None).await;

    dlq.sent()
        .iter()
        .flat_map(|e| e.attributes.iter().filter(|(k, _)| k == "reason"))
        .map(|(_, v)| v.clone())
        .collect()
}

#[tokio::test]
async fn the_reconcile_page_sample_is_read_as_a_page_of_its_portal() {
    let reasons = dead_letter_reasons_for_sample("reconcile-page.json").await;

    assert_eq!(reasons, ["unknown portal 62515"]);
}

#[tokio::test]
async fn the_deeto_tab_samples_are_read_as_messages_of_their_portal() {
    let reasons = dead_letter_reasons_for_sample("card-messages.json").await;

    assert_eq!(reasons, ["unknown portal 62515", "unknown portal 62515"]);
}
