//! The Deeto platform's side of the outbound queue during the soak: it reads its inbox as
//! messages arrive and deletes them, as the platform does. Keeping the queue short matters
//! here too: moto counts a queue's messages one by one on every send, so a queue left to grow
//! to thousands slows every later send. What it read is kept for the tally.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Mutex;

/// A message's body and its string attributes (`dedupeKey`, `reason`, ...).
pub type Received = (String, BTreeMap<String, String>);

#[derive(Debug, Default)]
pub struct Inbox {
    pub messages: Mutex<Vec<Received>>,
    pub stop: AtomicBool,
}

/// Reads and deletes `queue_url`'s messages until `inbox.stop` is set and the queue is empty.
pub async fn consume(sqs: aws_sdk_sqs::Client, queue_url: String, inbox: Arc<Inbox>) {
    loop {
        let got = receive(&sqs, &queue_url, 1).await;
        if got.is_empty() && inbox.stop.load(Ordering::SeqCst) {
            return;
        }
        inbox.messages.lock().await.extend(got);
    }
}

/// Up to ten messages, deleted once read; waits up to `wait_secs` for the first.
pub async fn receive(sqs: &aws_sdk_sqs::Client, queue_url: &str, wait_secs: i32) -> Vec<Received> {
    let Ok(out) = sqs
        .receive_message()
        .queue_url(queue_url)
        .max_number_of_messages(10)
        .message_attribute_names("All")
        .wait_time_seconds(wait_secs)
        .send()
        .await
    else {
        return Vec::new();
    };
    let mut received = Vec::new();
    let mut delete = sqs.delete_message_batch().queue_url(queue_url);
    for (i, message) in out.messages().iter().enumerate() {
        let attributes = (message.message_attributes().into_iter().flatten())
            .filter_map(|(k, v)| Some((k.clone(), v.string_value()?.to_owned())))
            .collect();
        received.push((message.body().unwrap_or_default().to_owned(), attributes));
        delete = delete.entries(
            aws_sdk_sqs::types::DeleteMessageBatchRequestEntry::builder()
                .id(i.to_string())
                .receipt_handle(message.receipt_handle().unwrap_or_default())
                .build()
                .expect("entry"),
        );
    }
    if !received.is_empty() {
        delete.send().await.expect("DeleteMessageBatch");
    }
    received
}
