//! [`CardState`] over DynamoDB, in the portal's partition: one claim item per record opened
//! (`CARD#REFRESH#{object}#{id}`, the time of the last on-demand sync asked for) and one item
//! per reference requested for a deal (`CARD#REQUEST#{deal}#{contact}`).

use std::collections::BTreeSet;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;

use super::item::{is_condition_failure, n, s, unavailable};
use super::portal_pk;
use super::query::all_by_prefix;
use crate::domain::ids::{ObjectId, PortalId};
use crate::ports::{CardState, StoreError};
use crate::sync::record::RecordKey;

/// Claims are worthless a day after their cool-down; TTL removes them (late, which the
/// condition does not rely on).
const CLAIM_TTL_SECS: i64 = 24 * 3600;

#[derive(Debug, Clone)]
pub struct DynamoCardState {
    client: Client,
    table: String,
}

impl DynamoCardState {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

fn refresh_sk(key: RecordKey) -> String {
    format!("CARD#REFRESH#{}#{}", key.object, key.object_id)
}

fn request_prefix(deal: ObjectId) -> String {
    format!("CARD#REQUEST#{deal}#")
}

#[async_trait]
impl CardState for DynamoCardState {
    async fn claim_refresh(
        &self,
        key: RecordKey,
        now_ms: i64,
        cooldown_ms: i64,
    ) -> Result<bool, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(portal_pk(key.portal)))
            .item("sk", s(refresh_sk(key)))
            .item("requested_at", n(now_ms))
            .item("expires_at", n(now_ms / 1000 + CLAIM_TTL_SECS))
            .condition_expression("attribute_not_exists(pk) OR requested_at <= :cutoff")
            .expression_attribute_values(":cutoff", n(now_ms - cooldown_ms))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(unavailable("PutItem", err)),
        }
    }

    async fn release_refresh(&self, key: RecordKey, claimed_at_ms: i64) -> Result<(), StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(portal_pk(key.portal)))
            .key("sk", s(refresh_sk(key)))
            // Only our own claim: a newer one belongs to another open.
            .condition_expression("requested_at = :mine")
            .expression_attribute_values(":mine", n(claimed_at_ms))
            .send()
            .await;
        match result {
            Err(err) if !is_condition_failure(&err) => Err(unavailable("DeleteItem", err)),
            _ => Ok(()),
        }
    }

    async fn requested_references(
        &self,
        portal: PortalId,
        deal: ObjectId,
    ) -> Result<BTreeSet<ObjectId>, StoreError> {
        let (pk, prefix) = (portal_pk(portal), request_prefix(deal));
        let ids = all_by_prefix(
            &self.client,
            &self.table,
            (&pk, &prefix),
            usize::MAX,
            |rest, _| {
                rest.parse().map(ObjectId).map_err(|_| {
                    StoreError::Corrupt(format!("reference request `{prefix}{rest}` names no id"))
                })
            },
        )
        .await?;
        Ok(ids.into_iter().collect())
    }

    async fn is_requested(
        &self,
        portal: PortalId,
        deal: ObjectId,
        reference: ObjectId,
    ) -> Result<bool, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(portal_pk(portal)))
            .key("sk", s(format!("{}{reference}", request_prefix(deal))))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        Ok(out.item.is_some())
    }

    async fn record_request(
        &self,
        portal: PortalId,
        deal: ObjectId,
        reference: ObjectId,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(portal_pk(portal)))
            .item("sk", s(format!("{}{reference}", request_prefix(deal))))
            .item("requested_at", n(at_ms))
            // The first request's time stays.
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Err(err) if !is_condition_failure(&err) => Err(unavailable("PutItem", err)),
            _ => Ok(()),
        }
    }
}
