//! Pure decisions about one record: which of its changes Deeto gets, which campaign rules fire,
//! and the outbound messages that say so. No I/O, so every rule is unit-tested directly.

use std::collections::{BTreeMap, BTreeSet};

use crate::domain::ids::{ObjectId, PortalId};
use crate::sync::campaigns::{CampaignRule, Enroll, fired};
use crate::sync::config::SyncConfig;
use crate::sync::outbound::{
    CampaignEnrolled, ChangedField, OutboundMessage, RecordDeleted, RecordUpdated,
};
use crate::sync::ports::{AppliedChange, FieldChange};
use crate::sync::record::{CrmObject, DeetoRecord, RecordKey, Role};
use crate::sync::relevance::Relevance;

/// Newest value per property from the events and from a HubSpot read, restricted to what this
/// relevance keeps: everything tracked, or (campaign only) just the watched properties.
pub fn merged_changes(
    object: CrmObject,
    relevance: &Relevance,
    config: &SyncConfig,
    from_events: &BTreeMap<String, FieldChange>,
    from_read: &[FieldChange],
) -> Vec<FieldChange> {
    let keep: BTreeSet<String> = match relevance {
        Relevance::Relevant { .. } => config.tracked(object),
        Relevance::CampaignOnly => config.rules.watched(object).map(str::to_owned).collect(),
        Relevance::Irrelevant => BTreeSet::new(),
    };
    let mut newest: BTreeMap<&str, &FieldChange> = BTreeMap::new();
    for change in from_events.values().chain(from_read) {
        if !keep.contains(&change.property) {
            continue;
        }
        let slot = newest.entry(change.property.as_str()).or_insert(change);
        if change.changed_at_ms > slot.changed_at_ms {
            *slot = change;
        }
    }
    newest.into_values().cloned().collect()
}

/// The `record.updated.v1` message for the mapped changes that took effect, if any.
pub fn record_updated(
    key: RecordKey,
    record: Option<&DeetoRecord>,
    roles: &BTreeSet<Role>,
    applied: &[AppliedChange],
    config: &SyncConfig,
    now_ms: i64,
) -> Option<OutboundMessage> {
    let changes: BTreeMap<String, ChangedField> = applied
        .iter()
        .filter(|c| config.mapping.is_mapped(key.object, &c.property))
        .map(|c| {
            let field = ChangedField {
                value: c.new.clone(),
                changed_at: c.changed_at_ms,
            };
            (c.property.clone(), field)
        })
        .collect();
    let occurred_at = changes.values().map(|c| c.changed_at).max()?;
    Some(OutboundMessage::RecordUpdatedV1(RecordUpdated {
        portal_id: key.portal,
        object_type: key.object,
        object_id: key.object_id,
        deeto_id: record.and_then(|r| r.deeto_id.clone()),
        roles: roles.iter().copied().collect(),
        changes,
        occurred_at,
        synced_at: now_ms,
    }))
}

pub fn record_deleted(key: RecordKey, record: &DeetoRecord, at_ms: i64) -> OutboundMessage {
    OutboundMessage::RecordDeletedV1(RecordDeleted {
        portal_id: key.portal,
        object_type: key.object,
        object_id: key.object_id,
        deeto_id: record.deeto_id.clone(),
        occurred_at: at_ms,
    })
}

/// One contact to enroll because a rule fired on `trigger`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment {
    pub rule: CampaignRule,
    pub trigger: RecordKey,
    pub value: String,
    pub occurred_at: i64,
}

impl Enrollment {
    pub fn message(&self, contact: ObjectId) -> OutboundMessage {
        OutboundMessage::CampaignEnrolledV1(CampaignEnrolled {
            portal_id: self.trigger.portal,
            campaign: self.rule.campaign.clone(),
            rule_id: self.rule.id.clone(),
            contact_id: contact,
            trigger_object_type: self.trigger.object,
            trigger_object_id: self.trigger.object_id,
            property: self.rule.property.clone(),
            value: self.value.clone(),
            occurred_at: self.occurred_at,
        })
    }

    /// Who the rule enrolls, when that is known without a HubSpot read.
    pub fn direct_contact(&self) -> Option<ObjectId> {
        (self.rule.enroll == Enroll::Contact && self.trigger.object == CrmObject::Contact)
            .then_some(self.trigger.object_id)
    }
}

/// The rules the applied changes fire: transitions only, since `applied` holds only changes
/// newer than the stored value, each with the value it replaced.
pub fn fired_enrollments(
    key: RecordKey,
    applied: &[AppliedChange],
    config: &SyncConfig,
) -> Vec<Enrollment> {
    let mut enrollments = Vec::new();
    for change in applied {
        let Some(new) = change.new.as_deref() else {
            continue;
        };
        for rule in fired(
            &config.rules,
            key.object,
            &change.property,
            change.old.as_deref(),
            new,
        ) {
            enrollments.push(Enrollment {
                rule: rule.clone(),
                trigger: key,
                value: new.to_owned(),
                occurred_at: change.changed_at_ms,
            });
        }
    }
    enrollments
}

/// A stable set of (campaign, contact) so one batch never enrolls a contact twice.
pub type EnrollmentKey = (PortalId, String, ObjectId);

#[cfg(test)]
mod tests;
