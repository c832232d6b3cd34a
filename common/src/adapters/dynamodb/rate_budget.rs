//! [`RateBudget`] over DynamoDB: one counter item per portal, call kind and aligned window
//! (`PORTAL#{id}` / `BUDGET#{kind}#{window_start_ms}`), shared by every function. A slot is an
//! atomic `ADD` guarded by `request_count < allowance`, where the allowance subtracts what the
//! previous window still carries into HubSpot's rolling window (see `hubspot::budget`).

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure;

use super::item::{get_n, get_s, n, s, unavailable};
use super::portal_pk;
use crate::domain::ids::PortalId;
use crate::hubspot::budget::{BudgetLimit, kind_name, limit_for};
use crate::ports::{BudgetProbe, CallKind, RateBudget, StoreError};

/// Counters are useless once their window and the next have passed; TTL cleans them up.
const TTL_SLACK_SECS: i64 = 60;

#[derive(Debug, Clone)]
pub struct DynamoRateBudget {
    client: Client,
    table: String,
}

impl DynamoRateBudget {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    fn sk(kind: CallKind, window_start: i64) -> String {
        format!("BUDGET#{}#{window_start}", kind_name(kind))
    }

    async fn count(
        &self,
        portal: PortalId,
        kind: CallKind,
        window_start: i64,
    ) -> Result<u32, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(portal_pk(portal)))
            .key("sk", s(Self::sk(kind, window_start)))
            .projection_expression("request_count")
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        Ok(out
            .item
            .and_then(|item| get_n(&item, "request_count"))
            .map_or(0, |c| c.clamp(0, i64::from(u32::MAX)) as u32))
    }
}

/// Busy means half the current window's ceiling is spent: an inline sync (a handful of calls)
/// would then compete with the worker's queued work, so it waits its turn on the queue.
#[async_trait]
impl BudgetProbe for DynamoRateBudget {
    async fn is_busy(&self, portal: PortalId, now_ms: i64) -> Result<bool, StoreError> {
        let limit = limit_for(CallKind::Standard);
        let used = self
            .count(portal, CallKind::Standard, limit.window_start(now_ms))
            .await?;
        Ok(used >= limit.ceiling() / 2)
    }
}

/// One window's count, as the budget recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowUse {
    pub window_start_ms: i64,
    pub count: u32,
}

impl DynamoRateBudget {
    /// The windows of `kind` that started in `[from_ms, to_ms]`, oldest first: what the
    /// portal's callers spent (operators' `deeto-hubspot budget`).
    pub async fn usage(
        &self,
        portal: PortalId,
        kind: CallKind,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<WindowUse>, StoreError> {
        let limit = limit_for(kind);
        let mut pages = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
            .expression_attribute_values(":pk", s(portal_pk(portal)))
            .expression_attribute_values(":from", s(Self::sk(kind, limit.window_start(from_ms))))
            .expression_attribute_values(":to", s(Self::sk(kind, to_ms)))
            .into_paginator()
            .items()
            .send();
        let mut windows = Vec::new();
        while let Some(item) = pages.next().await {
            let item = item.map_err(|e| unavailable("Query", e))?;
            let start = get_s(&item, "sk")
                .and_then(|sk| sk.rsplit('#').next().and_then(|n| n.parse().ok()));
            if let (Some(window_start_ms), Some(count)) = (start, get_n(&item, "request_count")) {
                let count = count.clamp(0, i64::from(u32::MAX)) as u32;
                windows.push(WindowUse {
                    window_start_ms,
                    count,
                });
            }
        }
        Ok(windows)
    }
}

/// The current count from a refused `ADD` (its `ALL_OLD` item), when DynamoDB returned it.
fn refused_count(err: &SdkError<UpdateItemError, impl std::fmt::Debug>) -> Option<Option<u32>> {
    match err {
        SdkError::ServiceError(service) => match service.err() {
            UpdateItemError::ConditionalCheckFailedException(refused) => Some(
                refused
                    .item()
                    .and_then(|item| get_n(item, "request_count"))
                    .map(|c| c.clamp(0, i64::from(u32::MAX)) as u32),
            ),
            _ => None,
        },
        _ => None,
    }
}

#[async_trait]
impl RateBudget for DynamoRateBudget {
    async fn try_acquire(
        &self,
        portal: PortalId,
        kind: CallKind,
        now_ms: i64,
    ) -> Result<Option<u64>, StoreError> {
        let limit: BudgetLimit = limit_for(kind);
        let start = limit.window_start(now_ms);
        let previous = self.count(portal, kind, start - limit.window_ms).await?;
        let allowance = limit.allowance(previous, now_ms);
        if allowance == 0 {
            return Ok(Some(limit.wait_ms(previous, 0, now_ms)));
        }
        let ttl = (start + 2 * limit.window_ms) / 1000 + TTL_SLACK_SECS;
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(portal_pk(portal)))
            .key("sk", s(Self::sk(kind, start)))
            .update_expression("ADD request_count :one SET expires_at = :ttl")
            .condition_expression(
                "attribute_not_exists(request_count) OR request_count < :allowance",
            )
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":ttl", n(ttl))
            .expression_attribute_values(":allowance", n(allowance))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(_) => Ok(None),
            Err(err) => match refused_count(&err) {
                Some(current) => Ok(Some(limit.wait_ms(
                    previous,
                    current.unwrap_or(allowance),
                    now_ms,
                ))),
                None => Err(unavailable("UpdateItem", err)),
            },
        }
    }
}
