//! Turns recorded changes into HubSpot webhook events (fact sheet §2.2), one per matching
//! subscription.

use serde_json::{Map, Value, json};

use super::settings::{Subscription, WebhookSettings};
use crate::object_type::ObjectType;
use crate::store::assoc_types;
use crate::store::{Change, ChangeKind};

const ACTIONS: [&str; 5] = [
    "creation",
    "deletion",
    "propertyChange",
    "merge",
    "associationChange",
];

fn action(kind: &ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Creation => ACTIONS[0],
        ChangeKind::Deletion => ACTIONS[1],
        ChangeKind::PropertyChange { .. } => ACTIONS[2],
        ChangeKind::Merge { .. } => ACTIONS[3],
        ChangeKind::AssociationChange { .. } => ACTIONS[4],
    }
}

/// The subscription ids a change fires, with the type name each one reports.
fn matching(change: &Change, settings: &WebhookSettings) -> Vec<(u64, String, bool)> {
    let action = action(&change.kind);
    let specific = format!("{}.{action}", change.object.singular());
    if settings.subscriptions.is_empty() {
        let object_index = ObjectType::ALL
            .iter()
            .position(|o| *o == change.object)
            .unwrap_or(0) as u64;
        let action_index = ACTIONS.iter().position(|a| *a == action).unwrap_or(0) as u64;
        return vec![(100 + object_index * 10 + action_index, specific, false)];
    }
    let property = match &change.kind {
        ChangeKind::PropertyChange { name, .. } => Some(name.as_str()),
        _ => None,
    };
    let generic = format!("object.{action}");
    settings
        .subscriptions
        .iter()
        .filter(|s| s.property_name.is_none() || s.property_name.as_deref() == property)
        .filter_map(|s: &Subscription| {
            if s.subscription_type == specific {
                Some((s.id, specific.clone(), false))
            } else if s.subscription_type == generic
                && s.object_type_id
                    .as_deref()
                    .is_none_or(|t| t == change.object.type_id())
            {
                Some((s.id, generic.clone(), true))
            } else {
                None
            }
        })
        .collect()
}

/// The events for one change; `next_event_id` hands out `eventId`s.
pub fn events_for(
    change: &Change,
    app_id: u64,
    settings: &WebhookSettings,
    next_event_id: &mut dyn FnMut() -> u64,
) -> Vec<Value> {
    matching(change, settings)
        .into_iter()
        .map(|(subscription_id, subscription_type, generic)| {
            let mut event = Map::new();
            event.insert("eventId".into(), next_event_id().into());
            event.insert("subscriptionId".into(), subscription_id.into());
            event.insert("portalId".into(), change.portal_id.into());
            event.insert("appId".into(), app_id.into());
            event.insert("occurredAt".into(), change.at_ms.into());
            event.insert("subscriptionType".into(), subscription_type.into());
            event.insert("attemptNumber".into(), 0.into());
            if generic {
                event.insert("objectTypeId".into(), change.object.type_id().into());
            }
            event.insert("changeSource".into(), change.source.change_source.into());
            if let Some(source_id) = &change.source.source_id {
                event.insert("sourceId".into(), source_id.clone().into());
            }
            add_kind_fields(&mut event, change, settings);
            Value::Object(event)
        })
        .collect()
}

fn add_kind_fields(event: &mut Map<String, Value>, change: &Change, settings: &WebhookSettings) {
    let fields = match &change.kind {
        ChangeKind::Creation => {
            json!({ "objectId": change.object_id, "changeFlag": settings.change_flag })
        }
        ChangeKind::Deletion => json!({ "objectId": change.object_id, "changeFlag": "DELETED" }),
        ChangeKind::PropertyChange { name, value } => {
            json!({ "objectId": change.object_id, "propertyName": name, "propertyValue": value })
        }
        ChangeKind::Merge {
            merged,
            new_id,
            moved,
        } => json!({
            "objectId": new_id,
            "primaryObjectId": change.object_id,
            "mergedObjectIds": merged,
            "newObjectId": new_id,
            "numberOfPropertiesMoved": moved,
        }),
        ChangeKind::AssociationChange {
            to,
            to_id,
            type_id,
            removed,
            primary,
        } => {
            let name = assoc_types::lookup(change.object, *to, *type_id)
                .map(assoc_types::event_name)
                .unwrap_or_default();
            json!({
                "associationType": name,
                "fromObjectId": change.object_id,
                "toObjectId": to_id,
                "associationRemoved": removed,
                "isPrimaryAssociation": primary,
            })
        }
    };
    if let Value::Object(map) = fields {
        event.extend(map);
    }
}
