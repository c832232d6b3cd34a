//! Every allowed shape passes; every near miss is refused before the inner API sees it.

mod allowed;
mod refused_paths;
mod refused_records;

use std::sync::Mutex;

use serde_json::{Value, json};

use super::*;
use crate::adapters::memory::MemoryTicketStore;
use crate::hubspot::version::API_VERSION;
use crate::install::properties::{owned_properties, provision_properties};
use crate::ports::{CallKind, DeetoTicket, HttpMethod, StoreError};

const PORTAL: PortalId = PortalId(62515);
/// The ticket Deeto created; 999 is someone else's.
const OWNED: u64 = 501;

/// Answers 200 `{}` (or 404 to GETs, when asked) and records `METHOD path` of every call.
#[derive(Default)]
struct RecordingApi {
    calls: Mutex<Vec<String>>,
    not_found_on_get: bool,
}

impl RecordingApi {
    fn calls(&self) -> Vec<String> {
        self.calls.lock().expect("lock").clone()
    }
}

#[async_trait]
impl HubSpotApi for RecordingApi {
    async fn send(
        &self,
        _portal: PortalId,
        request: ApiRequest,
    ) -> Result<ApiResponse, HubSpotError> {
        self.calls.lock().expect("lock").push(format!(
            "{} {}",
            rules::method_name(request.method),
            request.path
        ));
        if self.not_found_on_get && request.method == HttpMethod::Get {
            return Err(HubSpotError::new(
                HubSpotErrorKind::NotFound,
                Some(404),
                "no",
            ));
        }
        Ok(ApiResponse {
            status: 200,
            body: json!({}),
        })
    }
}

/// A ticket store that cannot be reached.
struct DownStore;

#[async_trait]
impl TicketStore for DownStore {
    async fn for_connection(
        &self,
        _: PortalId,
        _: &str,
    ) -> Result<Option<DeetoTicket>, StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
    async fn put(&self, _: PortalId, _: &DeetoTicket) -> Result<(), StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
    async fn put_unless_changed(
        &self,
        _: PortalId,
        _: &DeetoTicket,
        _: (i64, i64),
    ) -> Result<bool, StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
    async fn owns(&self, _: PortalId, _: ObjectId) -> Result<bool, StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
    async fn connection_of(
        &self,
        _: PortalId,
        _: ObjectId,
    ) -> Result<Option<DeetoTicket>, StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
    async fn page(
        &self,
        _: PortalId,
        _: Option<&str>,
        _: usize,
    ) -> Result<crate::ports::Page<DeetoTicket>, StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
    async fn claim_creation(
        &self,
        _: PortalId,
        _: &str,
        _: Option<ObjectId>,
        _: i64,
        _: i64,
    ) -> Result<crate::ports::Claim, StoreError> {
        Err(StoreError::Unavailable("down".into()))
    }
}

async fn guarded() -> (Arc<RecordingApi>, WriteGuard) {
    let inner = Arc::new(RecordingApi::default());
    let store = Arc::new(MemoryTicketStore::default());
    let ticket = DeetoTicket {
        ticket_id: ObjectId(OWNED),
        connection: "conn-1".into(),
        deal_id: ObjectId(301),
        contacts: vec![ObjectId(101), ObjectId(102)],
        status: "scheduled".into(),
        kind: "reference_call".into(),
        status_order: 0,
        kind_order: 0,
    };
    store.put(PORTAL, &ticket).await.expect("put");
    (inner.clone(), WriteGuard::new(inner, store))
}

fn req(method: HttpMethod, path: &str, body: Option<Value>) -> ApiRequest {
    let path = path.replace("{v}", API_VERSION);
    ApiRequest {
        method,
        path,
        query: Vec::new(),
        body,
        kind: CallKind::Standard,
        creates: false,
    }
}

fn get(path: &str) -> ApiRequest {
    req(HttpMethod::Get, path, None)
}
fn post(path: &str, body: Value) -> ApiRequest {
    req(HttpMethod::Post, path, Some(body))
}
fn patch(path: &str, body: Value) -> ApiRequest {
    req(HttpMethod::Patch, path, Some(body))
}
fn put(path: &str) -> ApiRequest {
    req(HttpMethod::Put, path, None)
}

