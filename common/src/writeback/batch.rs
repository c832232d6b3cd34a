//! The batch endpoints the write path uses, up to 100 inputs per call, with HubSpot's
//! multi-status answers (207) taken apart per input. Every request here also passes the write
//! guard in the HubSpot adapter; nothing here can delete or archive.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::domain::ids::{ObjectId, PortalId};
use crate::hubspot::HubSpotError;
use crate::hubspot::version::API_VERSION;
use crate::ports::{ApiRequest, HubSpotApi};
use crate::sync::reads::{BATCH_LIMIT, parse};

/// Properties to write, by name.
pub type Properties = Map<String, Value>;

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    results: Vec<Value>,
    #[serde(default)]
    errors: Vec<ErrorItem>,
}

#[derive(Deserialize)]
struct ErrorItem {
    #[serde(default)]
    message: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    context: Map<String, Value>,
}

impl ErrorItem {
    /// The ids or trace ids an error names in its `context`.
    fn names(&self, key: &str) -> Vec<String> {
        self.context
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    }
}

/// Why one input failed, as HubSpot said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub category: String,
    pub message: String,
}

fn id_in(result: &Value) -> Option<ObjectId> {
    result["id"].as_str()?.parse().ok().map(ObjectId)
}

/// Updates records; returns the ids HubSpot did not find (deleted or never existed).
pub async fn update(
    api: &dyn HubSpotApi,
    portal: PortalId,
    object: &str,
    inputs: &BTreeMap<ObjectId, Properties>,
) -> Result<BTreeMap<ObjectId, InputError>, HubSpotError> {
    let path = format!("/crm/objects/{API_VERSION}/{object}/batch/update");
    let all: Vec<(&ObjectId, &Properties)> = inputs.iter().collect();
    let mut missing = BTreeMap::new();
    for chunk in all.chunks(BATCH_LIMIT) {
        let body: Vec<Value> = chunk
            .iter()
            .map(|(id, props)| json!({"id": id.to_string(), "properties": props}))
            .collect();
        let response = api
            .send(portal, ApiRequest::post(&path, json!({"inputs": body})))
            .await?;
        let answer: Answer = parse(response.body, &path)?;
        for error in answer.errors {
            for id in error.names("ids") {
                if let Ok(id) = id.parse().map(ObjectId) {
                    let failure = InputError {
                        category: error.category.clone(),
                        message: error.message.clone(),
                    };
                    missing.insert(id, failure);
                }
            }
        }
    }
    Ok(missing)
}

/// Creates records, one input per key; each input carries `objectWriteTraceId` so HubSpot
/// answers per input and one bad input does not fail the others.
pub async fn create<K: Ord + Clone>(
    api: &dyn HubSpotApi,
    portal: PortalId,
    object: &str,
    inputs: &BTreeMap<K, Value>,
) -> Result<BTreeMap<K, Result<ObjectId, InputError>>, HubSpotError> {
    let path = format!("/crm/objects/{API_VERSION}/{object}/batch/create");
    let all: Vec<(&K, &Value)> = inputs.iter().collect();
    let mut outcome = BTreeMap::new();
    for chunk in all.chunks(BATCH_LIMIT) {
        let body: Vec<Value> = chunk
            .iter()
            .enumerate()
            .map(|(i, (_, input))| {
                let mut input = (*input).clone();
                input["objectWriteTraceId"] = i.to_string().into();
                input
            })
            .collect();
        let request = ApiRequest::post(&path, json!({"inputs": body})).creating();
        let response = api.send(portal, request).await?;
        let answer: Answer = parse(response.body, &path)?;
        let key_of = |trace: &str| {
            let index: usize = trace.parse().ok()?;
            chunk.get(index).map(|(key, _)| (*key).clone())
        };
        for result in &answer.results {
            let trace = result["objectWriteTraceId"].as_str().unwrap_or_default();
            if let (Some(key), Some(id)) = (key_of(trace), id_in(result)) {
                outcome.insert(key, Ok(id));
            }
        }
        for error in answer.errors {
            for trace in error.names("objectWriteTraceId") {
                if let Some(key) = key_of(&trace) {
                    let failure = InputError {
                        category: error.category.clone(),
                        message: error.message.clone(),
                    };
                    outcome.insert(key, Err(failure));
                }
            }
        }
    }
    Ok(outcome)
}

/// Reads `properties` of records by id, or by a unique property (`id_property`, e.g. `email`);
/// records HubSpot does not have are absent. Keys are the ids (or values) asked for.
pub async fn read(
    api: &dyn HubSpotApi,
    portal: PortalId,
    object: &str,
    keys: &BTreeSet<String>,
    id_property: Option<&str>,
    properties: &[&str],
) -> Result<BTreeMap<String, (ObjectId, Map<String, Value>)>, HubSpotError> {
    let path = format!("/crm/objects/{API_VERSION}/{object}/batch/read");
    let all: Vec<&String> = keys.iter().collect();
    let mut found = BTreeMap::new();
    for chunk in all.chunks(BATCH_LIMIT) {
        let inputs: Vec<Value> = chunk.iter().map(|k| json!({"id": k})).collect();
        let mut body = json!({"inputs": inputs, "properties": properties});
        if let Some(name) = id_property {
            body["idProperty"] = name.into();
        }
        let response = api.send(portal, ApiRequest::post(&path, body)).await?;
        let answer: Answer = parse(response.body, &path)?;
        for result in answer.results {
            let Some(id) = id_in(&result) else {
                continue;
            };
            let props = result["properties"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            let key = match id_property {
                Some(name) => props
                    .get(name)
                    .and_then(Value::as_str)
                    .map(str::to_lowercase),
                None => Some(id.to_string()),
            };
            if let Some(key) = key {
                found.insert(key, (id, props));
            }
        }
    }
    Ok(found)
}

/// HubSpot's search allows five filter groups (ORed) per request.
const SEARCH_GROUPS: usize = 5;

/// Records whose `property` equals one of `values` (exactly; one filter group per value),
/// by value, every match (the first 100 per request). Search has its own rate limit (5 per
/// second), so callers use it only to recover.
pub async fn search_equal(
    api: &dyn HubSpotApi,
    portal: PortalId,
    object: &str,
    property: &str,
    values: &BTreeSet<String>,
) -> Result<BTreeMap<String, Vec<ObjectId>>, HubSpotError> {
    let path = format!("/crm/objects/{API_VERSION}/{object}/search");
    let all: Vec<&String> = values.iter().collect();
    let mut found = BTreeMap::new();
    for chunk in all.chunks(SEARCH_GROUPS) {
        let groups: Vec<Value> = chunk
            .iter()
            .map(|v| json!({"filters": [{"propertyName": property, "operator": "EQ", "value": v}]}))
            .collect();
        let body = json!({"filterGroups": groups, "properties": [property], "limit": 100});
        let mut request = ApiRequest::post(&path, body);
        request.kind = crate::ports::CallKind::Search;
        let response = api.send(portal, request).await?;
        let answer: Answer = parse(response.body, &path)?;
        for result in answer.results {
            let value = result["properties"][property].as_str().map(str::to_owned);
            if let (Some(value), Some(id)) = (value, id_in(&result)) {
                // Exact match only: HubSpot's EQ ignores case on strings.
                if values.contains(&value) {
                    found.entry(value).or_insert_with(Vec::new).push(id);
                }
            }
        }
    }
    Ok(found)
}
