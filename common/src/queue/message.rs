//! Messages on the sync queue: a tagged enum whose tag carries the version.
//!
//! A variant is never changed once released: a new shape is a new variant (`….v2`), so
//! messages already in flight, or parked in the DLQ, always stay readable.

use serde::{Deserialize, Serialize};

use super::publish::{RetryPolicy, send_all};
use crate::commands::DeetoCommand;
use crate::domain::ids::{ObjectId, PortalId, TenantId};
use crate::ports::{JobQueue, QueueEntry};
use crate::sync::record::CrmObject;
use crate::webhook::WebhookEvent;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum SyncMessage {
    /// One HubSpot webhook event, as received and verified by the webhook receiver.
    #[serde(rename = "hubspot.webhook.v1")]
    HubSpotWebhookV1(WebhookDelivery),
    /// One command from the Deeto platform, for a tenant's portal.
    #[serde(rename = "deeto.command.v1")]
    DeetoCommandV1(CommandDelivery),
    /// One page of a portal's daily reconcile run (see `reconcile`).
    #[serde(rename = "reconcile.page.v1")]
    ReconcilePageV1(ReconcilePage),
    /// Re-read one record from HubSpot and repair it: a rep opened its Deeto tab.
    #[serde(rename = "record.refresh.v1")]
    RecordRefreshV1(RecordRefresh),
    /// Rebuild the portal's reference pool: a Deeto tab found it stale.
    #[serde(rename = "card.pool.rebuild.v1")]
    ReferencePoolRebuildV1(PoolRebuild),
}

/// Rebuild the portal's reference pool (the deal view's suggestions read it); a pool built
/// after `requested_at` already answers the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolRebuild {
    pub portal_id: PortalId,
    /// Epoch milliseconds at which the tab asked.
    pub requested_at: i64,
}

/// Sync one record now, as the daily reconcile would: re-read it from HubSpot and repair what
/// differs (a record Deeto does not know yet goes through the relevance rules as if created).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordRefresh {
    pub portal_id: PortalId,
    pub object_type: CrmObject,
    pub object_id: ObjectId,
    /// Epoch milliseconds at which the tab asked.
    pub requested_at: i64,
}

/// Work page `page` of the portal's run `run`; where the page starts is in the run's
/// checkpoint, so a late or duplicate message cannot rewind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReconcilePage {
    pub portal_id: PortalId,
    pub run: String,
    pub page: u64,
}

/// A command and whom it is for. `deeto-events` fills the portal and tenant from the licence
/// key that authenticated the request; in-AWS producers putting commands straight on the
/// queue fill them themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandDelivery {
    pub portal_id: PortalId,
    pub tenant_id: TenantId,
    /// Epoch milliseconds at which the command was accepted.
    pub received_at: i64,
    /// The command's place in its request (0 for the first): commands accepted together share
    /// `received_at`, and this keeps their order. Optional on the wire (added after v1
    /// shipped), so messages without it still read.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub position: u32,
    pub command: DeetoCommand,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// When the Deeto platform said something: when the command was accepted, and its order
/// among all commands (later ones are greater), so an older command delivered late (SQS keeps
/// no order, and retries reorder further) never undoes a newer one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Said {
    /// Compared first: `received_at`, then `position`, in one number.
    pub order: i64,
    pub at_ms: i64,
}

impl Said {
    /// Requests hold at most [`crate::commands::MAX_COMMANDS`] commands: three digits of
    /// room for the position beside the milliseconds.
    const POSITIONS: i64 = 1_000;

    pub fn new(at_ms: i64, position: u32) -> Self {
        let position = i64::from(position).min(Self::POSITIONS - 1);
        Self {
            order: at_ms
                .saturating_mul(Self::POSITIONS)
                .saturating_add(position),
            at_ms,
        }
    }

    /// A command of our own (a reconcile repair), said now.
    pub fn at(at_ms: i64) -> Self {
        Self::new(at_ms, 0)
    }
}

impl CommandDelivery {
    pub fn said(&self) -> Said {
        Said::new(self.received_at, self.position)
    }
}

