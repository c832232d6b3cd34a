//! The capabilities the sync worker needs: Deeto's record store, the campaign ledger and the
//! outbound queue. DynamoDB and SQS adapters implement them; `sync::memory` does for tests.

use async_trait::async_trait;

use super::outbound::OutboundMessage;
use super::record::{CrmObject, DeetoRecord, FieldValue, RecordKey, Role};
use crate::domain::ids::{ObjectId, PortalId};
use crate::ports::{Page, StoreError};

/// A new value for one property, stamped with when HubSpot changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub property: String,
    pub value: Option<String>,
    pub changed_at_ms: i64,
}

impl FieldChange {
    /// The one ordering rule every store applies: strictly newer wins, so a stale event loses
    /// and a duplicate (same time) changes nothing.
    pub fn is_newer_than(&self, stored: Option<&FieldValue>) -> bool {
        stored.is_none_or(|s| self.changed_at_ms > s.changed_at_ms)
    }
}

/// A change that took effect, with the value it replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedChange {
    pub property: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub changed_at_ms: i64,
}

/// The changes of a list that are newer than what `record` holds.
pub fn newer_changes(record: Option<&DeetoRecord>, changes: &[FieldChange]) -> Vec<AppliedChange> {
    changes
        .iter()
        .filter_map(|change| {
            let stored = record.and_then(|r| r.fields.get(&change.property));
            change.is_newer_than(stored).then(|| AppliedChange {
                property: change.property.clone(),
                old: stored.and_then(|s| s.value.clone()),
                new: change.value.clone(),
                changed_at_ms: change.changed_at_ms,
            })
        })
        .collect()
}

/// The changes carried by webhook events that may fire campaign rules: each newer than the
/// stored value (with the value it replaced), and each whose value is stored already at the
/// same or a later time. The latter is a transition seen first by a read of HubSpot (a record
/// that became relevant, a reconcile) made after the change and before its event arrived, or
/// a redelivered event: the value it replaced is unknown, and the campaign ledger keeps a
/// contact from being enrolled twice. A stale event whose value has been replaced since
/// fires nothing.
pub fn event_transitions(
    record: Option<&DeetoRecord>,
    changes: &[FieldChange],
) -> Vec<AppliedChange> {
    changes
        .iter()
        .filter_map(|change| {
            let stored = record.and_then(|r| r.fields.get(&change.property));
            let old = match stored {
                _ if change.is_newer_than(stored) => stored.and_then(|s| s.value.clone()),
                Some(s) if s.value == change.value => None,
                _ => return None,
            };
            Some(AppliedChange {
                property: change.property.clone(),
                old,
                new: change.value.clone(),
                changed_at_ms: change.changed_at_ms,
            })
        })
        .collect()
}

/// What a merge did: the records merged away and the survivor as it now stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeResult {
    pub moved: Vec<ObjectId>,
    pub survivor: DeetoRecord,
}

/// Deeto's records, per portal and HubSpot object.
#[async_trait]
pub trait RecordStore: Send + Sync {
    /// The stored records among `ids` (missing ones are simply absent).
    async fn get_many(
        &self,
        portal: PortalId,
        object: CrmObject,
        ids: &[ObjectId],
    ) -> Result<Vec<DeetoRecord>, StoreError>;

