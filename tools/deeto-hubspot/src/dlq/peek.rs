//! Reading a whole dead-letter queue without consuming it: messages are received (and so
//! hidden) until no new one comes, then whatever the command does not remove is made visible
//! again at once.

use std::collections::BTreeMap;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{ChangeMessageVisibilityBatchRequestEntry, MessageSystemAttributeName};
use common::queue::SyncMessage;
use serde::Serialize;

/// How long received messages stay hidden while a command looks at them.
const LOOK_SECS: i32 = 60;

/// One message of the DLQ, as an operator sees it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetter {
    pub message_id: String,
    /// The sync-queue message type, or `malformed`.
    pub kind: String,
    pub portal_id: Option<String>,
    /// Why the worker set it aside (absent when SQS moved it after five receives).
    pub reason: Option<String>,
    /// `permanent` or `parked`; absent when SQS moved it.
    pub disposition: Option<String>,
    pub age_secs: i64,
    #[serde(skip)]
    pub body: String,
    #[serde(skip)]
    pub receipt_handle: String,
}

/// Every message of the queue, each once, hidden for [`LOOK_SECS`].
pub async fn receive_all(sqs: &Client, url: &str, now_ms: i64) -> Result<Vec<DeadLetter>, String> {
    let mut seen: BTreeMap<String, DeadLetter> = BTreeMap::new();
    loop {
        let out = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .visibility_timeout(LOOK_SECS)
            .message_attribute_names("All")
            .message_system_attribute_names(MessageSystemAttributeName::SentTimestamp)
            .send()
            .await
            .map_err(|e| format!("cannot read the dead-letter queue: {e}"))?;
        let messages = out.messages.unwrap_or_default();
        if messages.is_empty() {
            return Ok(seen.into_values().collect());
        }
        for message in messages {
            let id = message.message_id().unwrap_or_default().to_owned();
            let body = message.body().unwrap_or_default().to_owned();
            let attribute = |name: &str| {
                message
                    .message_attributes()
                    .and_then(|a| a.get(name))
                    .and_then(|v| v.string_value())
                    .map(str::to_owned)
            };
            let sent = message
                .attributes()
                .and_then(|a| a.get(&MessageSystemAttributeName::SentTimestamp))
                .and_then(|t| t.parse::<i64>().ok())
                .unwrap_or(now_ms);
            let parsed = serde_json::from_str::<SyncMessage>(&body).ok();
            let letter = DeadLetter {
                message_id: id.clone(),
                kind: parsed
                    .as_ref()
                    .map_or("malformed".to_owned(), |m| m.type_name().to_owned()),
                portal_id: parsed.as_ref().map(SyncMessage::portal_id),
                reason: attribute("reason"),
                disposition: attribute("disposition"),
                age_secs: (now_ms - sent) / 1000,
                body,
                receipt_handle: message.receipt_handle().unwrap_or_default().to_owned(),
            };
            seen.insert(id, letter);
        }
    }
}

/// Makes `letters` visible again at once (the command leaves them where they are).
pub async fn release(sqs: &Client, url: &str, letters: &[&DeadLetter]) -> Result<(), String> {
    for chunk in letters.chunks(10) {
        let entries = chunk
            .iter()
            .enumerate()
            .map(|(i, l)| {
                ChangeMessageVisibilityBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(&l.receipt_handle)
                    .visibility_timeout(0)
                    .build()
                    .map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        sqs.change_message_visibility_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| format!("cannot release messages: {e}"))?;
    }
    Ok(())
}

/// Deletes one message (after it was copied back, or purged).
pub async fn delete(sqs: &Client, url: &str, letter: &DeadLetter) -> Result<(), String> {
    sqs.delete_message()
        .queue_url(url)
        .receipt_handle(&letter.receipt_handle)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| format!("cannot delete {}: {e}", letter.message_id))
}
