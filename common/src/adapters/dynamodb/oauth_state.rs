//! [`OAuthStateStore`] over DynamoDB: single use by a conditional update, expiry checked in the
//! condition (TTL only cleans up, and late).

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};

use super::item::{get_bool, get_n, is_condition_failure, n, require_s, s, unavailable};
use crate::domain::ids::TenantId;
use crate::ports::{OAuthStateStore, StateError, StoreError};

#[derive(Debug, Clone)]
pub struct DynamoOAuthStateStore {
    client: Client,
    table: String,
}

impl DynamoOAuthStateStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

fn state_pk(state: &str) -> String {
    format!("OAUTHSTATE#{state}")
}

#[async_trait]
impl OAuthStateStore for DynamoOAuthStateStore {
    async fn put(
        &self,
        state: &str,
        tenant: &TenantId,
        expires_at_ms: i64,
    ) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(state_pk(state)))
            .item("sk", s("STATE"))
            .item("tenant_id", s(tenant.0.clone()))
            .item("expires_at_ms", n(expires_at_ms))
            // TTL attribute (seconds); a day later, so a late replay still reads as "expired".
            .item("expires_at", n(expires_at_ms / 1000 + 86_400))
            .item("used", AttributeValue::Bool(false))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(|e| {
                if is_condition_failure(&e) {
                    StoreError::Conflict("state exists".into())
                } else {
                    unavailable("PutItem", e)
                }
            })?;
        Ok(())
    }

    async fn consume(&self, state: &str, now_ms: i64) -> Result<TenantId, StateError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(state_pk(state)))
            .key("sk", s("STATE"))
            .update_expression("SET used = :yes, used_at_ms = :now")
            .condition_expression("attribute_exists(pk) AND used = :no AND expires_at_ms > :now")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(":no", AttributeValue::Bool(false))
            .expression_attribute_values(":now", n(now_ms))
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(out) => Ok(TenantId(require_s(
                &out.attributes.unwrap_or_default(),
                "tenant_id",
            )?)),
            Err(SdkError::ServiceError(service))
                if service.err().is_conditional_check_failed_exception() =>
            {
                let old = match service.into_err() {
                    aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(e) => e.item,
                    _ => None,
                };
                Err(match old {
                    None => StateError::Unknown,
                    Some(item) if get_bool(&item, "used") == Some(true) => StateError::AlreadyUsed,
                    Some(item) if get_n(&item, "expires_at_ms").is_some_and(|at| at <= now_ms) => {
                        StateError::Expired
                    }
                    Some(_) => StateError::Unknown,
                })
            }
            Err(err) => Err(StateError::Store(unavailable("UpdateItem", err))),
        }
    }
}
