//! The function's behaviour for every kind of request, over in-memory stores: HubSpot's
//! signature (good, forged, stale), each record type, the classic shape, the setup states,
//! the request-reference action and every rejection. The committed `events/crm-card/` samples
//! are the requests.

use std::sync::Arc;

use async_trait::async_trait;
use common::adapters::memory::{
    MemoryCardState, MemoryJobQueue, MemoryReferencePools, MemoryTenantStore, MemoryTicketStore,
};
use common::card::{CardService, RefreshPolicy};
use common::domain::ids::{ObjectId, PortalId, TenantId};
use common::ports::{
    BudgetProbe, Clock, DeetoTicket, FixedClock, StoreError, SystemClock, Tenant, TenantStore,
    TicketStore,
};
use common::queue::SyncMessage;
use common::sync::config::DefaultConfigSource;
use common::sync::memory::{MemoryOutbox, MemoryRecords};
use common::sync::outbound::OutboundMessage;
use common::sync::ports::{FieldChange, RecordStore};
use common::sync::record::{CrmObject, RecordKey, Role};
use crm_card::{CrmCard, MAX_BODY_BYTES, handle};
use devstack::{api_gateway_v2_request, sign_fetch};
use lambda_http::Request;
use secrecy::SecretString;
use serde_json::Value;

const SECRET: &str = "deeto-local-test-secret";
const SAMPLE_TIME: i64 = 1_764_763_200_000;
const BASE: &str = "https://abc123xyz.execute-api.eu-west-1.amazonaws.com";
const HUBSPOT_PARAMS: &str = "userId=7&userEmail=rep%40example.com&appId=54321&portalId=62515";
const PORTAL: PortalId = PortalId(62515);

struct NeverBusy;

#[async_trait]
impl BudgetProbe for NeverBusy {
    async fn is_busy(&self, _: PortalId, _: i64) -> Result<bool, StoreError> {
        Ok(false)
    }
}

struct Harness {
    card: CrmCard,
    records: Arc<MemoryRecords>,
    tenants: Arc<MemoryTenantStore>,
    queue: Arc<MemoryJobQueue>,
    outbox: Arc<MemoryOutbox>,
}

impl Harness {
    /// Portal 62515 installed; Ada (101) a reference at Acme (301), on a connection of deal 501.
    async fn new(clock: Arc<dyn Clock>) -> Self {
        let tenants = Arc::new(MemoryTenantStore::default());
        let tenant = Tenant::pending(TenantId("acme".into()), "Acme");
        tenants
            .create_tenant(&tenant, "hash")
            .await
            .expect("tenant");
        tenants
            .bind_portal(&tenant.id, PORTAL, &[], 1)
            .await
            .expect("bind");
        let records = Arc::new(MemoryRecords::default());
        let tickets = Arc::new(MemoryTicketStore::default());
        let queue = Arc::new(MemoryJobQueue::default());
        let outbox = Arc::new(MemoryOutbox::default());
        let ada = RecordKey::new(PORTAL, CrmObject::Contact, ObjectId(101));
        let acme = RecordKey::new(PORTAL, CrmObject::Company, ObjectId(301));
        let changes = |pairs: &[(&str, &str)]| -> Vec<FieldChange> {
            (pairs.iter())
                .map(|(p, v)| FieldChange {
                    property: (*p).into(),
                    value: Some((*v).into()),
                    changed_at_ms: 1,
                })
                .collect()
        };
        let ada_fields = changes(&[("firstname", "Ada"), ("lastname", "Lovelace")]);
        records
            .apply_changes(ada, &ada_fields, 1)
            .await
            .expect("ada");
        records
            .assign_role(ada, Role::Reference, Some("ref_9"), 1)
            .await
            .expect("role");
        let acme_fields = changes(&[
            ("name", "Acme"),
            ("industry", "COMPUTER_SOFTWARE"),
            ("numberofemployees", "300"),
        ]);
        records
            .apply_changes(acme, &acme_fields, 1)
            .await
            .expect("acme");
        records.set_link(ada, acme, true, 1).await.expect("link");
        let ticket = DeetoTicket {
            ticket_id: ObjectId(9001),
            connection: "conn-1".into(),
            deal_id: ObjectId(777),
            contacts: vec![ObjectId(101)],
            status: "completed".into(),
            kind: "meeting".into(),
            status_order: 0,
            kind_order: 0,
        };
        tickets.put(PORTAL, &ticket).await.expect("ticket");
        let service = CardService {
            tenants: tenants.clone(),
            configs: Arc::new(DefaultConfigSource::default()),
            records: records.clone(),
            tickets,
            state: Arc::new(MemoryCardState::default()),
            pools: Arc::new(MemoryReferencePools::default()),
            budget: Arc::new(NeverBusy),
            sync_queue: queue.clone(),
            outbound: outbox.clone(),
            inline: None,
            clock: clock.clone(),
            install_url: String::new(),
            policy: RefreshPolicy::default(),
        };
        let card = CrmCard {
            client_secret: SecretString::from(SECRET),
            service,
            clock,
            public_base_url: None,
        };
        Self {
            card,
            records,
            tenants,
            queue,
            outbox,
        }
    }

