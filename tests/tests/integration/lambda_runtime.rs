//! The receiver as a real Lambda: built and run by `cargo lambda watch`, called over HTTP and
//! with `cargo lambda invoke`, reading its secret from Secrets Manager and writing to SQS.

use std::time::Duration;

use devstack::{api_gateway_v2_event, sign_webhook};
use hubspot_sim::{ObjectType, SimConfig, Simulator};
use integration_tests::lambda::function_url;
use integration_tests::{LOCAL_CLIENT_SECRET, LambdaWatch, TestStack, now_ms, repo_root};

#[tokio::test]
async fn the_receiver_runs_in_the_lambda_runtime_end_to_end() {
    let stack = TestStack::new().await;
    let queue = stack.reference("SyncQueue");
    let watch = LambdaWatch::start(|port| {
        let mut env = stack.function_env("WebhookReceiverFunction");
        // The function URL is this function's public URL, as a custom domain would be.
        env.retain(|(k, _)| k != "PUBLIC_BASE_URL");
        env.push((
            "PUBLIC_BASE_URL".into(),
            function_url(port, "webhook-receiver"),
        ));
        env
    })
    .await;
    let url = format!(
        "{}/webhooks/hubspot",
        watch.function_url("webhook-receiver")
    );
    let body = std::fs::read_to_string(repo_root().join("events/webhook-receiver/batch-body.json"))
        .expect("body");
    let events = serde_json::from_str::<Vec<serde_json::Value>>(&body)
        .expect("json")
        .len();

    // 1. Over HTTP, signed like HubSpot signs it.
    let signed = sign_webhook(LOCAL_CLIENT_SECRET, &url, &body, now_ms());
    let mut request = reqwest::Client::new().post(&url).body(body.clone());
    for (name, value) in signed.headers() {
        request = request.header(name, value);
    }
    let response = request
        .timeout(Duration::from_secs(600))
        .send()
        .await
        .expect("function answers");
    assert_eq!(
        response.status().as_u16(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
    assert_eq!(
        stack
            .receive(&queue, events, Duration::from_secs(10))
            .await
            .len(),
        events
    );

    // 2. The committed sample event through `cargo lambda invoke`: its signature is long stale.
    let sample = repo_root().join("events/webhook-receiver/api-gateway-v2.json");
    let answer = watch.invoke("webhook-receiver", &sample).await;
    assert_eq!(answer["statusCode"], 401, "{answer}");

    // 3. The same event re-signed now through `cargo lambda invoke`: accepted and queued.
    let fresh = sign_webhook(LOCAL_CLIENT_SECRET, &url, &body, now_ms());
    let event = api_gateway_v2_event(
        "https://abc123xyz.execute-api.eu-west-1.amazonaws.com/webhooks/hubspot",
        &body,
        &fresh,
        "$default",
    )
    .expect("event");
    let file = std::env::temp_dir().join(format!("webhook-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&file, event.to_string()).expect("temp event");
    let answer = watch.invoke("webhook-receiver", &file).await;
    let _ = std::fs::remove_file(&file);
    assert_eq!(answer["statusCode"], 200, "{answer}");
    assert_eq!(
        stack
            .receive(&queue, events, Duration::from_secs(10))
            .await
            .len(),
        events
    );
}
