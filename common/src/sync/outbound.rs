//! Messages to the Deeto platform's inbox: a tagged enum whose tag carries the version, like
//! the sync queue's. A released variant never changes; a new shape is a new `….v2` variant.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::record::{CrmObject, Role};
use crate::domain::ids::{ObjectId, PortalId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum OutboundMessage {
    #[serde(rename = "record.updated.v1")]
    RecordUpdatedV1(RecordUpdated),
    #[serde(rename = "record.deleted.v1")]
    RecordDeletedV1(RecordDeleted),
    #[serde(rename = "record.merged.v1")]
    RecordMergedV1(RecordMerged),
    #[serde(rename = "campaign.enrolled.v1")]
    CampaignEnrolledV1(CampaignEnrolled),
    #[serde(rename = "reference.requested.v1")]
    ReferenceRequestedV1(ReferenceRequested),
}

/// New values of tracked fields. Delivery is at least once and, under races, a value may be
/// older than one already received: apply a field only if its `changedAt` is newer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordUpdated {
    pub portal_id: PortalId,
    pub object_type: CrmObject,
    pub object_id: ObjectId,
    pub deeto_id: Option<String>,
    pub roles: Vec<Role>,
    pub changes: BTreeMap<String, ChangedField>,
    /// The newest HubSpot change time among `changes`.
    pub occurred_at: i64,
    pub synced_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangedField {
    /// `null` when the property was cleared in HubSpot.
    pub value: Option<String>,
    pub changed_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordDeleted {
    pub portal_id: PortalId,
    pub object_type: CrmObject,
    pub object_id: ObjectId,
    pub deeto_id: Option<String>,
    pub occurred_at: i64,
}

/// HubSpot merged records: the Deeto link now lives on `survivorId`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordMerged {
    pub portal_id: PortalId,
    pub object_type: CrmObject,
    pub survivor_id: ObjectId,
    pub merged_ids: Vec<ObjectId>,
    pub deeto_id: Option<String>,
    pub roles: Vec<Role>,
    pub occurred_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignEnrolled {
    pub portal_id: PortalId,
    pub campaign: String,
    pub rule_id: String,
    pub contact_id: ObjectId,
    /// The object whose change fired the rule (the contact itself, or its deal).
    pub trigger_object_type: CrmObject,
    pub trigger_object_id: ObjectId,
    pub property: String,
    pub value: String,
    pub occurred_at: i64,
}

/// A sales rep asked, from the Deeto tab of a deal, for a reference to help win it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceRequested {
    pub portal_id: PortalId,
    pub deal_id: ObjectId,
    /// The deal's Deeto id, when Deeto already tracks the deal.
    pub deal_deeto_id: Option<String>,
    pub reference_contact_id: ObjectId,
    pub reference_deeto_id: Option<String>,
    /// The HubSpot user who asked, as HubSpot's signed request named them.
    pub requested_by_user_id: Option<String>,
    pub requested_by_email: Option<String>,
    pub requested_at: i64,
}

impl OutboundMessage {
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::RecordUpdatedV1(_) => "record.updated.v1",
            Self::RecordDeletedV1(_) => "record.deleted.v1",
            Self::RecordMergedV1(_) => "record.merged.v1",
            Self::CampaignEnrolledV1(_) => "campaign.enrolled.v1",
            Self::ReferenceRequestedV1(_) => "reference.requested.v1",
        }
    }

    pub fn portal_id(&self) -> PortalId {
        match self {
            Self::RecordUpdatedV1(m) => m.portal_id,
            Self::RecordDeletedV1(m) => m.portal_id,
            Self::RecordMergedV1(m) => m.portal_id,
            Self::CampaignEnrolledV1(m) => m.portal_id,
            Self::ReferenceRequestedV1(m) => m.portal_id,
        }
    }

    /// Equal for a message published twice (a retried batch), different otherwise: use it as
    /// the queue's deduplication id or the consumer's idempotency key.
    pub fn dedupe_key(&self) -> String {
        let kind = self.type_name();
        match self {
            Self::RecordUpdatedV1(m) => {
                // The changes themselves, hashed: two workers racing on one record may send
                // different values for the same fields and time, and neither may be dropped.
                let mut digest = Sha256::new();
                for (name, change) in &m.changes {
                    let value = change.value.as_deref().unwrap_or("\u{0}null");
                    digest.update(format!("{name}\u{0}{value}\u{0}{}\u{1}", change.changed_at));
                }
                let changes = hex::encode(&digest.finalize()[..12]);
                let key = (m.portal_id, m.object_type, m.object_id);
                format!("{kind}:{}:{}:{}:{changes}", key.0, key.1, key.2)
            }
            Self::RecordDeletedV1(m) => {
                format!("{kind}:{}:{}:{}", m.portal_id, m.object_type, m.object_id)
            }
            Self::RecordMergedV1(m) => {
                let (portal, object, survivor) = (m.portal_id, m.object_type, m.survivor_id);
                format!("{kind}:{portal}:{object}:{survivor}:{}", m.occurred_at)
            }
            Self::CampaignEnrolledV1(m) => {
                format!("{kind}:{}:{}:{}", m.portal_id, m.campaign, m.contact_id)
            }
            // One request per reference and deal, however many times reps click.
            Self::ReferenceRequestedV1(m) => {
                let (portal, deal, reference) = (m.portal_id, m.deal_id, m.reference_contact_id);
                format!("{kind}:{portal}:{deal}:{reference}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn updated() -> OutboundMessage {
        let changes = BTreeMap::from([(
            "jobtitle".to_owned(),
            ChangedField {
                value: Some("CTO".into()),
                changed_at: 1_700,
            },
        )]);
        OutboundMessage::RecordUpdatedV1(RecordUpdated {
            portal_id: PortalId(62515),
            object_type: CrmObject::Contact,
            object_id: ObjectId(101),
            deeto_id: Some("ref_9".into()),
            roles: vec![Role::Reference],
            changes,
            occurred_at: 1_700,
            synced_at: 1_800,
        })
    }

    #[test]
    fn a_record_update_has_the_documented_json_shape() {
        let json = serde_json::to_value(updated()).expect("serialises");

        assert_eq!(
            json,
            json!({"type": "record.updated.v1", "portalId": 62515, "objectType": "contact",
                "objectId": 101, "deetoId": "ref_9", "roles": ["reference"],
                "changes": {"jobtitle": {"value": "CTO", "changedAt": 1700}},
                "occurredAt": 1700, "syncedAt": 1800})
        );
    }

    #[test]
    fn every_variant_round_trips_under_its_versioned_tag() {
        let enrolled = OutboundMessage::CampaignEnrolledV1(CampaignEnrolled {
            portal_id: PortalId(1),
            campaign: "post-sale-advocacy".into(),
            rule_id: "deal-closed-won".into(),
            contact_id: ObjectId(2),
            trigger_object_type: CrmObject::Deal,
            trigger_object_id: ObjectId(3),
            property: "dealstage".into(),
            value: "closedwon".into(),
            occurred_at: 4,
        });
        let merged = OutboundMessage::RecordMergedV1(RecordMerged {
            portal_id: PortalId(1),
            object_type: CrmObject::Company,
            survivor_id: ObjectId(5),
            merged_ids: vec![ObjectId(6)],
            deeto_id: None,
            roles: vec![Role::Company],
            occurred_at: 7,
        });

        for message in [updated(), enrolled, merged] {
            let json = serde_json::to_value(&message).expect("serialises");
            assert_eq!(json["type"], message.type_name());
            let back: OutboundMessage = serde_json::from_value(json).expect("parses");
            assert_eq!(back, message);
        }
    }

    #[test]
    fn dedupe_keys_separate_enrollments_by_campaign_and_contact() {
        let key = |campaign: &str, contact: u64| {
            OutboundMessage::CampaignEnrolledV1(CampaignEnrolled {
                portal_id: PortalId(1),
                campaign: campaign.into(),
                rule_id: "r".into(),
                contact_id: ObjectId(contact),
                trigger_object_type: CrmObject::Contact,
                trigger_object_id: ObjectId(contact),
                property: "lifecyclestage".into(),
                value: "customer".into(),
                occurred_at: 9,
            })
            .dedupe_key()
        };

        assert_eq!(key("a", 1), key("a", 1));
        assert_ne!(key("a", 1), key("b", 1));
        assert_ne!(key("a", 1), key("a", 2));
    }

    #[test]
    fn updates_with_different_values_never_share_a_dedupe_key() {
        let mut other = updated();
        if let OutboundMessage::RecordUpdatedV1(m) = &mut other {
            m.changes.insert(
                "jobtitle".into(),
                ChangedField {
                    value: Some("CEO".into()),
                    changed_at: 1_700,
                },
            );
        }

        assert_eq!(updated().dedupe_key(), updated().dedupe_key());
        assert_ne!(updated().dedupe_key(), other.dedupe_key());
    }
}