    async fn call(&self, req: Request) -> (u16, Value) {
        let response = handle(&self.card, req).await;
        let status = response.status().as_u16();
        let body = serde_json::from_slice(response.body().as_ref()).expect("JSON answer");
        (status, body)
    }

    fn refreshes(&self) -> usize {
        (self.queue.sent().iter())
            .filter(|e| {
                matches!(
                    serde_json::from_str(&e.body),
                    Ok(SyncMessage::RecordRefreshV1(_))
                )
            })
            .count()
    }
}

fn sample(name: &str) -> Request {
    let path = format!(
        "{}/../../events/crm-card/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    lambda_http::request::from_str(&text).expect("lambda_http parses the sample")
}

/// A request signed now for `signed_for`, sent to `sent_to`.
fn fetch(method: &str, signed_for: &str, sent_to: &str, body: &str) -> Request {
    let signed = sign_fetch(SECRET, method, signed_for, body, SystemClock.now_ms());
    let headers: Vec<(&str, String)> = signed.headers().into_iter().collect();
    let event = api_gateway_v2_request(method, sent_to, body, &headers, "$default").expect("event");
    lambda_http::request::from_str(&event.to_string()).expect("event parses")
}

fn get(query: &str) -> Request {
    let url = format!("{BASE}/card?{query}");
    fetch("GET", &url, &url, "")
}

async fn at_sample_time() -> Harness {
    Harness::new(Arc::new(FixedClock(SAMPLE_TIME))).await
}

#[tokio::test]
async fn the_contact_sample_shows_the_reference_and_queues_its_sync() {
    let harness = at_sample_time().await;

    let (status, body) = harness.call(sample("contact")).await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "ready");
    assert_eq!(body["contact"]["referenceStatus"], "reference");
    assert_eq!(body["contact"]["deetoId"], "ref_9");
    assert_eq!(body["contact"]["connections"][0]["typeLabel"], "Meeting");
    assert_eq!(body["sync"]["status"], "queued");
    assert_eq!(harness.refreshes(), 1);
}

#[tokio::test]
async fn the_company_sample_lists_its_references() {
    let harness = at_sample_time().await;

    let (status, body) = harness.call(sample("company")).await;

    assert_eq!(status, 200, "{body}");
    let reference = &body["company"]["references"][0];
    assert_eq!(reference["name"], "Ada Lovelace");
    assert_eq!(reference["connections"], 1);
    assert_eq!(reference["lastActivity"]["status"], "completed");
}

#[tokio::test]
async fn the_deal_sample_suggests_the_reference_matching_industry_and_size() {
    let harness = at_sample_time().await;

    let (status, body) = harness.call(sample("deal")).await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["deal"]["matchCriteria"]["industry"],
        "COMPUTER_SOFTWARE"
    );
    let suggestion = &body["deal"]["suggestions"][0];
    assert_eq!(suggestion["contactId"], "101");
    assert_eq!(
        suggestion["matchedOn"],
        serde_json::json!(["industry", "companySize"])
    );
    assert_eq!(suggestion["requested"], false);
}

#[tokio::test]
async fn the_classic_query_is_answered_with_classic_card_json() {
    let harness = at_sample_time().await;

    let (status, body) = harness.call(sample("classic-company")).await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(body["results"][0]["objectId"], 101);
    assert_eq!(body["results"][0]["title"], "Ada Lovelace");
    assert!(body.get("state").is_none());
}

#[tokio::test]
async fn the_request_sample_tells_deeto_once_and_the_deal_then_shows_it_requested() {
    let harness = at_sample_time().await;

    let (first_status, first) = harness.call(sample("request-reference")).await;
    let (again_status, again) = harness.call(sample("request-reference")).await;
    let (_, deal) = harness.call(sample("deal")).await;

    assert_eq!((first_status, again_status), (200, 200), "{first} {again}");
    assert_eq!(first["status"], "requested");
    assert_eq!(
        first["message"],
        "Deeto will ask Ada Lovelace to help with this deal."
    );
    assert_eq!(again["status"], "already_requested");
    let messages = harness.outbox.messages();
    assert_eq!(messages.len(), 1);
    let OutboundMessage::ReferenceRequestedV1(sent) = &messages[0] else {
        panic!("{messages:?}")
    };
    assert_eq!(sent.requested_by_user_id.as_deref(), Some("7"));
    assert_eq!(deal["deal"]["suggestions"][0]["requested"], true);
}

#[tokio::test]
async fn a_sample_replayed_now_is_stale_and_refused() {
    let harness = Harness::new(Arc::new(SystemClock)).await;

    let (status, body) = harness.call(sample("contact")).await;

    assert_eq!(status, 401);
    assert_eq!(body["error"], "unauthorized");
    assert_eq!(harness.refreshes(), 0);
}

