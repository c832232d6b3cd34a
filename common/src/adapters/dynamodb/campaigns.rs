//! [`CampaignLedger`] over DynamoDB: one item per enrollment (`PORTAL#{portal}` /
//! `ENROLLED#{campaign}#{contact}`), created by a conditional put so each contact is enrolled
//! in a campaign once however many workers see the triggering change.

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;

use super::item::{is_condition_failure, n, s, unavailable};
use super::portal_pk;
use crate::domain::ids::{ObjectId, PortalId};
use crate::ports::StoreError;
use crate::sync::ports::CampaignLedger;

#[derive(Debug, Clone)]
pub struct DynamoCampaignLedger {
    client: Client,
    table: String,
}

impl DynamoCampaignLedger {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

/// The contact id comes last, so a campaign id containing `#` still gives distinct keys.
fn enrollment_sk(campaign: &str, contact: ObjectId) -> String {
    format!("ENROLLED#{campaign}#{contact}")
}

#[async_trait]
impl CampaignLedger for DynamoCampaignLedger {
    async fn record_enrollment(
        &self,
        portal: PortalId,
        campaign: &str,
        contact: ObjectId,
    ) -> Result<bool, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(portal_pk(portal)))
            .item("sk", s(enrollment_sk(campaign, contact)))
            .item("campaign", s(campaign))
            .item("contact_id", n(contact.0))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(unavailable("PutItem", err)),
        }
    }

    async fn is_enrolled(
        &self,
        portal: PortalId,
        campaign: &str,
        contact: ObjectId,
    ) -> Result<bool, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(portal_pk(portal)))
            .key("sk", s(enrollment_sk(campaign, contact)))
            // A worker that just recorded an enrollment must see it on its next message.
            .consistent_read(true)
            .projection_expression("pk")
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        Ok(out.item.is_some())
    }
}
