//! The sync queue's event source mapping, as AWS runs it, for the soak: several pollers at
//! once, each receiving up to 100 messages (hidden for `VISIBILITY` meanwhile), invoking the
//! worker Lambda and deleting what it did not report failed. A batch whose invocation dies
//! (the worker was killed) is left alone and comes back when its visibility ends, as in AWS.
//! Every message deleted after a successful invocation is remembered by its event or command
//! key: that is what "applied" counts.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use aws_sdk_sqs::types::{Message, QueueAttributeName};
use serde_json::{Value, json};
use tokio::sync::Mutex;

/// How long a received batch stays hidden: the sync queue's visibility timeout in
/// template.yaml (six times the worker's 30 s timeout, plus its batching window).
pub const VISIBILITY: i32 = 185;
const BATCH: usize = 100;

/// What the pollers saw, shared with the soak's controller.
#[derive(Debug, Default)]
pub struct PumpState {
    /// Keys of the messages deleted after the worker processed them.
    pub acked: Mutex<HashSet<String>>,
    /// Messages deleted, duplicates (redeliveries) included.
    pub deleted: AtomicUsize,
    pub invocations: AtomicUsize,
    /// Messages the worker reported failed (left for redelivery).
    pub reported_failed: AtomicUsize,
    /// Invocations that got no answer (the worker died under them).
    pub died: AtomicUsize,
    /// Messages in the batches that died.
    pub died_messages: AtomicUsize,
    /// Invocations running now.
    pub in_flight: AtomicUsize,
    pub stop: AtomicBool,
}

/// The key an applied message is counted under: `event:<eventId>` or `command:<id>`.
pub fn message_key(body: &str) -> String {
    let value: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    match value["type"].as_str() {
        Some("hubspot.webhook.v1") => format!("event:{}", value["event"]["eventId"]),
        Some("deeto.command.v1") => {
            format!("command:{}", value["command"]["id"].as_str().unwrap_or(""))
        }
        other => format!("other:{}", other.unwrap_or("?")),
    }
}

/// One poller; runs until `state.stop` is set.
pub async fn poll(
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    invoke_url: String,
    state: Arc<PumpState>,
) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(300))
        .build()
        .expect("HTTP client");
    while !state.stop.load(Ordering::SeqCst) {
        let batch = receive(&sqs, &queue_url).await;
        if batch.is_empty() {
            continue;
        }
        state.in_flight.fetch_add(1, Ordering::SeqCst);
        let event = json!({"Records": batch.iter().map(record).collect::<Vec<_>>()});
        let answer = invoke(&http, &invoke_url, &event).await;
        state.invocations.fetch_add(1, Ordering::SeqCst);
        let Some(failed) = answer else {
            state.died.fetch_add(1, Ordering::SeqCst);
            state.died_messages.fetch_add(batch.len(), Ordering::SeqCst);
            state.in_flight.fetch_sub(1, Ordering::SeqCst);
            continue;
        };
        state
            .reported_failed
            .fetch_add(failed.len(), Ordering::SeqCst);
        let done: Vec<&Message> = batch
            .iter()
            .filter(|m| !failed.iter().any(|f| Some(f.as_str()) == m.message_id()))
            .collect();
        delete(&sqs, &queue_url, &done).await;
        state.deleted.fetch_add(done.len(), Ordering::SeqCst);
        let mut acked = state.acked.lock().await;
        acked.extend(
            done.iter()
                .map(|m| message_key(m.body().unwrap_or_default())),
        );
        drop(acked);
        state.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The ids the worker reported failed, or `None` when the invocation got no answer.
async fn invoke(http: &reqwest::Client, url: &str, event: &Value) -> Option<Vec<String>> {
    let response = http.post(url).json(event).send().await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    let answer: Value = response.json().await.ok()?;
    Some(
        answer["batchItemFailures"]
            .as_array()?
            .iter()
            .filter_map(|f| f["itemIdentifier"].as_str().map(str::to_owned))
            .collect(),
    )
}

/// Up to `BATCH` messages, as the event source mapping gathers them (one second's wait).
async fn receive(sqs: &aws_sdk_sqs::Client, queue_url: &str) -> Vec<Message> {
    let mut batch = Vec::new();
    while batch.len() < BATCH {
        let out = sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages((BATCH - batch.len()).min(10) as i32)
            .visibility_timeout(VISIBILITY)
            .wait_time_seconds(1)
            .message_system_attribute_names(
                aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount,
            )
            .send()
            .await;
        match out {
            Ok(out) if !out.messages().is_empty() => batch.extend(out.messages().iter().cloned()),
            _ => break,
        }
    }
    batch
}

async fn delete(sqs: &aws_sdk_sqs::Client, queue_url: &str, messages: &[&Message]) {
    for chunk in messages.chunks(10) {
        let mut request = sqs.delete_message_batch().queue_url(queue_url);
        for (i, message) in chunk.iter().enumerate() {
            request = request.entries(
                aws_sdk_sqs::types::DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(message.receipt_handle().unwrap_or_default())
                    .build()
                    .expect("entry"),
            );
        }
        request.send().await.expect("DeleteMessageBatch");
    }
}

/// One record of an SQS event, as Lambda's event source mapping builds it.
fn record(message: &Message) -> Value {
    let receives = message
        .attributes()
        .and_then(|a| {
            a.get(&aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount)
        })
        .cloned()
        .unwrap_or_else(|| "1".into());
    json!({
        "messageId": message.message_id(),
        "receiptHandle": message.receipt_handle(),
        "body": message.body(),
        "attributes": {"ApproximateReceiveCount": receives},
        "messageAttributes": {},
        "md5OfBody": message.md5_of_body(),
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:local",
        "awsRegion": std::env::var("AWS_REGION").unwrap_or_default(),
    })
}

/// Messages waiting or in flight on the queue (moto's approximations are exact).
pub async fn queue_depth(sqs: &aws_sdk_sqs::Client, queue_url: &str) -> u64 {
    let out = sqs
        .get_queue_attributes()
        .queue_url(queue_url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .expect("GetQueueAttributes");
    let attributes = out.attributes().cloned().unwrap_or_default();
    [
        QueueAttributeName::ApproximateNumberOfMessages,
        QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
    ]
    .iter()
    .filter_map(|name| attributes.get(name)?.parse::<u64>().ok())
    .sum()
}
