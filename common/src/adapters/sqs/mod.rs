//! [`JobQueue`] over Amazon SQS.

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sqs::types::{MessageAttributeValue, SendMessageBatchRequestEntry};

use crate::ports::{EntryFailure, JobQueue, QueueCallError, QueueEntry};

#[derive(Debug, Clone)]
pub struct SqsJobQueue {
    client: Client,
    queue_url: String,
}

impl SqsJobQueue {
    pub fn new(client: Client, queue_url: impl Into<String>) -> Self {
        Self {
            client,
            queue_url: queue_url.into(),
        }
    }
}

#[async_trait]
impl JobQueue for SqsJobQueue {
    async fn send_batch(
        &self,
        entries: &[QueueEntry],
    ) -> Result<Vec<EntryFailure>, QueueCallError> {
        let mut request = self.client.send_message_batch().queue_url(&self.queue_url);
        for entry in entries {
            request = request.entries(to_sdk_entry(entry)?);
        }
        let output = request.send().await.map_err(call_error)?;
        Ok(output
            .failed
            .into_iter()
            .map(|failed| EntryFailure {
                id: failed.id,
                code: failed.code,
                sender_fault: failed.sender_fault,
            })
            .collect())
    }
}

fn to_sdk_entry(entry: &QueueEntry) -> Result<SendMessageBatchRequestEntry, QueueCallError> {
    let mut builder = SendMessageBatchRequestEntry::builder()
        .id(&entry.id)
        .message_body(&entry.body);
    for (name, value) in &entry.attributes {
        let attribute = MessageAttributeValue::builder()
            .data_type("String")
            .string_value(value)
            .build()
            .map_err(|err| QueueCallError {
                message: err.to_string(),
                retryable: false,
            })?;
        builder = builder.message_attributes(name, attribute);
    }
    builder.build().map_err(|err| QueueCallError {
        message: err.to_string(),
        retryable: false,
    })
}

/// Codes for which a retry cannot help: the request or the queue itself is wrong.
const PERMANENT_CODES: [&str; 8] = [
    "AWS.SimpleQueueService.NonExistentQueue",
    "QueueDoesNotExist",
    "AccessDenied",
    "AccessDeniedException",
    "InvalidAddress",
    "InvalidParameterValue",
    "BatchEntryIdsNotDistinct",
    "TooManyEntriesInBatchRequest",
];

fn call_error<E: ProvideErrorMetadata + std::fmt::Debug, R>(err: SdkError<E, R>) -> QueueCallError {
    let (code, retryable) = match &err {
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or("Unknown").to_owned();
            let permanent = PERMANENT_CODES.contains(&code.as_str());
            (code, !permanent)
        }
        // Timeouts, dispatch and response failures are network trouble: worth another try.
        _ => ("Transport".to_owned(), true),
    };
    QueueCallError {
        message: format!("SendMessageBatch failed: {code}"),
        retryable,
    }
}
