//! The receiver's behaviour for every kind of request, with an in-memory queue.

use std::sync::Arc;
use std::time::Duration;

use common::adapters::memory::{MemoryJobQueue, MemoryQueueBehaviour};
use common::ports::{Clock, FixedClock, SystemClock};
use common::queue::{RetryPolicy, SyncMessage};
use devstack::{api_gateway_v2_event, sign_webhook};
use lambda_http::{Body, Request, Response};
use secrecy::SecretString;
use serde_json::Value;
use url::Url;
use webhook_receiver::{MAX_BODY_BYTES, Receiver, handle};

const SECRET: &str = "deeto-local-test-secret";
const DEFAULT_URL: &str = "https://abc123xyz.execute-api.eu-west-1.amazonaws.com/webhooks/hubspot";

fn sample_body() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../events/webhook-receiver/batch-body.json"
    ))
    .expect("sample body")
}

fn receiver(queue: Arc<MemoryJobQueue>, clock: Arc<dyn Clock>, base: Option<&str>) -> Receiver {
    Receiver {
        client_secret: SecretString::from(SECRET),
        queue,
        clock,
        public_base_url: base.map(|b| Url::parse(b).expect("url")),
        retry: RetryPolicy {
            max_attempts: 3,
            first_backoff: Duration::from_millis(1),
        },
    }
}

fn now() -> i64 {
    SystemClock.now_ms()
}

/// An API Gateway v2 request for `body`, signed for `signed_for`, sent to `sent_to` via `stage`.
fn request(
    signed_for: &str,
    sent_to: &str,
    stage: &str,
    body: &str,
    secret: &str,
    timestamp: i64,
) -> Request {
    let signed = sign_webhook(secret, signed_for, body, timestamp);
    let event = api_gateway_v2_event(sent_to, body, &signed, stage).expect("event");
    lambda_http::request::from_str(&event.to_string()).expect("lambda_http parses the event")
}

fn signed(body: &str) -> Request {
    request(DEFAULT_URL, DEFAULT_URL, "$default", body, SECRET, now())
}

async fn call(req: Request) -> (u16, Value, Arc<MemoryJobQueue>) {
    call_with(req, MemoryQueueBehaviour::Accept, None).await
}

async fn call_with(
    req: Request,
    behaviour: MemoryQueueBehaviour,
    base: Option<&str>,
) -> (u16, Value, Arc<MemoryJobQueue>) {
    let queue = Arc::new(MemoryJobQueue::with(behaviour));
    let response = handle(&receiver(queue.clone(), Arc::new(SystemClock), base), req).await;
    let (status, body) = decode(response);
    (status, body, queue)
}

fn decode(response: Response<Body>) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = serde_json::from_slice(response.body().as_ref()).expect("JSON answer");
    (status, body)
}

#[tokio::test]
async fn a_signed_batch_is_queued_as_one_message_per_event_in_order() {
    let body = sample_body();
    let (status, answer, queue) = call(signed(&body)).await;
    assert_eq!(status, 200, "{answer}");
    let sent_ids: Vec<u64> = queue
        .sent()
        .iter()
        .map(
            |entry| match serde_json::from_str::<SyncMessage>(&entry.body).expect("envelope") {
                SyncMessage::HubSpotWebhookV1(delivery) => delivery.event.event_id,
                other => panic!("the receiver only queues webhook events: {other:?}"),
            },
        )
        .collect();
    let body_ids: Vec<u64> = serde_json::from_str::<Vec<Value>>(&body)
        .expect("json")
        .iter()
        .map(|e| e["eventId"].as_u64().expect("id"))
        .collect();
    assert_eq!(sent_ids, body_ids);
    assert_eq!(answer["events"], body_ids.len());
}

