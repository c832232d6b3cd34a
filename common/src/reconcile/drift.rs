//! Pure comparisons of Deeto's records with what HubSpot holds now: which values, Deeto ids,
//! deletions, merges and deal contacts differ. The result is work for the sync worker's own
//! pipeline (the same code, guard and outbound messages as real-time sync) plus the `deeto_id`
//! write-backs to re-apply.

use std::collections::{BTreeMap, BTreeSet};

use crate::domain::ids::ObjectId;
use crate::sync::coalesce::{AssociationChange, Merge, PortalWork};
use crate::sync::ports::FieldChange;
use crate::sync::reads::{Associated, ReadRecord};
use crate::sync::record::{CrmObject, DeetoRecord, Role};

/// The property HubSpot lists merged-away ids in (`;`-separated) on the surviving record.
pub const MERGED_IDS: &str = "hs_merged_object_ids";
/// Deeto's own property.
pub const DEETO_ID: &str = "deeto_id";

/// What differs between one page of Deeto's records and HubSpot.
#[derive(Debug, Clone, Default)]
pub struct RecordDrift {
    /// Value changes, deletions, merges and association changes for the pipeline.
    pub work: PortalWork,
    /// Records whose `deeto_id` in HubSpot is missing or wrong, with the value to write.
    pub deeto_ids: BTreeMap<ObjectId, String>,
    /// Per record, the properties whose value differs and what HubSpot holds.
    pub fields: BTreeMap<ObjectId, BTreeMap<String, Option<String>>>,
}

/// Which read record each merged-away id now answers as.
pub fn merged_into(read: &[ReadRecord]) -> BTreeMap<ObjectId, ObjectId> {
    let mut map = BTreeMap::new();
    for record in read {
        let merged = record.changes.iter().find(|c| c.property == MERGED_IDS);
        let Some(list) = merged.and_then(|c| c.value.as_deref()) else {
            continue;
        };
        for id in list.split(';').filter_map(|raw| raw.trim().parse().ok()) {
            map.insert(ObjectId(id), record.id);
        }
    }
    map
}

/// Compares live stored records of `object` with their batch read (`tracked` properties plus
/// `deeto_id` and [`MERGED_IDS`]); `now_ms` stamps deletions and merges seen only now.
pub fn compare(
    object: CrmObject,
    stored: &[&DeetoRecord],
    read: &[ReadRecord],
    tracked: &BTreeSet<String>,
    now_ms: i64,
) -> RecordDrift {
    let by_id: BTreeMap<ObjectId, &ReadRecord> = read.iter().map(|r| (r.id, r)).collect();
    let merged = merged_into(read);
    let mut drift = RecordDrift::default();
    let mut merges: BTreeMap<ObjectId, Vec<ObjectId>> = BTreeMap::new();
    for record in stored {
        let id = record.key.object_id;
        let Some(now) = by_id.get(&id) else {
            match merged.get(&id) {
                Some(survivor) => merges.entry(*survivor).or_default().push(id),
                None => {
                    let work = drift.work.records.entry((object, id)).or_default();
                    work.deleted_at_ms = Some(now_ms);
                }
            }
            continue;
        };
        for change in &now.changes {
            if change.property == DEETO_ID {
                if let Some(wanted) = &record.deeto_id
                    && change.value.as_deref() != Some(wanted.as_str())
                {
                    drift.deeto_ids.insert(id, wanted.clone());
                }
                continue;
            }
            if !tracked.contains(&change.property) || !differs(record, change) {
                continue;
            }
            let work = drift.work.records.entry((object, id)).or_default();
            work.changes.insert(change.property.clone(), change.clone());
            let fields = drift.fields.entry(id).or_default();
            fields.insert(change.property.clone(), change.value.clone());
        }
    }
    drift.work.merges = merges
        .into_iter()
        .map(|(survivor, merged)| Merge {
            object,
            survivor,
            merged,
            at_ms: now_ms,
        })
        .collect();
    drift
}

/// A value Deeto lacks or holds differently, and HubSpot's is not older than Deeto's.
pub fn differs(record: &DeetoRecord, change: &FieldChange) -> bool {
    let stored = record.fields.get(&change.property);
    let other = stored.is_none_or(|s| s.value != change.value);
    other && change.is_newer_than(stored)
}

/// The contact associations of Deeto's tracked deals that differ from HubSpot's: contacts
/// added to a deal (they become prospects) and contacts removed from one.
pub fn deal_contacts(
    deals: &[&DeetoRecord],
    hubspot: &BTreeMap<ObjectId, Vec<Associated>>,
    now_ms: i64,
) -> BTreeSet<AssociationChange> {
    let mut changes = BTreeSet::new();
    for deal in deals.iter().filter(|d| d.has_role(Role::Deal)) {
        let id = deal.key.object_id;
        let now: BTreeSet<ObjectId> = hubspot
            .get(&id)
            .map(|list| list.iter().map(|a| a.id).collect())
            .unwrap_or_default();
        let stored: BTreeSet<ObjectId> = deal.linked(CrmObject::Contact).into_iter().collect();
        let change = |contact: ObjectId, present: bool| AssociationChange {
            contact,
            other: CrmObject::Deal,
            other_id: id,
            present,
            at_ms: now_ms,
        };
        changes.extend(now.difference(&stored).map(|c| change(*c, true)));
        changes.extend(stored.difference(&now).map(|c| change(*c, false)));
    }
    changes
}

#[cfg(test)]
mod tests;
