//! Merging HubSpot objects: the Deeto link of the records merged away moves to the survivor.
//! The plan (what is newer than the survivor) is pure; its writes are the same conditional
//! ones every other update uses, so a re-run, or a change racing the merge, cannot undo
//! anything newer.

use std::collections::{BTreeMap, BTreeSet};

use super::super::item::{is_condition_failure, n, unavailable};
use super::codec::MERGED_INTO;
use super::{DynamoRecordStore, Init};
use crate::domain::ids::ObjectId;
use crate::ports::StoreError;
use crate::sync::ports::{MergeResult, RecordStore};
use crate::sync::record::{CrmObject, DeetoRecord, FieldValue, Link, RecordKey, Role};

/// What the survivor takes over from the merged records.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct MergePlan {
    pub roles: BTreeSet<Role>,
    /// Only when the survivor has none of its own.
    pub deeto_id: Option<String>,
    /// Per property, the newest merged value, when newer than the survivor's.
    pub fields: BTreeMap<String, FieldValue>,
    /// Per linked object, the newest merged link, when newer than the survivor's.
    pub links: BTreeMap<(CrmObject, ObjectId), Link>,
}

pub fn plan(survivor: Option<&DeetoRecord>, merged: &[DeetoRecord]) -> MergePlan {
    let mut plan = MergePlan::default();
    for record in merged {
        plan.roles.extend(record.roles.iter().copied());
        if plan.deeto_id.is_none() {
            plan.deeto_id.clone_from(&record.deeto_id);
        }
        for (name, value) in &record.fields {
            let current = plan
                .fields
                .get(name)
                .or(survivor.and_then(|s| s.fields.get(name)));
            if current.is_none_or(|c| value.changed_at_ms > c.changed_at_ms) {
                plan.fields.insert(name.clone(), value.clone());
            }
        }
        for (other, link) in &record.links {
            let current = plan
                .links
                .get(other)
                .or(survivor.and_then(|s| s.links.get(other)));
            if current.is_none_or(|c| link.changed_at_ms > c.changed_at_ms) {
                plan.links.insert(*other, *link);
            }
        }
    }
    if let Some(survivor) = survivor {
        plan.roles.retain(|r| !survivor.roles.contains(r));
        if survivor.deeto_id.is_some() {
            plan.deeto_id = None;
        }
    }
    plan
}

impl DynamoRecordStore {
    pub(super) async fn merge_records(
        &self,
        survivor: RecordKey,
        merged: &[ObjectId],
    ) -> Result<Option<MergeResult>, StoreError> {
        let merged: BTreeSet<ObjectId> = (merged.iter().copied())
            .filter(|id| *id != survivor.object_id)
            .collect();
        let ids: Vec<ObjectId> = merged.iter().copied().chain([survivor.object_id]).collect();
        let records = self
            .get_many(survivor.portal, survivor.object, &ids)
            .await?;
        if records.is_empty() {
            return Ok(None);
        }
        let (stored_survivor, merged_records): (Vec<_>, Vec<_>) =
            (records.into_iter()).partition(|r| r.key.object_id == survivor.object_id);
        let plan = plan(stored_survivor.first(), &merged_records);
        self.take_over(survivor, plan).await?;
        for record in &merged_records {
            self.mark_merged(record.key, survivor.object_id).await?;
        }
        let survivor = self.get_one(survivor).await?.ok_or_else(|| {
            StoreError::Unavailable("the merge survivor vanished while being written".into())
        })?;
        Ok(Some(MergeResult {
            moved: merged_records.iter().map(|r| r.key.object_id).collect(),
            survivor,
        }))
    }

    async fn take_over(&self, survivor: RecordKey, plan: MergePlan) -> Result<(), StoreError> {
        let init = Init {
            roles: plan.roles,
            deeto_id: plan.deeto_id.as_deref(),
            keep_deeto_id: true,
            ..Init::default()
        };
        self.init(survivor, init).await?;
        for (name, value) in &plan.fields {
            self.write_field(survivor, name, value).await?;
        }
        // Both sides: the deal or company the merged contact was linked to now names the
        // survivor, so relevance checks from either end agree.
        for ((object, id), link) in plan.links {
            let other = RecordKey::new(survivor.portal, object, id);
            self.set_link(survivor, other, link.present, link.changed_at_ms)
                .await?;
        }
        Ok(())
    }

    async fn mark_merged(&self, key: RecordKey, survivor: ObjectId) -> Result<(), StoreError> {
        let result = self
            .update(key)
            .update_expression("SET #merged = :survivor")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#merged", MERGED_INTO)
            .expression_attribute_values(":survivor", n(survivor.0))
            .send()
            .await;
        match result {
            // Deleted since it was read: nothing left to mark.
            Err(err) if is_condition_failure(&err) => Ok(()),
            Err(err) => Err(unavailable("UpdateItem", err)),
            Ok(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::PortalId;

    fn record(id: u64) -> DeetoRecord {
        DeetoRecord::new(RecordKey::new(
            PortalId(1),
            CrmObject::Contact,
            ObjectId(id),
        ))
    }

    fn link(present: bool, changed_at_ms: i64) -> Link {
        Link {
            present,
            changed_at_ms,
        }
    }

    #[test]
    fn the_survivor_takes_only_what_is_newer_and_keeps_its_own_deeto_id() {
        let mut survivor = record(1)
            .with_role(Role::Reference)
            .with_deeto_id("mine")
            .with_field("email", "new@x", 20)
            .with_field("phone", "old", 5);
        survivor
            .links
            .insert((CrmObject::Deal, ObjectId(7)), link(true, 30));
        let mut merged = record(2)
            .with_role(Role::Reference)
            .with_role(Role::Lead)
            .with_deeto_id("theirs")
            .with_field("email", "old@x", 10)
            .with_field("phone", "new", 6);
        merged
            .links
            .insert((CrmObject::Deal, ObjectId(7)), link(false, 10));
        merged
            .links
            .insert((CrmObject::Deal, ObjectId(8)), link(true, 10));

        let plan = plan(Some(&survivor), &[merged]);

        assert_eq!(plan.roles, BTreeSet::from([Role::Lead]));
        assert_eq!(plan.deeto_id, None);
        assert_eq!(plan.fields.keys().collect::<Vec<_>>(), ["phone"]);
        assert_eq!(
            plan.links,
            BTreeMap::from([((CrmObject::Deal, ObjectId(8)), link(true, 10))])
        );
    }

    #[test]
    fn among_merged_records_the_newest_value_wins_and_the_first_deeto_id() {
        let first = record(2)
            .with_deeto_id("a")
            .with_field("email", "first@x", 10);
        let second = record(3)
            .with_deeto_id("b")
            .with_field("email", "second@x", 12);

        let plan = plan(None, &[first, second]);

        assert_eq!(plan.deeto_id.as_deref(), Some("a"));
        assert_eq!(plan.fields["email"].value.as_deref(), Some("second@x"));
    }

    #[test]
    fn merging_into_a_survivor_that_already_has_everything_plans_nothing() {
        let merged = record(2).with_role(Role::Lead).with_field("email", "x", 10);
        let survivor = record(1)
            .with_role(Role::Lead)
            .with_deeto_id("d")
            .with_field("email", "x", 10);

        assert_eq!(plan(Some(&survivor), &[merged]), MergePlan::default());
    }
}
