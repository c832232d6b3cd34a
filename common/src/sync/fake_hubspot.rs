//! A HubSpot that answers the two batch reads the worker makes, from a map, and counts calls:
//! for unit tests and the call-count benchmark. Integration tests use the real simulator.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use serde_json::{Value, json};

use crate::domain::ids::{ObjectId, PortalId};
use crate::domain::iso_time::iso;
use crate::hubspot::{HubSpotError, HubSpotErrorKind};
use crate::ports::{ApiRequest, ApiResponse, HubSpotApi};

#[derive(Debug, Default)]
pub struct FakeHubSpot {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// (plural object type, id) → (properties, updatedAt ms).
    records: BTreeMap<(String, u64), (BTreeMap<String, String>, i64)>,
    deal_contacts: BTreeMap<u64, Vec<u64>>,
    calls: Vec<String>,
    failure: Option<HubSpotErrorKind>,
    /// How long each answer takes (a slow or throttled portal).
    delay: Option<std::time::Duration>,
}

impl FakeHubSpot {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn put(&self, plural: &str, id: u64, properties: &[(&str, &str)], updated_at: i64) {
        let props = properties
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.lock()
            .records
            .insert((plural.to_owned(), id), (props, updated_at));
    }

    pub fn associate_deal(&self, deal: u64, contacts: &[u64]) {
        self.lock().deal_contacts.insert(deal, contacts.to_vec());
    }

    /// Every later call fails with this kind (`None` heals).
    pub fn fail_with(&self, kind: Option<HubSpotErrorKind>) {
        self.lock().failure = kind;
    }

    pub fn set_delay(&self, delay: Option<std::time::Duration>) {
        self.lock().delay = delay;
    }

    /// `METHOD path` of every call so far.
    pub fn calls(&self) -> Vec<String> {
        self.lock().calls.clone()
    }
}

fn ids(body: &Value) -> Vec<u64> {
    body["inputs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["id"].as_str()?.parse().ok())
        .collect()
}

#[async_trait]
impl HubSpotApi for FakeHubSpot {
    async fn send(
        &self,
        _portal: PortalId,
        request: ApiRequest,
    ) -> Result<ApiResponse, HubSpotError> {
        let delay = self.lock().delay;
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        let mut state = self.lock();
        state
            .calls
            .push(format!("{:?} {}", request.method, request.path));
        if let Some(kind) = state.failure {
            return Err(HubSpotError::new(kind, Some(503), "fake failure"));
        }
        let body = request.body.unwrap_or_default();
        let parts: Vec<&str> = request.path.split('/').collect();
        let results: Vec<Value> = match parts.as_slice() {
            ["", "crm", "objects", _, plural, "batch", "read"] => ids(&body)
                .into_iter()
                .filter_map(|id| {
                    let (props, at) = state.records.get(&((*plural).to_owned(), id))?;
                    Some(json!({"id": id.to_string(), "properties": props, "updatedAt": iso(*at)}))
                })
                .collect(),
            [
                "",
                "crm",
                "associations",
                _,
                "deals",
                "contacts",
                "batch",
                "read",
            ] => ids(&body)
                .into_iter()
                .filter_map(|deal| {
                    let contacts = state.deal_contacts.get(&deal)?;
                    let to: Vec<Value> =
                        contacts.iter().map(|c| json!({"toObjectId": c})).collect();
                    Some(json!({"from": {"id": deal.to_string()}, "to": to}))
                })
                .collect(),
            _ => {
                return Err(HubSpotError::new(
                    HubSpotErrorKind::NotFound,
                    Some(404),
                    "no such path",
                ));
            }
        };
        Ok(ApiResponse {
            status: 200,
            body: json!({"status": "COMPLETE", "results": results}),
        })
    }
}

/// Ids as the worker's records hold them.
pub fn object_ids(raw: &[u64]) -> Vec<ObjectId> {
    raw.iter().copied().map(ObjectId).collect()
}
