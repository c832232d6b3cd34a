//! What the worker reads from HubSpot when an event does not carry it: the tracked properties of
//! created or newly relevant records, and the contacts of a deal a campaign rule fired on. Always
//! in batches of up to 100 ids, the most HubSpot accepts.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::json;

use super::ports::FieldChange;
use super::record::CrmObject;
use crate::domain::ids::{ObjectId, PortalId};
use crate::domain::iso_time::parse_iso;
use crate::hubspot::version::API_VERSION;
use crate::hubspot::{HubSpotError, HubSpotErrorKind};
use crate::ports::{ApiRequest, HubSpotApi};

/// HubSpot's limit on the inputs of one batch call.
pub const BATCH_LIMIT: usize = 100;

/// One record as read: its tracked properties, stamped with the record's `updatedAt` (the
/// values are at least that new, so a stale event processed later cannot overwrite them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadRecord {
    pub id: ObjectId,
    pub changes: Vec<FieldChange>,
}

#[derive(Deserialize)]
struct BatchRead {
    #[serde(default)]
    results: Vec<ReadResult>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReadResult {
    id: String,
    #[serde(default)]
    properties: BTreeMap<String, Option<String>>,
    updated_at: Option<String>,
}

/// Reads `properties` of `ids`. Ids HubSpot does not know (deleted since) are simply absent.
/// `fallback_ms` stamps values when HubSpot gives no readable `updatedAt`.
pub async fn read_records(
    api: &dyn HubSpotApi,
    portal: PortalId,
    object: CrmObject,
    ids: &[ObjectId],
    properties: &BTreeSet<String>,
    fallback_ms: i64,
) -> Result<Vec<ReadRecord>, HubSpotError> {
    read_objects(api, portal, object.plural(), ids, properties, fallback_ms).await
}

/// As [`read_records`], for any object type by its plural name (e.g. `tickets`). A merged-away
/// id answers as the record it was merged into (with that record's id).
pub async fn read_objects(
    api: &dyn HubSpotApi,
    portal: PortalId,
    plural: &str,
    ids: &[ObjectId],
    properties: &BTreeSet<String>,
    fallback_ms: i64,
) -> Result<Vec<ReadRecord>, HubSpotError> {
    let path = format!("/crm/objects/{API_VERSION}/{plural}/batch/read");
    let mut records = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(BATCH_LIMIT) {
        let inputs: Vec<_> = chunk
            .iter()
            .map(|id| json!({"id": id.to_string()}))
            .collect();
        let body = json!({"properties": properties, "propertiesWithHistory": [], "inputs": inputs});
        let response = api.send(portal, ApiRequest::post(&path, body)).await?;
        let batch: BatchRead = parse(response.body, &path)?;
        for result in batch.results {
            let Ok(id) = result.id.parse().map(ObjectId) else {
                continue;
            };
            let at = result
                .updated_at
                .as_deref()
                .and_then(parse_iso)
                .unwrap_or(fallback_ms);
            // Only what was asked for: HubSpot adds `hs_object_id`, `createdate`, ...
            let changes = properties
                .iter()
                .map(|name| FieldChange {
                    property: name.clone(),
                    value: result.properties.get(name).cloned().flatten(),
                    changed_at_ms: at,
                })
                .collect();
            records.push(ReadRecord { id, changes });
        }
    }
    Ok(records)
}

#[derive(Deserialize)]
struct AssociationRead {
    #[serde(default)]
    results: Vec<AssociationResult>,
}

#[derive(Deserialize)]
struct AssociationResult {
    from: FromId,
    #[serde(default)]
    to: Vec<ToId>,
}

#[derive(Deserialize)]
struct FromId {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ToId {
    to_object_id: serde_json::Value,
    #[serde(default)]
    association_types: Vec<AssociationKind>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssociationKind {
    type_id: Option<u64>,
}

/// The contacts associated with each deal (deals without contacts are absent). Only the first
/// page of each deal (500 contacts): a campaign enrolls the people of a deal, not a mailing list.
pub async fn read_deal_contacts(
    api: &dyn HubSpotApi,
    portal: PortalId,
    deals: &[ObjectId],
) -> Result<BTreeMap<ObjectId, Vec<ObjectId>>, HubSpotError> {
    let found = read_associations(api, portal, "deals", "contacts", deals).await?;
    Ok(found
        .into_iter()
        .map(|(deal, to)| (deal, to.into_iter().map(|a| a.id).collect()))
        .collect())
}

/// One associated record and the association type ids that link it (e.g. `1` for a contact's
/// primary company).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Associated {
    pub id: ObjectId,
    pub type_ids: Vec<u64>,
}

/// The `to` records associated with each of `ids` (plural type names, e.g. `contacts`,
/// `companies`); records without any are absent. First page (500) per record.
pub async fn read_associations(
    api: &dyn HubSpotApi,
    portal: PortalId,
    from: &str,
    to: &str,
    ids: &[ObjectId],
) -> Result<BTreeMap<ObjectId, Vec<Associated>>, HubSpotError> {
    let path = format!("/crm/associations/{API_VERSION}/{from}/{to}/batch/read");
    let mut found = BTreeMap::new();
    for chunk in ids.chunks(BATCH_LIMIT) {
        let inputs: Vec<_> = chunk
            .iter()
            .map(|id| json!({"id": id.to_string()}))
            .collect();
        let response = api
            .send(portal, ApiRequest::post(&path, json!({"inputs": inputs})))
            .await?;
        let batch: AssociationRead = parse(response.body, &path)?;
        for result in batch.results {
            let Ok(from_id) = result.from.id.parse().map(ObjectId) else {
                continue;
            };
            let associated = result.to.iter().filter_map(|t| {
                let type_ids = t
                    .association_types
                    .iter()
                    .filter_map(|k| k.type_id)
                    .collect();
                id_of(&t.to_object_id).map(|id| Associated { id, type_ids })
            });
            found.insert(from_id, associated.collect());
        }
    }
    Ok(found)
}

/// HubSpot documents `toObjectId` as an integer, yet some versions send a string: take both.
fn id_of(value: &serde_json::Value) -> Option<ObjectId> {
    match value {
        serde_json::Value::Number(n) => n.as_u64().map(ObjectId),
        serde_json::Value::String(s) => s.parse().ok().map(ObjectId),
        _ => None,
    }
}

pub(crate) fn parse<T: for<'de> Deserialize<'de>>(
    body: serde_json::Value,
    path: &str,
) -> Result<T, HubSpotError> {
    serde_json::from_value(body).map_err(|e| {
        HubSpotError::new(
            HubSpotErrorKind::Protocol,
            None,
            format!("unexpected answer from {path}: {e}"),
        )
    })
}

#[cfg(test)]
mod tests;
