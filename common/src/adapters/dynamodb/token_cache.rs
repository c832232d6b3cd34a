//! [`TokenCache`] over DynamoDB: one item per portal (`PORTAL#{id}` / `TOKEN`) holding the
//! shared access token, the refresh lease and the refresh cool-down. Every write is an
//! `UpdateItem` of its own attributes, so a token write never clobbers a lease and vice versa.

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use secrecy::{ExposeSecret, SecretString};

use super::item::{get_n, get_s, is_condition_failure, n, s, unavailable};
use super::portal_pk;
use crate::domain::ids::PortalId;
use crate::ports::{CachedToken, Clock, StoreError, SystemClock, TokenCache};

const SK: &str = "TOKEN";
/// Token items outlive their content by a day: long enough never to drop a live lease or
/// cool-down, short enough that uninstalled portals do not linger.
const TTL_SLACK_SECS: i64 = 24 * 60 * 60;

/// An expired token (written by `invalidate`) still gets a future TTL: the item also holds the
/// lease and cool-down, which TTL must not delete early.
fn ttl_after(ms: i64) -> String {
    (ms / 1000 + TTL_SLACK_SECS).to_string()
}

#[derive(Debug, Clone)]
pub struct DynamoTokenCache {
    client: Client,
    table: String,
}

impl DynamoTokenCache {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    fn update(
        &self,
        portal: PortalId,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(portal_pk(portal)))
            .key("sk", s(SK))
    }

    async fn item(&self, portal: PortalId) -> Result<Option<super::item::Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(portal_pk(portal)))
            .key("sk", s(SK))
            // Processes that lost the lease re-read to see the winner's token: no stale reads.
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        Ok(out.item)
    }
}

#[async_trait]
impl TokenCache for DynamoTokenCache {
    async fn get(&self, portal: PortalId) -> Result<Option<CachedToken>, StoreError> {
        let Some(item) = self.item(portal).await? else {
            return Ok(None);
        };
        Ok(get_s(&item, "access_token")
            .zip(get_n(&item, "token_expires_at_ms"))
            .map(|(token, expires_at_ms)| CachedToken {
                access_token: SecretString::from(token),
                expires_at_ms,
            }))
    }

    async fn put(&self, portal: PortalId, token: &CachedToken) -> Result<(), StoreError> {
        self.update(portal)
            .update_expression("SET access_token = :t, token_expires_at_ms = :e, expires_at = :ttl")
            .expression_attribute_values(":t", s(token.access_token.expose_secret()))
            .expression_attribute_values(":e", n(token.expires_at_ms))
            .expression_attribute_values(
                ":ttl",
                n(ttl_after(token.expires_at_ms.max(SystemClock.now_ms()))),
            )
            .send()
            .await
            .map_err(|e| unavailable("UpdateItem", e))?;
        Ok(())
    }

    async fn try_lease(
        &self,
        portal: PortalId,
        owner: &str,
        until_ms: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let result = self
            .update(portal)
            .update_expression("SET lease_owner = :o, lease_until_ms = :u, expires_at = :ttl")
            .condition_expression(
                "attribute_not_exists(lease_until_ms) OR lease_until_ms < :now OR lease_owner = :o",
            )
            .expression_attribute_values(":o", s(owner))
            .expression_attribute_values(":u", n(until_ms))
            .expression_attribute_values(":now", n(now_ms))
            .expression_attribute_values(":ttl", n(ttl_after(until_ms)))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(unavailable("UpdateItem", err)),
        }
    }

    async fn release_lease(&self, portal: PortalId, owner: &str) -> Result<(), StoreError> {
        let result = self
            .update(portal)
            .update_expression("REMOVE lease_owner, lease_until_ms")
            .condition_expression("lease_owner = :o")
            .expression_attribute_values(":o", s(owner))
            .send()
            .await;
        match result {
            // Not ours (any more): it expired and someone else took it; leave it alone.
            Err(err) if is_condition_failure(&err) => Ok(()),
            Err(err) => Err(unavailable("UpdateItem", err)),
            Ok(_) => Ok(()),
        }
    }

    async fn set_cooldown(&self, portal: PortalId, until_ms: i64) -> Result<(), StoreError> {
        self.update(portal)
            .update_expression("SET cooldown_until_ms = :c, expires_at = :ttl")
            .expression_attribute_values(":c", n(until_ms))
            .expression_attribute_values(":ttl", n(ttl_after(until_ms)))
            .send()
            .await
            .map_err(|e| unavailable("UpdateItem", e))?;
        Ok(())
    }

    async fn cooldown_until(&self, portal: PortalId) -> Result<Option<i64>, StoreError> {
        Ok(self
            .item(portal)
            .await?
            .and_then(|item| get_n(&item, "cooldown_until_ms")))
    }
}
