//! [`CommandLedger`] over DynamoDB: one item per command done (`PORTAL#{portal}` /
//! `COMMAND#{id}`, attribute `done_at`), written by a conditional put so the first `done_at`
//! stays and a replayed `mark_done` changes nothing.

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;

use super::item::{is_condition_failure, n, s, unavailable};
use super::portal_pk;
use crate::commands::CommandId;
use crate::domain::ids::PortalId;
use crate::ports::{CommandLedger, StoreError};

#[derive(Debug, Clone)]
pub struct DynamoCommandLedger {
    client: Client,
    table: String,
}

impl DynamoCommandLedger {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

pub fn command_sk(id: &CommandId) -> String {
    format!("COMMAND#{id}")
}

#[async_trait]
impl CommandLedger for DynamoCommandLedger {
    async fn is_done(&self, portal: PortalId, id: &CommandId) -> Result<bool, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(portal_pk(portal)))
            .key("sk", s(command_sk(id)))
            // A replay right after the first run must see it done.
            .consistent_read(true)
            .projection_expression("pk")
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        Ok(out.item.is_some())
    }

    async fn mark_done(
        &self,
        portal: PortalId,
        id: &CommandId,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(portal_pk(portal)))
            .item("sk", s(command_sk(id)))
            .item("done_at", n(at_ms))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            // Done before: the first time stands.
            Err(err) if is_condition_failure(&err) => Ok(()),
            Err(err) => Err(unavailable("PutItem", err)),
        }
    }
}
