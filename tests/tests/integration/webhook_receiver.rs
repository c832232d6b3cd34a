//! The receiver's handler against real SQS and Secrets Manager APIs (moto).

use std::sync::Arc;
use std::time::Duration;

use common::adapters::secrets::load_app_credentials;
use common::adapters::sqs::SqsJobQueue;
use common::ports::SystemClock;
use common::queue::RetryPolicy;
use devstack::{api_gateway_v2_event, sign_webhook};
use integration_tests::{TestStack, now_ms, repo_root};
use secrecy::ExposeSecret;
use webhook_receiver::{Receiver, handle};

const URL: &str = "https://abc123xyz.execute-api.eu-west-1.amazonaws.com/webhooks/hubspot";

fn sample_body() -> String {
    std::fs::read_to_string(repo_root().join("events/webhook-receiver/batch-body.json"))
        .expect("sample body")
}

async fn receiver_for(stack: &TestStack, queue_url: String) -> Receiver {
    let secrets = aws_sdk_secretsmanager::Client::new(&stack.sdk);
    let credentials = load_app_credentials(&secrets, &stack.reference("AppSecret"))
        .await
        .expect("app secret readable");
    Receiver {
        client_secret: credentials.client_secret,
        queue: Arc::new(SqsJobQueue::new(stack.sqs.clone(), queue_url)),
        clock: Arc::new(SystemClock),
        public_base_url: None,
        retry: RetryPolicy {
            max_attempts: 2,
            first_backoff: Duration::from_millis(10),
        },
    }
}

fn signed_request(body: &str) -> lambda_http::Request {
    let signed = sign_webhook(integration_tests::LOCAL_CLIENT_SECRET, URL, body, now_ms());
    let event = api_gateway_v2_event(URL, body, &signed, "$default").expect("event");
    lambda_http::request::from_str(&event.to_string()).expect("request")
}

#[tokio::test]
async fn a_signed_batch_lands_on_the_sync_queue_in_the_envelope_the_worker_reads() {
    let stack = TestStack::new().await;
    let receiver = receiver_for(&stack, stack.reference("SyncQueue")).await;
    let body = sample_body();
    let expected: Vec<serde_json::Value> = serde_json::from_str(&body).expect("json");

    let response = handle(&receiver, signed_request(&body)).await;

    assert_eq!(response.status().as_u16(), 200);
    let messages = stack
        .receive(
            &stack.reference("SyncQueue"),
            expected.len(),
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(messages.len(), expected.len());
    for message in &messages {
        assert_eq!(message["type"], "hubspot.webhook.v1");
        let parsed: common::queue::SyncMessage =
            serde_json::from_value(message.clone()).expect("worker can parse it");
        let common::queue::SyncMessage::HubSpotWebhookV1(delivery) = parsed else {
            panic!("the receiver only queues webhook events: {parsed:?}");
        };
        assert!(
            expected
                .iter()
                .any(|e| e["eventId"] == delivery.event.event_id),
            "unexpected event {}",
            delivery.event.event_id
        );
    }
}

#[tokio::test]
async fn a_forged_batch_never_reaches_the_queue() {
    let stack = TestStack::new().await;
    let receiver = receiver_for(&stack, stack.reference("SyncQueue")).await;
    let body = sample_body();
    let forged = sign_webhook("not-the-secret", URL, &body, now_ms());
    let event = api_gateway_v2_event(URL, &body, &forged, "$default").expect("event");

    let response = handle(
        &receiver,
        lambda_http::request::from_str(&event.to_string()).expect("request"),
    )
    .await;

    assert_eq!(response.status().as_u16(), 401);
    assert!(
        stack
            .receive(&stack.reference("SyncQueue"), 1, Duration::from_secs(2))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_queue_that_does_not_exist_gives_500_so_hubspot_retries() {
    let stack = TestStack::new().await;
    let missing = format!("{}-gone", stack.reference("SyncQueue"));
    let receiver = receiver_for(&stack, missing).await;

    let response = handle(&receiver, signed_request(&sample_body())).await;

    assert_eq!(response.status().as_u16(), 500);
    let body: serde_json::Value = serde_json::from_slice(response.body().as_ref()).expect("json");
    assert_eq!(body["error"], "unavailable");
    assert!(
        !body.to_string().contains("gone"),
        "no infrastructure detail leaks: {body}"
    );
}

#[tokio::test]
async fn the_app_secret_is_read_from_secrets_manager_and_a_wrong_id_is_named() {
    let stack = TestStack::new().await;
    let secrets = aws_sdk_secretsmanager::Client::new(&stack.sdk);
    let credentials = load_app_credentials(&secrets, &stack.reference("AppSecret"))
        .await
        .expect("readable");
    assert_eq!(
        credentials.client_secret.expose_secret(),
        integration_tests::LOCAL_CLIENT_SECRET
    );
    let err = load_app_credentials(&secrets, "no-such-secret")
        .await
        .expect_err("missing");
    assert!(
        err.to_string().contains("no-such-secret") && err.to_string().contains("ResourceNotFound"),
        "{err}"
    );
}
