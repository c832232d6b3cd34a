//! [`CheckpointStore`] over DynamoDB: one item per portal and run (`PORTAL#{portal}` /
//! `RECONCILE#{run}`) holding the run as JSON (`state`) beside the two attributes its
//! conditions test, `pages_done` and `lease_until`. Every change is a conditional write on
//! `pages_done`, so of two attempts at one page only one moves the run on. Items expire 90
//! days after their run (TTL `expires_at`; the code never relies on it).

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;

use super::item::{Item, is_condition_failure, n, require_s, s, unavailable};
use super::portal_pk;
use crate::domain::ids::PortalId;
use crate::ports::StoreError;
use crate::reconcile::checkpoint::{Checkpoint, CheckpointStore, PageClaim};

const KEEP_SECS: i64 = 90 * 24 * 3600;

#[derive(Debug, Clone)]
pub struct DynamoCheckpoints {
    client: Client,
    table: String,
}

impl DynamoCheckpoints {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    fn put(&self, cp: &Checkpoint) -> Result<PutItemFluentBuilder, StoreError> {
        let state = serde_json::to_string(cp)
            .map_err(|e| StoreError::Rejected(format!("checkpoint not serialisable: {e}")))?;
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(portal_pk(cp.portal)))
            .item("sk", s(run_sk(&cp.run)))
            .item("state", s(state))
            .item("pages_done", n(cp.pages_done))
            .item("expires_at", n(cp.started_at_ms / 1000 + KEEP_SECS));
        if let Some(until) = cp.lease_until_ms {
            put = put.item("lease_until", n(until));
        }
        Ok(put)
    }

    /// Writes `cp` if the stored run has `pages_done` pages done (and, when `free_at` is
    /// given, no lease running at that time); `false` when the condition failed.
    async fn put_if(
        &self,
        cp: &Checkpoint,
        pages_done: u64,
        free_at: Option<i64>,
    ) -> Result<bool, StoreError> {
        let mut put = self
            .put(cp)?
            .expression_attribute_values(":done", n(pages_done));
        put = match free_at {
            Some(now) => put
                .condition_expression(
                    "pages_done = :done AND (attribute_not_exists(lease_until) OR lease_until <= :now)",
                )
                .expression_attribute_values(":now", n(now)),
            None => put.condition_expression("pages_done = :done"),
        };
        match put.send().await {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(unavailable("PutItem", err)),
        }
    }
}

fn run_sk(run: &str) -> String {
    format!("RECONCILE#{run}")
}

fn decode(item: &Item) -> Result<Checkpoint, StoreError> {
    let state = require_s(item, "state")?;
    serde_json::from_str(&state)
        .map_err(|e| StoreError::Corrupt(format!("checkpoint state unreadable: {e}")))
}

#[async_trait]
impl CheckpointStore for DynamoCheckpoints {
    async fn get(&self, portal: PortalId, run: &str) -> Result<Option<Checkpoint>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(portal_pk(portal)))
            .key("sk", s(run_sk(run)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        out.item.as_ref().map(decode).transpose()
    }

    async fn previous(
        &self,
        portal: PortalId,
        run: &str,
    ) -> Result<Option<Checkpoint>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND sk BETWEEN :first AND :this")
            .expression_attribute_values(":pk", s(portal_pk(portal)))
            .expression_attribute_values(":first", s(run_sk("")))
            .expression_attribute_values(":this", s(run_sk(run)))
            .scan_index_forward(false)
            .limit(2)
            .send()
            .await
            .map_err(|e| unavailable("Query", e))?;
        for item in out.items.unwrap_or_default() {
            let cp = decode(&item)?;
            if cp.run.as_str() < run {
                return Ok(Some(cp));
            }
        }
        Ok(None)
    }

    async fn create(&self, checkpoint: &Checkpoint) -> Result<bool, StoreError> {
        let put = self
            .put(checkpoint)?
            .condition_expression("attribute_not_exists(pk)");
        match put.send().await {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(unavailable("PutItem", err)),
        }
    }

    async fn claim(
        &self,
        portal: PortalId,
        run: &str,
        page: u64,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<PageClaim, StoreError> {
        let Some(cp) = self.get(portal, run).await? else {
            return Ok(PageClaim::Unknown);
        };
        let PageClaim::Won(mut claimed) = cp.claim_decision(page, now_ms) else {
            return Ok(cp.claim_decision(page, now_ms));
        };
        claimed.lease_until_ms = Some(now_ms + lease_ms);
        if self.put_if(&claimed, page, Some(now_ms)).await? {
            Ok(PageClaim::Won(claimed))
        } else {
            Ok(PageClaim::Held)
        }
    }

    async fn advance(&self, next: &Checkpoint) -> Result<bool, StoreError> {
        self.put_if(next, next.pages_done.saturating_sub(1), None)
            .await
    }

    async fn mark_sent(&self, portal: PortalId, run: &str, page: u64) -> Result<(), StoreError> {
        let Some(mut cp) = self.get(portal, run).await? else {
            return Ok(());
        };
        if cp.pages_done != page || cp.next_sent {
            return Ok(());
        }
        cp.next_sent = true;
        // Lost to a concurrent advance: that attempt sends its own next page.
        self.put_if(&cp, page, None).await.map(|_| ())
    }
}