#[tokio::test]
async fn an_unknown_subscription_type_is_forwarded_with_its_unknown_fields() {
    let (status, _, queue) = call(signed(&sample_body())).await;
    assert_eq!(status, 200);
    let last: Value = serde_json::from_str(&queue.sent().last().expect("sent").body).expect("json");
    assert_eq!(last["event"]["subscriptionType"], "object.brandNewEvent");
    assert_eq!(last["event"]["someFutureField"]["kept"], true);
}

#[tokio::test]
async fn the_committed_sample_event_verifies_at_its_own_timestamp_and_is_stale_today() {
    let raw = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../events/webhook-receiver/api-gateway-v2.json"
    ))
    .expect("sample");
    let event: Value = serde_json::from_str(&raw).expect("json");
    let signed_at: i64 = event["headers"]["x-hubspot-request-timestamp"]
        .as_str()
        .expect("ts")
        .parse()
        .expect("number");
    let queue = Arc::new(MemoryJobQueue::default());
    let then = handle(
        &receiver(queue.clone(), Arc::new(FixedClock(signed_at + 1_000)), None),
        lambda_http::request::from_str(&raw).expect("parses"),
    )
    .await;
    assert_eq!(then.status().as_u16(), 200);
    let today = handle(
        &receiver(queue, Arc::new(SystemClock), None),
        lambda_http::request::from_str(&raw).expect("parses"),
    )
    .await;
    assert_eq!(
        decode(today),
        (
            401,
            serde_json::json!({"error": "unauthorized", "message": "invalid or missing signature"})
        )
    );
}

#[tokio::test]
async fn a_named_stage_prefix_is_part_of_the_signed_uri() {
    let url = "https://abc123xyz.execute-api.eu-west-1.amazonaws.com/prod/webhooks/hubspot";
    let (status, _, _) = call(request(url, url, "prod", &sample_body(), SECRET, now())).await;
    assert_eq!(status, 200);
    let unprefixed = "https://abc123xyz.execute-api.eu-west-1.amazonaws.com/webhooks/hubspot";
    let (status, _, _) = call(request(
        unprefixed,
        url,
        "prod",
        &sample_body(),
        SECRET,
        now(),
    ))
    .await;
    assert_eq!(status, 401, "a signature over another URI must not pass");
}

