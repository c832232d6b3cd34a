//! Turns one portal's webhook events into one piece of work per record: the newest value of each
//! tracked property, whether the record was created or deleted, plus the merges and the
//! association changes. Ten events about one contact become one write and at most one read.

use std::collections::{BTreeMap, BTreeSet};

use super::config::SyncConfig;
use super::ports::FieldChange;
use super::record::{CrmObject, RecordKey};
use crate::domain::ids::{ObjectId, PortalId};
use crate::webhook::{EventAction, WebhookEvent};

/// Everything a batch says about one record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordWork {
    /// Newest value per tracked property, as the propertyChange events carried them.
    pub changes: BTreeMap<String, FieldChange>,
    /// The record was created: its other tracked values must be read.
    pub created_at_ms: Option<i64>,
    pub deleted_at_ms: Option<i64>,
    /// A privacy (GDPR) deletion: every stored value is erased, not just marked deleted.
    pub erase: bool,
}

/// HubSpot merged `merged` into `survivor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    pub object: CrmObject,
    pub survivor: ObjectId,
    pub merged: Vec<ObjectId>,
    pub at_ms: i64,
}

/// A contact was (dis)associated with a deal or a company. HubSpot sends one event per side;
/// both become the same change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct AssociationChange {
    pub contact: ObjectId,
    pub other: CrmObject,
    pub other_id: ObjectId,
    pub present: bool,
    pub at_ms: i64,
}

/// One portal's batch, coalesced. `touches` says which records each message concerns, so a
/// failure of one record fails (and retries) only the messages about it.
#[derive(Debug, Clone, Default)]
pub struct PortalWork {
    pub records: BTreeMap<(CrmObject, ObjectId), RecordWork>,
    pub merges: Vec<Merge>,
    pub associations: BTreeSet<AssociationChange>,
    pub touches: BTreeMap<String, BTreeSet<(CrmObject, ObjectId)>>,
}

impl PortalWork {
    pub fn key(&self, portal: PortalId, (object, id): (CrmObject, ObjectId)) -> RecordKey {
        RecordKey::new(portal, object, id)
    }
}

/// Coalesces `(message id, event)` pairs of one portal. Events that cannot matter (tickets,
/// untracked properties, unknown actions) touch nothing and are acknowledged.
pub fn coalesce<'a>(
    events: impl IntoIterator<Item = (&'a str, &'a WebhookEvent)>,
    config: &SyncConfig,
) -> PortalWork {
    let mut work = PortalWork::default();
    for (message_id, event) in events {
        let touched = add_event(&mut work, event, config);
        work.touches
            .entry(message_id.to_owned())
            .or_default()
            .extend(touched);
    }
    work
}

fn add_event(
    work: &mut PortalWork,
    event: &WebhookEvent,
    config: &SyncConfig,
) -> Vec<(CrmObject, ObjectId)> {
    let Some(object) = CrmObject::of_event(event) else {
        tracing::debug!(subscription = %event.subscription_type, "not a contact, company or deal");
        return Vec::new();
    };
    let at = event.occurred_at;
    match event.subscription_type.action() {
        EventAction::PropertyChange => {
            let (Some(id), Some(property)) = (event.object_id, event.property_name.as_deref())
            else {
                return Vec::new();
            };
            if !config.tracked(object).contains(property) {
                tracing::debug!(%object, property, "unmapped property ignored");
                return Vec::new();
            }
            let change = FieldChange {
                property: property.to_owned(),
                value: event.property_value.clone().filter(|v| !v.is_empty()),
                changed_at_ms: at,
            };
            let record = work.records.entry((object, id)).or_default();
            let newer = record
                .changes
                .get(property)
                .is_none_or(|kept| at > kept.changed_at_ms);
            if newer {
                record.changes.insert(property.to_owned(), change);
            }
            vec![(object, id)]
        }
        EventAction::Creation => event.object_id.map_or_else(Vec::new, |id| {
            let record = work.records.entry((object, id)).or_default();
            record.created_at_ms = record.created_at_ms.max(Some(at));
            vec![(object, id)]
        }),
        action @ (EventAction::Deletion | EventAction::PrivacyDeletion) => {
            event.object_id.map_or_else(Vec::new, |id| {
                let record = work.records.entry((object, id)).or_default();
                record.deleted_at_ms = record.deleted_at_ms.max(Some(at));
                record.erase |= action == EventAction::PrivacyDeletion;
                vec![(object, id)]
            })
        }
        EventAction::Merge => add_merge(work, object, event),
        EventAction::AssociationChange => add_association(work, event),
        EventAction::Restore | EventAction::Other => {
            tracing::debug!(subscription = %event.subscription_type, "action not synced");
            Vec::new()
        }
    }
}

fn add_merge(
    work: &mut PortalWork,
    object: CrmObject,
    event: &WebhookEvent,
) -> Vec<(CrmObject, ObjectId)> {
    // HubSpot keeps the primary's id unless the merge created a new record (`newObjectId`).
    let Some(survivor) = event
        .new_object_id
        .or(event.primary_object_id)
        .or(event.object_id)
    else {
        return Vec::new();
    };
    let mut merged: Vec<ObjectId> = event.merged_object_ids.clone().unwrap_or_default();
    merged.extend(event.primary_object_id);
    merged.sort_unstable();
    merged.dedup();
    merged.retain(|id| *id != survivor);
    if merged.is_empty() {
        return Vec::new();
    }
    let touched = std::iter::once(survivor)
        .chain(merged.iter().copied())
        .map(|id| (object, id))
        .collect();
    work.merges.push(Merge {
        object,
        survivor,
        merged,
        at_ms: event.occurred_at,
    });
    touched
}

fn add_association(work: &mut PortalWork, event: &WebhookEvent) -> Vec<(CrmObject, ObjectId)> {
    let (Some(kind), Some(from), Some(to)) = (
        event.association_type.as_deref(),
        event.from_object_id,
        event.to_object_id,
    ) else {
        return Vec::new();
    };
    let Some((from_type, to_type)) = kind.split_once("_TO_") else {
        return Vec::new();
    };
    let pair = (
        CrmObject::from_association_name(from_type),
        CrmObject::from_association_name(to_type),
    );
    let (contact, other, other_id) = match pair {
        (Some(CrmObject::Contact), Some(other)) if other != CrmObject::Contact => (from, other, to),
        (Some(other), Some(CrmObject::Contact)) if other != CrmObject::Contact => (to, other, from),
        _ => return Vec::new(),
    };
    work.associations.insert(AssociationChange {
        contact,
        other,
        other_id,
        present: !event.association_removed.unwrap_or(false),
        at_ms: event.occurred_at,
    });
    vec![(CrmObject::Contact, contact), (other, other_id)]
}

#[cfg(test)]
mod tests;
