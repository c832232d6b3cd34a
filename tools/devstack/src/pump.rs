//! What the SQS event source mapping does in AWS, for local runs: receive a batch from a queue,
//! invoke the function with an SQS event through the Lambda Invoke API (which `cargo lambda
//! watch` serves), delete the messages it did not report in `batchItemFailures`, and repeat until
//! the queue is empty. Failed messages stay and come back after their visibility timeout.

use std::time::Duration;

use aws_sdk_sqs::types::Message;
use serde_json::{Value, json};

/// Totals over every invocation of one pump run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Pumped {
    pub invocations: usize,
    pub messages: usize,
    pub failed: usize,
}

/// Pumps `queue_url` into the function at `invoke_url`, batches of up to `batch_size`.
pub async fn pump(
    queue_url: &str,
    queue_arn: &str,
    invoke_url: &str,
    batch_size: usize,
) -> Result<Pumped, String> {
    let sqs = aws_sdk_sqs::Client::new(&common::adapters::aws::load_sdk_config().await);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()
        .map_err(|e| e.to_string())?;
    let mut totals = Pumped::default();
    loop {
        let batch = receive_batch(&sqs, queue_url, batch_size).await?;
        if batch.is_empty() {
            return Ok(totals);
        }
        let event =
            json!({"Records": batch.iter().map(|m| record(m, queue_arn)).collect::<Vec<_>>()});
        let response = http
            .post(invoke_url)
            .json(&event)
            .send()
            .await
            .map_err(|e| format!("invoking {invoke_url} failed: {e}"))?;
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(format!("the function answered {status}: {answer}"));
        }
        let failed: Vec<&str> = answer["batchItemFailures"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["itemIdentifier"].as_str())
            .collect();
        for message in &batch {
            if failed.contains(&message.message_id().unwrap_or_default()) {
                continue;
            }
            if let Some(handle) = message.receipt_handle() {
                sqs.delete_message()
                    .queue_url(queue_url)
                    .receipt_handle(handle)
                    .send()
                    .await
                    .map_err(|e| format!("DeleteMessage failed: {e:?}"))?;
            }
        }
        println!(
            "invoked with {} message(s): {} processed, {} reported failed (left for redelivery)",
            batch.len(),
            batch.len() - failed.len(),
            failed.len()
        );
        totals.invocations += 1;
        totals.messages += batch.len();
        totals.failed += failed.len();
    }
}

/// Gathers up to `batch_size` messages, ten per call, until the queue has no more.
async fn receive_batch(
    sqs: &aws_sdk_sqs::Client,
    queue_url: &str,
    batch_size: usize,
) -> Result<Vec<Message>, String> {
    let mut batch = Vec::new();
    while batch.len() < batch_size {
        let out = sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .message_attribute_names("All")
            .send()
            .await
            .map_err(|e| format!("ReceiveMessage failed: {e:?}"))?;
        if out.messages().is_empty() {
            break;
        }
        batch.extend(out.messages().iter().cloned());
    }
    Ok(batch)
}

/// One record of an SQS event, as Lambda's event source mapping builds it.
fn record(message: &Message, queue_arn: &str) -> Value {
    json!({
        "messageId": message.message_id(),
        "receiptHandle": message.receipt_handle(),
        "body": message.body(),
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": message.md5_of_body(),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": std::env::var("AWS_REGION").unwrap_or_default(),
    })
}