/// A verified webhook event and when we received it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDelivery {
    /// Epoch milliseconds at which the receiver accepted the batch.
    pub received_at: i64,
    pub event: WebhookEvent,
}

impl SyncMessage {
    pub fn type_name(&self) -> &'static str {
        match self {
            SyncMessage::HubSpotWebhookV1(_) => "hubspot.webhook.v1",
            SyncMessage::DeetoCommandV1(_) => "deeto.command.v1",
            SyncMessage::ReconcilePageV1(_) => "reconcile.page.v1",
            SyncMessage::RecordRefreshV1(_) => "record.refresh.v1",
            SyncMessage::ReferencePoolRebuildV1(_) => "card.pool.rebuild.v1",
        }
    }

    /// The portal the message concerns, for routing, logs and operators.
    pub fn portal_id(&self) -> String {
        match self {
            SyncMessage::HubSpotWebhookV1(delivery) => delivery.event.portal_id.to_string(),
            SyncMessage::DeetoCommandV1(delivery) => delivery.portal_id.to_string(),
            SyncMessage::ReconcilePageV1(page) => page.portal_id.to_string(),
            SyncMessage::RecordRefreshV1(refresh) => refresh.portal_id.to_string(),
            SyncMessage::ReferencePoolRebuildV1(rebuild) => rebuild.portal_id.to_string(),
        }
    }

    /// Puts this one message on `queue`, retried as [`send_all`] retries.
    pub async fn send(&self, queue: &dyn JobQueue) -> Result<(), String> {
        let entry = self.to_entry("0".into()).map_err(|e| e.to_string())?;
        send_all(queue, vec![entry], RetryPolicy::default())
            .await
            .map_err(|e| e.to_string())
    }

    /// Serialises the message as a queue entry (`id` must be unique within one batch call).
    pub fn to_entry(&self, id: String) -> Result<QueueEntry, serde_json::Error> {
        Ok(QueueEntry {
            id,
            body: serde_json::to_string(self)?,
            attributes: vec![
                ("type".to_owned(), self.type_name().to_owned()),
                ("portalId".to_owned(), self.portal_id()),
            ],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_is_tagged_with_its_versioned_type() {
        let event: WebhookEvent = serde_json::from_str(
            r#"{"eventId":1,"subscriptionId":2,"portalId":3,"occurredAt":4,"subscriptionType":"contact.creation","objectId":5}"#,
        )
        .expect("event");
        let message = SyncMessage::HubSpotWebhookV1(WebhookDelivery {
            received_at: 10,
            event,
        });
        let entry = message.to_entry("0".into()).expect("serialises");
        let json: serde_json::Value = serde_json::from_str(&entry.body).expect("json");
        assert_eq!(json["type"], "hubspot.webhook.v1");
        assert_eq!(json["receivedAt"], 10);
        assert_eq!(json["event"]["objectId"], 5);
        assert_eq!(
            serde_json::from_str::<SyncMessage>(&entry.body).expect("round trip"),
            message
        );
        assert!(entry.attributes.contains(&("portalId".into(), "3".into())));
    }

    #[test]
    fn commands_are_ordered_by_acceptance_then_by_place_in_their_request() {
        assert!(Said::new(1_000, 0) < Said::new(1_000, 1));
        assert!(Said::new(1_000, 99) < Said::new(1_001, 0));
        assert_eq!(Said::new(1_000, 5).at_ms, 1_000);
        // A command sent before `position` existed reads as the first of its request.
        let body = r#"{"type":"deeto.command.v1","portalId":1,"tenantId":"t","receivedAt":7,
            "command":{"type":"connection.updated","id":"c","deetoId":"conn","status":"done"}}"#;
        let SyncMessage::DeetoCommandV1(delivery) =
            serde_json::from_str::<SyncMessage>(body).expect("a v1 command without position")
        else {
            panic!("not a command");
        };
        assert_eq!(delivery.said(), Said::at(7));
    }

    #[test]
    fn an_unknown_message_type_is_an_error_not_a_guess() {
        assert!(serde_json::from_str::<SyncMessage>(r#"{"type":"hubspot.webhook.v9"}"#).is_err());
    }
}