#[tokio::test]
async fn a_custom_domain_verifies_from_its_host_header() {
    let url = "https://hooks.customer.example/webhooks/hubspot?source=hubspot&v=3";
    let (status, answer, _) =
        call(request(url, url, "$default", &sample_body(), SECRET, now())).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn a_custom_domain_with_a_base_path_verifies_with_public_base_url() {
    let public = "https://hooks.customer.example/deeto/webhooks/hubspot";
    // Behind a CDN or a base-path mapping the Lambda does not see the public host and path.
    let (status, _, _) = call_with(
        request(
            public,
            DEFAULT_URL,
            "$default",
            &sample_body(),
            SECRET,
            now(),
        ),
        MemoryQueueBehaviour::Accept,
        Some("https://hooks.customer.example/deeto"),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = call(request(
        public,
        DEFAULT_URL,
        "$default",
        &sample_body(),
        SECRET,
        now(),
    ))
    .await;
    assert_eq!(status, 401, "without the base URL the rebuilt URI differs");
}

#[tokio::test]
async fn forged_or_unsigned_requests_get_401_and_nothing_is_queued() {
    let body = sample_body();
    let forged = request(
        DEFAULT_URL,
        DEFAULT_URL,
        "$default",
        &body,
        "guessed-secret",
        now(),
    );
    let (status, answer, queue) = call(forged).await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (401, Some("invalid or missing signature"))
    );
    assert!(queue.sent().is_empty());

    let mut unsigned = signed(&body);
    unsigned.headers_mut().remove("x-hubspot-signature-v3");
    let (status, _, queue) = call(unsigned).await;
    assert_eq!(status, 401);
    assert!(queue.sent().is_empty());
}

#[tokio::test]
async fn a_request_replayed_six_minutes_late_or_signed_in_the_future_is_refused() {
    for offset in [-6 * 60 * 1000, 6 * 60 * 1000] {
        let req = request(
            DEFAULT_URL,
            DEFAULT_URL,
            "$default",
            &sample_body(),
            SECRET,
            now() + offset,
        );
        let (status, _, queue) = call(req).await;
        assert_eq!(status, 401, "offset {offset}");
        assert!(queue.sent().is_empty());
    }
}

#[tokio::test]
async fn a_tampered_body_is_refused() {
    let body = sample_body();
    let mut req = signed(&body);
    *req.body_mut() = Body::from(body.replace("customer", "evangelist"));
    let (status, _, _) = call(req).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn malformed_signed_bodies_get_400_naming_the_problem() {
    let too_many = format!("[{}]", vec![r#"{"eventId":1,"subscriptionId":2,"portalId":3,"occurredAt":4,"subscriptionType":"contact.creation"}"#; 101].join(","));
    let cases = [
        ("not json", "not valid JSON"),
        (r#"{"eventId":1}"#, "must be a JSON array"),
        ("[]", "empty array"),
        (too_many.as_str(), "at most 100"),
        (
            r#"[{"eventId":1,"subscriptionId":2,"occurredAt":4,"subscriptionType":"contact.creation"}]"#,
            "event 0: missing field `portalId`",
        ),
    ];
    for (body, expected) in cases {
        let (status, answer, queue) = call(signed(body)).await;
        assert_eq!(status, 400, "{body}");
        assert!(
            answer["message"]
                .as_str()
                .unwrap_or_default()
                .contains(expected),
            "{answer}"
        );
        assert!(queue.sent().is_empty());
    }
}

#[tokio::test]
async fn an_oversized_body_gets_413_before_any_hashing() {
    let body = "x".repeat(MAX_BODY_BYTES + 1);
    let (status, answer, _) = call(signed(&body)).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (413, Some("payload_too_large"))
    );
}

#[tokio::test]
async fn wrong_paths_get_404_and_wrong_methods_405() {
    let other = "https://abc123xyz.execute-api.eu-west-1.amazonaws.com/webhooks/other";
    let (status, _, _) = call(request(other, other, "$default", "[]", SECRET, now())).await;
    assert_eq!(status, 404);
    let mut get = signed(&sample_body());
    *get.method_mut() = lambda_http::http::Method::GET;
    let queue = Arc::new(MemoryJobQueue::default());
    let response = handle(&receiver(queue, Arc::new(SystemClock), None), get).await;
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("POST")
    );
}

#[tokio::test]
async fn a_queue_that_stays_down_gives_500_so_hubspot_retries() {
    let (status, answer, queue) = call_with(
        signed(&sample_body()),
        MemoryQueueBehaviour::Unavailable,
        None,
    )
    .await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (500, Some("unavailable"))
    );
    assert!(queue.sent().is_empty());
}

#[tokio::test]
async fn entries_refused_twice_are_retried_and_queued_exactly_once() {
    let body = sample_body();
    let (status, _, queue) = call_with(
        signed(&body),
        MemoryQueueBehaviour::RefuseEntriesFor(2),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let events: Vec<Value> = serde_json::from_str(&body).expect("json");
    assert_eq!(queue.sent().len(), events.len());
}

#[tokio::test]
async fn a_base64_encoded_body_is_verified_on_its_decoded_bytes() {
    use base64::Engine as _;
    let body = sample_body();
    let signed = sign_webhook(SECRET, DEFAULT_URL, &body, now());
    let mut event = api_gateway_v2_event(DEFAULT_URL, &body, &signed, "$default").expect("event");
    event["body"] = Value::String(base64::engine::general_purpose::STANDARD.encode(&body));
    event["isBase64Encoded"] = Value::Bool(true);
    let req = lambda_http::request::from_str(&event.to_string()).expect("parses");
    let (status, _, _) = call(req).await;
    assert_eq!(status, 200);
}