    /// One page of the portal's stored records of one object type (gone ones included), in
    /// the store's order, after `after` (the cursor of the previous page); the daily reconcile
    /// walks them.
    async fn page(
        &self,
        portal: PortalId,
        object: CrmObject,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<DeetoRecord>, StoreError>;

    /// One page of the ids of the portal's `object` records that were given `role` (a
    /// Deeto-assigned one, never [`Role::Prospect`]), after `after`. Callers check each record
    /// (it may since be gone or merged). The default walks every record; stores with an index
    /// answer from it.
    async fn with_role(
        &self,
        portal: PortalId,
        object: CrmObject,
        role: Role,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<ObjectId>, StoreError> {
        let page = self.page(portal, object, after, limit).await?;
        Ok(Page {
            items: (page.items.iter())
                .filter(|r| r.roles.contains(&role))
                .map(|r| r.key.object_id)
                .collect(),
            next: page.next,
        })
    }

    /// Creates the record if needed and writes each change only if it is newer than the stored
    /// value (a conditional update per field); sets `last_sync_ms`. Returns what took effect.
    async fn apply_changes(
        &self,
        key: RecordKey,
        changes: &[FieldChange],
        synced_at_ms: i64,
    ) -> Result<Vec<AppliedChange>, StoreError>;

    /// Marks a stored record deleted; `false` when unknown or already deleted.
    async fn mark_deleted(&self, key: RecordKey, at_ms: i64) -> Result<bool, StoreError>;

    /// Moves the Deeto link (roles, Deeto id, links, newer fields) of the `merged` records to
    /// `survivor` and marks them merged into it. `None` when none of the ids is stored.
    async fn merge(
        &self,
        portal: PortalId,
        object: CrmObject,
        survivor: ObjectId,
        merged: &[ObjectId],
        at_ms: i64,
    ) -> Result<Option<MergeResult>, StoreError>;

    /// Gives the object a role the Deeto platform decided (reference, lead, company, deal)
    /// and, when given, its Deeto id. Creates the record if needed; idempotent.
    async fn assign_role(
        &self,
        key: RecordKey,
        role: Role,
        deeto_id: Option<&str>,
        at_ms: i64,
    ) -> Result<(), StoreError>;

    /// Records on both sides that `a` and `b` are (or no longer are) associated, unless a newer
    /// change of that association is stored. Creates missing records. `true` when it changed.
    async fn set_link(
        &self,
        a: RecordKey,
        b: RecordKey,
        present: bool,
        at_ms: i64,
    ) -> Result<bool, StoreError>;
}

/// Which contacts were enrolled in which campaign: each (portal, campaign, contact) once.
#[async_trait]
pub trait CampaignLedger: Send + Sync {
    /// Records the enrollment; `false` when it was already recorded (a conditional put).
    async fn record_enrollment(
        &self,
        portal: PortalId,
        campaign: &str,
        contact: ObjectId,
    ) -> Result<bool, StoreError>;

    /// True when the contact was already enrolled in the campaign. The worker checks this,
    /// publishes, and only then records: a crash in between re-publishes (the consumer dedupes
    /// on [`OutboundMessage::dedupe_key`]) rather than losing the enrollment.
    async fn is_enrolled(
        &self,
        portal: PortalId,
        campaign: &str,
        contact: ObjectId,
    ) -> Result<bool, StoreError>;
}

/// The Deeto platform's inbox.
#[async_trait]
pub trait OutboundPublisher: Send + Sync {
    /// Publishes all messages or fails; a retry may publish some twice, so each carries a
    /// [`OutboundMessage::dedupe_key`].
    async fn publish(&self, messages: &[OutboundMessage]) -> Result<(), StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(value: &str, at: i64) -> FieldChange {
        FieldChange {
            property: "dealstage".into(),
            value: Some(value.into()),
            changed_at_ms: at,
        }
    }

    fn stored(value: &str, at: i64) -> DeetoRecord {
        let key = RecordKey::new(PortalId(1), CrmObject::Deal, ObjectId(9));
        DeetoRecord::new(key).with_field("dealstage", value, at)
    }

    #[test]
    fn an_event_newer_than_the_store_is_a_transition_from_the_stored_value() {
        let found = event_transitions(Some(&stored("appointment", 10)), &[stage("closedwon", 20)]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].old.as_deref(), Some("appointment"));
        assert_eq!(found[0].new.as_deref(), Some("closedwon"));
    }

    #[test]
    fn a_transition_a_read_saw_before_its_event_still_counts_from_an_unknown_value() {
        // Read from HubSpot at 30, after the change at 20 and before its event came.
        let found = event_transitions(Some(&stored("closedwon", 30)), &[stage("closedwon", 20)]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].old, None);
        // Newer changes alone decide what is written: this one is not.
        assert!(
            newer_changes(Some(&stored("closedwon", 30)), &[stage("closedwon", 20)]).is_empty()
        );
    }

    #[test]
    fn a_stale_event_whose_value_was_replaced_since_fires_nothing() {
        let found = event_transitions(Some(&stored("closedlost", 30)), &[stage("closedwon", 20)]);
        assert!(found.is_empty());
    }
}
