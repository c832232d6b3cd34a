//! The function's behaviour for every kind of request, with in-memory tenants and queue.

use std::sync::Arc;
use std::time::Duration;

use common::adapters::memory::{MemoryJobQueue, MemoryQueueBehaviour, MemoryTenantStore};
use common::commands::DeetoCommand;
use common::domain::ids::{PortalId, TenantId};
use common::install::{LicenseKey, hash_license_key, new_license_key};
use common::ports::{FixedClock, Tenant, TenantStore};
use common::queue::{RetryPolicy, SyncMessage};
use deeto_events::{DeetoEvents, MAX_BODY_BYTES, handle};
use lambda_http::http::Method;
use lambda_http::{Body, Request, Response};
use serde_json::{Value, json};

const PORTAL: PortalId = PortalId(62515);
const NOW: i64 = 1_764_763_200_000;
const SAMPLES: [&str; 4] = [
    "reference-created",
    "lead-created",
    "connection-created",
    "connection-updated",
];

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../events/deeto-events/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

/// The committed API Gateway event with another body and Authorization header.
fn request(body: &str, authorization: Option<&str>) -> Request {
    let mut event: Value = serde_json::from_str(&fixture("api-gateway-v2")).expect("json");
    event["body"] = json!(body);
    let headers = event["headers"].as_object_mut().expect("headers");
    headers.remove("content-length");
    match authorization {
        Some(value) => headers.insert("authorization".into(), json!(value)),
        None => headers.remove("authorization"),
    };
    lambda_http::request::from_str(&event.to_string()).expect("lambda_http parses the event")
}

/// A tenant store holding one tenant, a queue, and the handler over them.
struct Harness {
    tenants: Arc<MemoryTenantStore>,
    queue: Arc<MemoryJobQueue>,
    app: DeetoEvents,
    tenant: TenantId,
    key: LicenseKey,
}

impl Harness {
    /// A tenant installed on portal 62515, with an active key.
    async fn connected() -> Self {
        Self::with(MemoryQueueBehaviour::Accept, true).await
    }

    async fn with(behaviour: MemoryQueueBehaviour, bind: bool) -> Self {
        let tenants = Arc::new(MemoryTenantStore::default());
        let queue = Arc::new(MemoryJobQueue::with(behaviour));
        let key = new_license_key();
        let tenant = Tenant::pending(TenantId("tenant-acme".into()), "Acme");
        tenants
            .create_tenant(&tenant, &hash_license_key(&key))
            .await
            .expect("created");
        if bind {
            tenants
                .bind_portal(&tenant.id, PORTAL, &[], NOW - 1_000)
                .await
                .expect("bound");
        }
        let app = DeetoEvents {
            tenants: tenants.clone(),
            queue: queue.clone(),
            clock: Arc::new(FixedClock(NOW)),
            retry: RetryPolicy {
                max_attempts: 3,
                first_backoff: Duration::from_millis(1),
            },
        };
        Self {
            tenants,
            queue,
            app,
            tenant: tenant.id,
            key,
        }
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.key.expose())
    }

    fn authorized(&self, body: &str) -> Request {
        request(body, Some(&self.bearer()))
    }

    async fn call(&self, req: Request) -> (u16, Value) {
        decode(handle(&self.app, req).await)
    }

    /// What is on the queue, as the worker will read it.
    fn queued(&self) -> Vec<SyncMessage> {
        self.queue
            .sent()
            .iter()
            .map(|entry| serde_json::from_str(&entry.body).expect("envelope"))
            .collect()
    }
}

fn decode(response: Response<Body>) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = serde_json::from_slice(response.body().as_ref()).expect("JSON answer");
    (status, body)
}