fn props(pairs: &[(&str, &str)]) -> Value {
    json!({ "properties": pairs.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect::<serde_json::Map<_, _>>() })
}
fn deeto_id() -> Value {
    props(&[("deeto_id", "ref-1")])
}
fn lead() -> Value {
    props(&[
        ("email", "ada@example.com"),
        ("firstname", "Ada"),
        ("lastname", "Lovelace"),
        ("company", "Analytical"),
        ("jobtitle", "Engineer"),
        ("deeto_id", "lead-1"),
    ])
}
fn ticket_with(associations: Value) -> Value {
    let mut body = props(&[
        ("subject", "Reference call"),
        ("content", "Ada meets Grace"),
        ("hs_pipeline", "0"),
        ("hs_pipeline_stage", "1"),
        ("deeto_id", "conn-1"),
        ("deeto_status", "scheduled"),
        ("deeto_type", "reference_call"),
    ]);
    body["associations"] = associations;
    body
}
fn association(to: u64, type_id: u64) -> Value {
    json!({"to": {"id": to.to_string()}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}]})
}
fn batch(inputs: Vec<Value>) -> Value {
    json!({ "inputs": inputs })
}
fn with_id(id: Value, mut input: Value) -> Value {
    input["id"] = id;
    input
}
fn pair(from: u64, to: u64) -> Value {
    json!({"from": {"id": from.to_string()}, "to": {"id": to.to_string()}})
}
fn property(name: &str) -> Value {
    json!({"name": name, "label": name, "type": "string", "fieldType": "text", "groupName": "deeto", "description": "Managed by the Deeto integration."})
}

#[tokio::test]
async fn every_allowed_shape_reaches_hubspot() {
    for request in allowed::allowed() {
        let (inner, guard) = guarded().await;
        let what = format!("{} {}", rules::method_name(request.method), request.path);

        let answer = guard.send(PORTAL, request).await;

        assert!(answer.is_ok(), "{what} was refused: {answer:?}");
        assert_eq!(inner.calls(), vec![what]);
    }
}

#[tokio::test]
async fn every_near_miss_is_refused_before_hubspot_is_called() {
    let misses = refused_records::near_misses()
        .into_iter()
        .chain(refused_paths::near_misses());
    for (request, names) in misses {
        let (inner, guard) = guarded().await;
        let what = format!("{} {}", rules::method_name(request.method), request.path);

        let err = guard.send(PORTAL, request).await.expect_err(&what);

        assert_eq!(err.kind, HubSpotErrorKind::Refused, "{what}: {err}");
        assert!(!err.is_retryable(), "{what}");
        assert!(
            err.message.contains(names),
            "{what}: `{}` lacks `{names}`",
            err.message
        );
        assert!(err.message.contains(&what), "{what}: {}", err.message);
        assert!(inner.calls().is_empty(), "{what} reached HubSpot");
    }
}

#[tokio::test]
async fn an_unreachable_ticket_store_makes_ticket_writes_retryable_not_refused() {
    let inner = Arc::new(RecordingApi::default());
    let guard = WriteGuard::new(inner.clone(), Arc::new(DownStore));

    let err = guard
        .send(
            PORTAL,
            patch(
                "/crm/objects/{v}/tickets/501",
                props(&[("deeto_status", "done")]),
            ),
        )
        .await
        .expect_err("store down");
    let link = guard
        .send(PORTAL, patch("/crm/objects/{v}/contacts/101", deeto_id()))
        .await;

    assert_eq!(err.kind, HubSpotErrorKind::Upstream, "{err}");
    assert!(err.is_retryable());
    assert!(
        link.is_ok(),
        "writes without tickets do not ask the store: {link:?}"
    );
    assert_eq!(inner.calls().len(), 1);
}

#[tokio::test]
async fn the_install_flow_provisions_every_owned_property_through_the_guard() {
    let inner = Arc::new(RecordingApi {
        not_found_on_get: true,
        ..RecordingApi::default()
    });
    let guard = WriteGuard::new(inner.clone(), Arc::new(MemoryTicketStore::default()));

    let report = provision_properties(&guard, PORTAL)
        .await
        .expect("provisioned");

    assert_eq!(report.created.len(), owned_properties().len());
    let writes = inner
        .calls()
        .iter()
        .filter(|c| c.starts_with("POST"))
        .count();
    assert_eq!(
        writes,
        owned_properties().len() + 4,
        "six properties, four groups"
    );
}

#[test]
fn every_owned_property_is_writable_on_its_object() {
    for spec in owned_properties() {
        let writable: &[&str] = match spec.object_type {
            "tickets" => &TICKET_PROPERTIES,
            _ => &LINK_PROPERTIES,
        };
        assert!(
            writable.contains(&spec.name),
            "{}.{}",
            spec.object_type,
            spec.name
        );
    }
}
