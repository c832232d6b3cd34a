//! The sync worker as a real Lambda (`cargo lambda watch`): the committed sample events through
//! `cargo lambda invoke`, and the whole pipeline — a user's change in the simulator, signed
//! webhooks to the receiver Lambda, the sync queue, an event-source-mapping pump, the worker
//! Lambda, Deeto's records in DynamoDB and the outbound queue.

use std::time::Duration;

use common::adapters::dynamodb::records::DynamoRecordStore;
use common::adapters::secrets::token_vault::SecretsManagerTokenVault;
use common::domain::ids::{ObjectId, PortalId};
use common::ports::TokenVault;
use common::sync::{CrmObject, RecordKey, RecordStore, Role};
use hubspot_sim::{ObjectType, RunningSim, SimConfig, Simulator};
use integration_tests::lambda::function_url;
use integration_tests::{LOCAL_CLIENT_SECRET, LambdaWatch, TestStack, now_ms, repo_root};
use secrecy::SecretString;

const PORTAL: u64 = 62515;

/// A connected portal: tenant bound in DynamoDB, refresh token where the function looks.
pub(crate) async fn connect(stack: &TestStack, sim: &RunningSim, env: &[(String, String)]) {
    let var = |name: &str| {
        env.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .expect(name)
    };
    stack.connect_tenant("acme", PORTAL).await;
    let vault = SecretsManagerTokenVault::new(
        aws_sdk_secretsmanager::Client::new(&stack.sdk),
        var("TOKEN_SECRET_PREFIX"),
    );
    let refresh = SecretString::from(sim.issue_token(PORTAL).refresh_token);
    vault
        .store_refresh_token(PortalId(PORTAL), &refresh)
        .await
        .expect("stored");
}

/// The `reason` attribute of the messages set aside on the sync DLQ (bodies may not be JSON).
async fn dead_letter_reasons(stack: &TestStack, expected: usize) -> Vec<String> {
    let queue = stack.reference("SyncDeadLetterQueue");
    let mut reasons = Vec::new();
    for _ in 0..10 {
        let out = stack
            .sqs
            .receive_message()
            .queue_url(&queue)
            .max_number_of_messages(10)
            .message_attribute_names("All")
            .wait_time_seconds(1)
            .send()
            .await
            .expect("ReceiveMessage");
        for message in out.messages() {
            let reason = message
                .message_attributes()
                .and_then(|a| a.get("reason"))
                .and_then(|v| v.string_value())
                .unwrap_or_default();
            reasons.push(reason.to_owned());
        }
        if reasons.len() >= expected {
            break;
        }
    }
    reasons
}

/// The environment of the receiver and the worker sharing one emulator on `port`: the
/// receiver's public URL is its function URL there, HubSpot is `sim`.
pub(crate) fn receiver_and_worker_env(
    stack: &TestStack,
    sim: &RunningSim,
    port: u16,
) -> Vec<(String, String)> {
    let mut env = stack.function_env("SyncWorkerFunction");
    env.extend(stack.function_env("WebhookReceiverFunction"));
    env.retain(|(k, _)| k != "PUBLIC_BASE_URL");
    env.push((
        "PUBLIC_BASE_URL".into(),
        function_url(port, "webhook-receiver"),
    ));
    env.push(("HUBSPOT_API_BASE".into(), sim.base_url()));
    env.sort();
    env.dedup();
    env
}

pub(crate) fn sim_config() -> SimConfig {
    let mut config = SimConfig::default();
    config.app.client_id = "local-client".into();
    config.app.client_secret = LOCAL_CLIENT_SECRET.into();
    config
}

#[tokio::test]
async fn the_sample_events_run_in_the_lambda_runtime() {
    let stack = TestStack::new().await;
    let sim = Simulator::start(sim_config()).await.expect("simulator");
    let mut env = stack.function_env("SyncWorkerFunction");
    env.push(("HUBSPOT_API_BASE".into(), sim.base_url()));
    connect(&stack, &sim, &env).await;
    let watch = LambdaWatch::start(|_| env.clone()).await;

    // Malformed and foreign messages: set aside with their reason, not retried.
    let answer = watch
        .invoke(
            "sync-worker",
            &repo_root().join("events/sync-worker/malformed.json"),
        )
        .await;
    assert_eq!(
        answer["batchItemFailures"],
        serde_json::json!([]),
        "{answer}"
    );
    let reasons = dead_letter_reasons(&stack, 3).await;
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(
        reasons.iter().any(|r| r == "unknown portal 999999"),
        "{reasons:?}"
    );
    assert_eq!(
        reasons
            .iter()
            .filter(|r| r.starts_with("malformed message"))
            .count(),
        2
    );

    // The mixed batch: the lifecycle change enrolls contact 102 without any HubSpot read of it.
    let answer = watch
        .invoke(
            "sync-worker",
            &repo_root().join("events/sync-worker/mixed-batch.json"),
        )
        .await;
    assert_eq!(
        answer["batchItemFailures"],
        serde_json::json!([]),
        "{answer}"
    );
    let outbound = stack
        .receive(
            &stack.reference("OutboundQueue"),
            1,
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(outbound.len(), 1, "{outbound:?}");
    assert_eq!(outbound[0]["type"], "campaign.enrolled.v1");
    assert_eq!(outbound[0]["contactId"], 102);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_change_in_hubspot_reaches_deeto_through_both_lambdas() {
    let stack = TestStack::new().await;
    let mut config = sim_config();
    let port = LambdaWatch::free_port();
    config.webhooks.target_url = Some(format!(
        "{}/webhooks/hubspot",
        function_url(port, "webhook-receiver")
    ));
    let sim = Simulator::start(config).await.expect("simulator");
    let env = receiver_and_worker_env(&stack, &sim, port);
    connect(&stack, &sim, &env).await;
    let watch = LambdaWatch::start_on(port, |_| env.clone()).await;
    let records = DynamoRecordStore::new(
        aws_sdk_dynamodb::Client::new(&stack.sdk),
        stack.reference("Table"),
    );
    let ada = sim
        .create_as_user(PORTAL, ObjectType::Contacts, &[("email", "ada@acme.test")])
        .expect("created");
    let key = RecordKey::new(PortalId(PORTAL), CrmObject::Contact, ObjectId(ada));
    records
        .assign_role(key, Role::Reference, Some("ref-ada"), now_ms())
        .await
        .expect("assigned");

    sim.update_as_user(PORTAL, ObjectType::Contacts, ada, &[("jobtitle", "CTO")])
        .expect("updated");
    assert!(
        sim.webhooks_idle(Duration::from_secs(120)).await,
        "delivered"
    );
    let invoke = format!(
        "http://127.0.0.1:{}/2015-03-31/functions/sync-worker/invocations",
        watch.port
    );
    let pumped = devstack::pump::pump(
        &stack.reference("SyncQueue"),
        "arn:aws:sqs:local",
        &invoke,
        100,
    )
    .await
    .expect("pumped");

    assert!(pumped.messages >= 3 && pumped.failed == 0, "{pumped:?}");
    let stored = records
        .get_many(PortalId(PORTAL), CrmObject::Contact, &[ObjectId(ada)])
        .await
        .expect("read");
    assert_eq!(stored[0].field("jobtitle"), Some("CTO"));
    assert_eq!(stored[0].field("email"), Some("ada@acme.test"));
    let outbound = stack
        .receive(
            &stack.reference("OutboundQueue"),
            1,
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(outbound[0]["type"], "record.updated.v1");
    assert_eq!(outbound[0]["deetoId"], "ref-ada");
    sim.shutdown().await;
}
