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

    // 4. The HubSpot simulator delivers its own signed webhooks for a user's change.
    let mut config = SimConfig::default();
    config.app.client_secret = LOCAL_CLIENT_SECRET.into();
    config.webhooks.target_url = Some(url.clone());
    let sim = Simulator::start(config).await.expect("simulator starts");
    let contact = sim
        .create_as_user(
            62515,
            ObjectType::Contacts,
            &[("email", "ada@acme.test"), ("lifecyclestage", "customer")],
        )
        .expect("contact created");
    assert!(
        sim.webhooks_idle(Duration::from_secs(60)).await,
        "deliveries finished"
    );
    let deliveries = sim.deliveries();
    assert!(
        !deliveries.is_empty() && deliveries.iter().all(|d| d.status == Some(200)),
        "{deliveries:?}"
    );
    let delivered: usize = deliveries.iter().map(|d| d.event_ids.len()).sum();
    let messages = stack
        .receive(&queue, delivered, Duration::from_secs(10))
        .await;
    assert_eq!(messages.len(), delivered);
    assert!(
        messages
            .iter()
            .any(|m| m["event"]["subscriptionType"] == "contact.creation"
                && m["event"]["objectId"] == contact)
    );
    assert!(
        messages
            .iter()
            .any(|m| m["event"]["propertyName"] == "lifecyclestage"
                && m["event"]["propertyValue"] == "customer")
    );
    sim.shutdown().await;
}

/// The install flow as a real Lambda: secrets from Secrets Manager, state and tenant in
/// DynamoDB, HubSpot as the simulator, the customer's browser as a redirect-less HTTP client.
#[tokio::test]
async fn the_install_runs_in_the_lambda_runtime_end_to_end() {
    use common::adapters::dynamodb::tenants::DynamoTenantStore;
    use common::domain::ids::{PortalId, TenantId};
    use common::install::{hash_license_key, new_license_key};
    use common::ports::{Tenant, TenantStatus, TenantStore};

    let stack = TestStack::new().await;
    let mut config = SimConfig::default();
    config.app.client_id = "local-client".into();
    config.app.client_secret = LOCAL_CLIENT_SECRET.into();
    let sim = Simulator::start(config).await.expect("simulator starts");
    let watch = LambdaWatch::start(|port| {
        let mut env = stack.function_env("OAuthCallbackFunction");
        env.retain(|(k, _)| k != "OAUTH_REDIRECT_URI");
        env.push((
            "OAUTH_REDIRECT_URI".into(),
            format!("{}/oauth/callback", function_url(port, "oauth-callback")),
        ));
        env.push(("HUBSPOT_API_BASE".into(), sim.base_url()));
        env.push(("HUBSPOT_AUTH_BASE".into(), sim.base_url()));
        env
    })
    .await;
    let tenants = DynamoTenantStore::new(
        aws_sdk_dynamodb::Client::new(&stack.sdk),
        stack.reference("Table"),
    );
    let key = new_license_key();
    let tenant = Tenant::pending(TenantId("acme".into()), "Acme");
    tenants
        .create_tenant(&tenant, &hash_license_key(&key))
        .await
        .expect("tenant");
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(600))
        .build()
        .expect("client");
    let location =
        |r: &reqwest::Response| r.headers()["location"].to_str().expect("ascii").to_owned();

    let install = browser
        .get(format!(
            "{}/oauth/install?license_key={}",
            watch.function_url("oauth-callback"),
            key.expose()
        ))
        .send()
        .await
        .expect("install");
    assert_eq!(install.status().as_u16(), 302);
    let approve = browser
        .get(location(&install))
        .send()
        .await
        .expect("authorize page");
    let callback = browser
        .get(location(&approve))
        .send()
        .await
        .expect("callback");

    assert_eq!(
        callback.status().as_u16(),
        200,
        "{}",
        callback.text().await.unwrap_or_default()
    );
    let stored = tenants
        .tenant(&tenant.id)
        .await
        .expect("read")
        .expect("tenant");
    assert_eq!(
        (stored.status, stored.portal_id),
        (TenantStatus::Connected, Some(PortalId(62515)))
    );
    sim.shutdown().await;
}
