//! [`ReferencePools`] over DynamoDB: one item per portal (`CARD#POOL`) holding the pool as
//! JSON (`pool`), when it was built (`built_at`), when the sync worker last changed the
//! portal's records (`changed_at`) and when a rebuild was last claimed (`rebuild_claimed_at`).
//! The pool's size is bounded (`card::pool`), so it fits one item.

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;

use super::item::{get_n, get_s, is_condition_failure, n, s, unavailable};
use super::portal_pk;
use crate::card::pool::ReferencePool;
use crate::domain::ids::PortalId;
use crate::ports::{ReferencePools, StoreError};

const POOL_SK: &str = "CARD#POOL";

#[derive(Debug, Clone)]
pub struct DynamoReferencePools {
    client: Client,
    table: String,
}

impl DynamoReferencePools {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

#[async_trait]
impl ReferencePools for DynamoReferencePools {
    async fn pool(&self, portal: PortalId) -> Result<Option<ReferencePool>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(portal_pk(portal)))
            .key("sk", s(POOL_SK))
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        let Some(item) = out.item else {
            return Ok(None);
        };
        let Some(json) = get_s(&item, "pool") else {
            return Ok(None);
        };
        match serde_json::from_str::<ReferencePool>(&json) {
            Ok(pool) => Ok(Some(ReferencePool {
                changed_at_ms: get_n(&item, "changed_at"),
                ..pool
            })),
            Err(err) => {
                // Written by an older release in another shape: rebuilt, never an error.
                tracing::warn!(%portal, error = %err, "stored reference pool unreadable; rebuilt");
                Ok(None)
            }
        }
    }

    async fn put_pool(&self, portal: PortalId, pool: &ReferencePool) -> Result<(), StoreError> {
        let json = serde_json::to_string(pool)
            .map_err(|e| StoreError::Corrupt(format!("reference pool not serialisable: {e}")))?;
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(portal_pk(portal)))
            .key("sk", s(POOL_SK))
            // `pool` is one of DynamoDB's reserved words: named through a placeholder.
            .update_expression("SET #pool = :pool, built_at = :built REMOVE rebuild_claimed_at")
            .condition_expression("attribute_not_exists(built_at) OR built_at < :built")
            .expression_attribute_names("#pool", "pool")
            .expression_attribute_values(":pool", s(json))
            .expression_attribute_values(":built", n(pool.built_at_ms))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            // A pool built later is already there: it stays.
            Err(err) if is_condition_failure(&err) => Ok(()),
            Err(err) => Err(unavailable("UpdateItem", err)),
        }
    }

    async fn mark_changed(&self, portal: PortalId, at_ms: i64) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(portal_pk(portal)))
            .key("sk", s(POOL_SK))
            .update_expression("SET changed_at = :at")
            // Only a pool that exists, and only forward in time.
            .condition_expression(
                "attribute_exists(built_at) AND (attribute_not_exists(changed_at) OR changed_at < :at)",
            )
            .expression_attribute_values(":at", n(at_ms))
            .send()
            .await;
        match result {
            Err(err) if !is_condition_failure(&err) => Err(unavailable("UpdateItem", err)),
            _ => Ok(()),
        }
    }

    async fn claim_rebuild(
        &self,
        portal: PortalId,
        now_ms: i64,
        cooldown_ms: i64,
    ) -> Result<bool, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(portal_pk(portal)))
            .key("sk", s(POOL_SK))
            .update_expression("SET rebuild_claimed_at = :now")
            .condition_expression(
                "attribute_not_exists(rebuild_claimed_at) OR rebuild_claimed_at <= :cutoff",
            )
            .expression_attribute_values(":now", n(now_ms))
            .expression_attribute_values(":cutoff", n(now_ms - cooldown_ms))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(unavailable("UpdateItem", err)),
        }
    }
}