fn header(response: &Response<Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn command(name: &str) -> DeetoCommand {
    serde_json::from_str(&fixture(name)).expect("sample parses")
}

#[tokio::test]
async fn a_command_is_queued_for_the_keys_tenant_and_portal_and_answered_202() {
    let h = Harness::connected().await;

    let (status, answer) = h.call(h.authorized(&fixture("connection-created"))).await;

    assert_eq!(
        (status, answer),
        (202, json!({"accepted": ["cmd-2025-12-03-conn-0001"]}))
    );
    let sent = h.queue.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].attributes,
        vec![
            ("type".to_owned(), "deeto.command.v1".to_owned()),
            ("portalId".to_owned(), "62515".to_owned()),
        ]
    );
    let SyncMessage::DeetoCommandV1(delivery) = &h.queued()[0] else {
        panic!("{:?}", h.queued());
    };
    assert_eq!(delivery.portal_id, PORTAL);
    assert_eq!(delivery.tenant_id, h.tenant);
    assert_eq!(delivery.received_at, NOW);
    assert_eq!(delivery.command, command("connection-created"));
}

#[tokio::test]
async fn a_batch_of_every_sample_becomes_one_message_per_command_in_order() {
    let h = Harness::connected().await;
    let commands: Vec<Value> = SAMPLES
        .iter()
        .map(|name| serde_json::from_str(&fixture(name)).expect("json"))
        .collect();
    let body = json!({ "commands": commands }).to_string();

    let (status, answer) = h.call(h.authorized(&body)).await;

    assert_eq!(status, 202, "{answer}");
    let expected: Vec<DeetoCommand> = SAMPLES.iter().map(|name| command(name)).collect();
    let ids: Vec<&str> = expected.iter().map(|c| c.id().0.as_str()).collect();
    assert_eq!(answer, json!({ "accepted": ids }));
    let queued: Vec<DeetoCommand> = h
        .queued()
        .into_iter()
        .map(|message| match message {
            SyncMessage::DeetoCommandV1(delivery) => delivery.command,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(queued, expected);
}

#[tokio::test]
async fn a_replayed_request_is_accepted_again_and_left_to_the_worker_to_deduplicate() {
    let h = Harness::connected().await;
    let body = fixture("lead-created");

    let first = h.call(h.authorized(&body)).await;
    let second = h.call(h.authorized(&body)).await;

    assert_eq!(first, second);
    assert_eq!(first.0, 202);
    let queued = h.queued();
    assert_eq!(queued.len(), 2);
    assert_eq!(queued[0], queued[1], "the same command, same id, twice");
}

#[tokio::test]
async fn a_missing_malformed_or_unknown_key_gets_401_and_nothing_is_queued() {
    let h = Harness::connected().await;
    let body = fixture("reference-created");
    let unknown = format!("Bearer {}", new_license_key().expose());
    let cases = [
        (None, "Bearer", "send the licence key"),
        (
            Some("Basic dXNlcjpwYXNz"),
            "Bearer error=\"invalid_token\"",
            "invalid licence key",
        ),
        (
            Some(h.key.expose()),
            "Bearer error=\"invalid_token\"",
            "invalid licence key",
        ),
        (
            Some("Bearer dto_example_not_a_real_key"),
            "Bearer error=\"invalid_token\"",
            "invalid licence key",
        ),
        (
            Some(unknown.as_str()),
            "Bearer error=\"invalid_token\"",
            "invalid licence key",
        ),
    ];
    for (authorization, challenge, message) in cases {
        let response = handle(&h.app, request(&body, authorization)).await;
        assert_eq!(
            header(&response, "www-authenticate").as_deref(),
            Some(challenge),
            "{authorization:?}"
        );
        let (status, answer) = decode(response);
        assert_eq!(status, 401, "{authorization:?}");
        assert_eq!(answer["error"], "unauthorized");
        assert!(
            answer["message"]
                .as_str()
                .is_some_and(|m| m.contains(message)),
            "{answer}"
        );
    }
    assert!(h.queue.sent().is_empty());
}

#[tokio::test]
async fn a_revoked_key_gets_401_even_for_a_connected_tenant() {
    let h = Harness::connected().await;
    h.tenants.revoke_license(&h.tenant).await.expect("revoked");

    let response = handle(&h.app, h.authorized(&fixture("reference-created"))).await;

    assert_eq!(
        header(&response, "www-authenticate").as_deref(),
        Some("Bearer error=\"invalid_token\"")
    );
    assert_eq!(
        decode(response),
        (
            401,
            json!({"error": "unauthorized", "message": "this licence key has been revoked"})
        )
    );
    assert!(h.queue.sent().is_empty());
}

#[tokio::test]
async fn the_committed_sample_event_is_refused_for_its_placeholder_key() {
    let h = Harness::connected().await;
    let req = lambda_http::request::from_str(&fixture("api-gateway-v2")).expect("parses");

    let (status, answer) = h.call(req).await;

    assert_eq!(
        (status, answer["error"].as_str()),
        (401, Some("unauthorized"))
    );
}

#[tokio::test]
async fn a_tenant_not_connected_to_a_portal_gets_409_and_nothing_is_queued() {
    let pending = Harness::with(MemoryQueueBehaviour::Accept, false).await;
    let disconnected = Harness::connected().await;
    disconnected
        .tenants
        .mark_disconnected(PORTAL, "app uninstalled", NOW)
        .await
        .expect("disconnected");

    for (h, words) in [
        (pending, "not yet installed"),
        (disconnected, "disconnected"),
    ] {
        let (status, answer) = h.call(h.authorized(&fixture("lead-created"))).await;
        assert_eq!(
            (status, answer["error"].as_str()),
            (409, Some("not_connected"))
        );
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{message}");
        assert!(message.contains("nothing was queued"), "{message}");
        assert!(h.queue.sent().is_empty());
    }
}

#[tokio::test]
async fn invalid_commands_get_400_listing_every_problem_and_nothing_is_queued() {
    let h = Harness::connected().await;
    let body = json!({"commands": [
        {"type": "lead.created", "id": "a", "deetoId": "l1", "email": "not-an-email",
         "firstName": "Dana", "lastName": "P"},
        {"type": "connection.created", "id": "a", "deetoId": "c1", "prospectContactId": "101",
         "referenceContactId": 102, "connectionType": "call", "status": "scheduled"},
        {"type": "lead.created", "id": "b", "deetoId": "l2", "email": "b@example.com",
         "firstName": "B", "lastName": "C"}
    ]})
    .to_string();

    let (status, answer) = h.call(h.authorized(&body)).await;

    assert_eq!(status, 400);
    assert_eq!(answer["error"], "invalid commands");
    let paths: Vec<&str> = answer["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["path"].as_str().expect("path"))
        .collect();
    assert_eq!(
        paths,
        [
            "commands[0].email",
            "commands[1].prospectContactId",
            "commands[1].connectionType",
            "commands[1].id",
        ]
    );
    assert!(
        answer["errors"][2]["message"]
            .as_str()
            .is_some_and(|m| m.contains("meeting, reference_call, user_story"))
    );
    assert!(h.queue.sent().is_empty());
}

#[tokio::test]
async fn a_body_that_is_not_json_gets_400_with_its_line_and_column() {
    let h = Harness::connected().await;

    let (status, answer) = h
        .call(h.authorized("{\"type\": \"lead.created\",\n oops}"))
        .await;

    assert_eq!(status, 400);
    assert_eq!(answer["errors"][0]["path"], "$");
    assert!(
        answer["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("line 2 column 2")),
        "{answer}"
    );
}

#[tokio::test]
async fn duplicate_ids_in_one_request_get_400() {
    let h = Harness::connected().await;
    let lead: Value = serde_json::from_str(&fixture("lead-created")).expect("json");
    let body = json!({ "commands": [lead, lead] }).to_string();

    let (status, answer) = h.call(h.authorized(&body)).await;

    assert_eq!(status, 400);
    assert_eq!(answer["errors"][0]["path"], "commands[1].id");
}

#[tokio::test]
async fn checks_run_in_order_key_then_commands_then_connection() {
    let pending = Harness::with(MemoryQueueBehaviour::Accept, false).await;
    let invalid = "{}";

    let (anonymous, _) = pending.call(request(invalid, None)).await;
    let (known, _) = pending.call(pending.authorized(invalid)).await;

    assert_eq!(
        (anonymous, known),
        (401, 400),
        "only a known key learns what is wrong with its body; then that it is not connected"
    );
}

#[tokio::test]
async fn an_oversized_body_gets_413() {
    let h = Harness::connected().await;
    let body = format!("{{\"commands\": [\"{}\"]}}", "x".repeat(MAX_BODY_BYTES));

    let (status, answer) = h.call(h.authorized(&body)).await;

    assert_eq!(
        (status, answer["error"].as_str()),
        (413, Some("payload_too_large"))
    );
    assert!(h.queue.sent().is_empty());
}

#[tokio::test]
async fn a_queue_that_stays_down_gives_503_with_retry_after_and_says_resending_is_safe() {
    let h = Harness::with(MemoryQueueBehaviour::Unavailable, true).await;

    let response = handle(&h.app, h.authorized(&fixture("connection-updated"))).await;

    assert_eq!(header(&response, "retry-after").as_deref(), Some("5"));
    let (status, answer) = decode(response);
    assert_eq!(
        (status, answer["error"].as_str()),
        (503, Some("unavailable"))
    );
    let message = answer["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("resend") && message.contains("idempotent by id"),
        "{message}"
    );
}

#[tokio::test]
async fn entries_refused_twice_are_retried_and_queued_exactly_once() {
    let h = Harness::with(MemoryQueueBehaviour::RefuseEntriesFor(2), true).await;

    let (status, _) = h.call(h.authorized(&fixture("reference-created"))).await;

    assert_eq!(status, 202);
    assert_eq!(h.queued().len(), 1);
}

#[tokio::test]
async fn wrong_paths_get_404_and_wrong_methods_405() {
    let h = Harness::connected().await;
    let mut event: Value = serde_json::from_str(&fixture("api-gateway-v2")).expect("json");
    event["headers"]["authorization"] = json!(h.bearer());
    event["rawPath"] = json!("/deeto/other");
    event["requestContext"]["http"]["path"] = json!("/deeto/other");
    let other = lambda_http::request::from_str(&event.to_string()).expect("parses");
    let (status, _) = h.call(other).await;
    assert_eq!(status, 404);

    let mut get = h.authorized("");
    *get.method_mut() = Method::GET;
    let response = handle(&h.app, get).await;
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(header(&response, "allow").as_deref(), Some("POST"));
    assert!(h.queue.sent().is_empty());
}

#[tokio::test]
async fn a_named_stage_prefix_reaches_the_same_route() {
    let h = Harness::connected().await;
    let mut event: Value = serde_json::from_str(&fixture("api-gateway-v2")).expect("json");
    event["headers"]["authorization"] = json!(h.bearer());
    event["rawPath"] = json!("/prod/deeto/events");
    event["requestContext"]["http"]["path"] = json!("/prod/deeto/events");
    event["requestContext"]["stage"] = json!("prod");
    let req = lambda_http::request::from_str(&event.to_string()).expect("parses");

    let (status, answer) = h.call(req).await;

    assert_eq!(status, 202, "{answer}");
}

#[tokio::test]
async fn no_answer_ever_echoes_the_licence_key() {
    let h = Harness::connected().await;
    h.tenants.revoke_license(&h.tenant).await.expect("revoked");
    let (_, answer) = h.call(h.authorized("{}")).await;
    assert!(!answer.to_string().contains(&h.key.expose()[4..]));
    assert!(!format!("{:?}", h.app).contains(&h.key.expose()[4..]));
}