#[tokio::test]
async fn a_forged_query_or_secret_is_refused() {
    let harness = Harness::new(Arc::new(SystemClock)).await;
    let genuine = format!("{BASE}/card?objectType=contact&objectId=101&{HUBSPOT_PARAMS}");
    // Signed for one portal, sent for another: the signature covers the query.
    let tampered = genuine.replace("portalId=62515", "portalId=99999");
    let (status, _) = harness.call(fetch("GET", &genuine, &tampered, "")).await;
    assert_eq!(status, 401);

    let signed = sign_fetch(
        "another-apps-secret",
        "GET",
        &genuine,
        "",
        SystemClock.now_ms(),
    );
    let headers: Vec<(&str, String)> = signed.headers().into_iter().collect();
    let event = api_gateway_v2_request("GET", &genuine, "", &headers, "$default").expect("event");
    let req = lambda_http::request::from_str(&event.to_string()).expect("event");
    let (status, body) = harness.call(req).await;
    assert_eq!(status, 401);
    assert_eq!(body["message"], "invalid or missing HubSpot signature");

    let event = api_gateway_v2_request("GET", &genuine, "", &[], "$default").expect("event");
    let unsigned = lambda_http::request::from_str(&event.to_string()).expect("event");
    assert_eq!(harness.call(unsigned).await.0, 401);
}

#[tokio::test]
async fn a_portal_that_never_installed_gets_the_install_state_with_this_apis_link() {
    let harness = Harness::new(Arc::new(SystemClock)).await;

    let (status, body) = harness
        .call(get(
            "objectType=contact&objectId=101&portalId=4242&userId=7",
        ))
        .await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "not_installed");
    assert_eq!(body["action"]["url"], format!("{BASE}/oauth/install"));
}

#[tokio::test]
async fn a_disconnected_tenant_gets_reconnect_and_its_action_gets_409() {
    let harness = Harness::new(Arc::new(SystemClock)).await;
    harness
        .tenants
        .mark_disconnected(PORTAL, "uninstalled", 1)
        .await
        .expect("disconnect");

    let (status, body) = harness
        .call(get(&format!(
            "objectType=deal&objectId=501&{HUBSPOT_PARAMS}"
        )))
        .await;
    assert_eq!(
        (status, body["state"].as_str()),
        (200, Some("reconnect")),
        "{body}"
    );

    let url = format!("{BASE}/card/actions/request-reference?{HUBSPOT_PARAMS}");
    let ask = r#"{"dealId":"501","referenceContactId":"101"}"#;
    let (status, body) = harness.call(fetch("POST", &url, &url, ask)).await;
    assert_eq!(status, 409);
    assert_eq!(body["error"], "not_connected");
    assert!(harness.outbox.messages().is_empty());
}

#[tokio::test]
async fn opening_a_record_again_within_the_cool_down_queues_nothing_more() {
    let harness = Harness::new(Arc::new(SystemClock)).await;
    let query = format!("objectType=contact&objectId=101&{HUBSPOT_PARAMS}");

    let (_, first) = harness.call(get(&query)).await;
    let (_, second) = harness.call(get(&query)).await;
    let (_, third) = harness.call(get(&query)).await;

    assert_eq!(first["sync"]["status"], "queued");
    assert_eq!(second["sync"]["status"], "cooling_down");
    assert_eq!(third["sync"]["status"], "cooling_down");
    assert_eq!(harness.refreshes(), 1);
}

#[tokio::test]
async fn bad_requests_get_a_precise_status_and_a_message_naming_the_problem() {
    let harness = Harness::new(Arc::new(SystemClock)).await;
    let action = format!("{BASE}/card/actions/request-reference?{HUBSPOT_PARAMS}");
    let too_big = "x".repeat(MAX_BODY_BYTES + 1);
    let cases: Vec<(Request, u16, &str)> = vec![
        (
            get("objectType=contact&objectId=101&userId=7"),
            400,
            "`portalId` is required",
        ),
        (
            get("objectType=ticket&objectId=1&portalId=62515"),
            400,
            "objectType",
        ),
        (
            get("objectType=contact&objectId=-1&portalId=62515"),
            400,
            "objectId",
        ),
        (
            fetch("POST", &action, &action, "{not json"),
            400,
            "body is not JSON",
        ),
        (
            fetch("POST", &action, &action, r#"{"dealId":"501"}"#),
            400,
            "referenceContactId",
        ),
        (
            fetch(
                "POST",
                &action,
                &action,
                r#"{"dealId":"501","referenceContactId":"555"}"#,
            ),
            404,
            "not a Deeto reference",
        ),
        (
            fetch("POST", &action, &action, &too_big),
            413,
            "body exceeds",
        ),
        (
            fetch(
                "POST",
                &format!("{BASE}/card?portalId=1"),
                &format!("{BASE}/card?portalId=1"),
                "",
            ),
            405,
            "only GET",
        ),
        (get("x=1"), 400, "portalId"),
        (
            fetch(
                "GET",
                &format!("{BASE}/cards"),
                &format!("{BASE}/cards"),
                "",
            ),
            404,
            "no such route",
        ),
    ];
    for (req, want_status, want_message) in cases {
        let (status, body) = harness.call(req).await;
        assert_eq!(status, want_status, "{body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(want_message),
            "{message:?} lacks {want_message:?}"
        );
    }
    assert!(harness.outbox.messages().is_empty());
    assert_eq!(harness.records.len(), 2, "no request wrote a record");
}
