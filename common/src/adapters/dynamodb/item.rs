//! Reading and writing DynamoDB attribute maps without repeating the same matching code.

use std::collections::HashMap;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;

use crate::ports::StoreError;

pub type Item = HashMap<String, AttributeValue>;

pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

pub fn get_s(item: &Item, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

pub fn get_n(item: &Item, name: &str) -> Option<i64> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|n| n.parse().ok())
}

pub fn get_bool(item: &Item, name: &str) -> Option<bool> {
    item.get(name).and_then(|v| v.as_bool().ok()).copied()
}

pub fn get_list_s(item: &Item, name: &str) -> Vec<String> {
    item.get(name)
        .and_then(|v| v.as_l().ok())
        .map(|list| list.iter().filter_map(|v| v.as_s().ok().cloned()).collect())
        .unwrap_or_default()
}

pub fn list_s(values: &[String]) -> AttributeValue {
    AttributeValue::L(
        values
            .iter()
            .map(|v| AttributeValue::S(v.clone()))
            .collect(),
    )
}

/// A required string attribute, or a [`StoreError::Corrupt`] naming it.
pub fn require_s(item: &Item, name: &str) -> Result<String, StoreError> {
    get_s(item, name).ok_or_else(|| StoreError::Corrupt(format!("item lacks `{name}`")))
}

/// Maps an SDK error to the store's error, keeping only the service's error code.
pub fn unavailable<E: ProvideErrorMetadata, R>(operation: &str, err: SdkError<E, R>) -> StoreError {
    let code = match &err {
        SdkError::ServiceError(service) => service.err().code().unwrap_or("Unknown").to_owned(),
        _ => "network error".to_owned(),
    };
    if code == "ValidationException" {
        // A malformed or oversized request: the same request will fail the same way.
        let message = match &err {
            SdkError::ServiceError(service) => service.err().message().unwrap_or_default(),
            _ => "",
        };
        return StoreError::Rejected(format!("DynamoDB {operation} refused: {message}"));
    }
    StoreError::Unavailable(format!("DynamoDB {operation} failed: {code}"))
}

/// True when the error is a failed condition (including inside a transaction).
pub fn is_condition_failure<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> bool {
    match err {
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or_default();
            let message = service.err().message().unwrap_or_default();
            code == "ConditionalCheckFailedException"
                || (code == "TransactionCanceledException"
                    && message.contains("ConditionalCheckFailed"))
        }
        _ => false,
    }
}
