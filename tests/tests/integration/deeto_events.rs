//! `deeto-events` against the real DynamoDB and SQS protocols (moto): a tenant created with a
//! real licence key and bound to a portal, the configuration the template declares, commands
//! landing on the template's sync queue.

use std::sync::Arc;
use std::time::Duration;

use common::adapters::dynamodb::tenants::DynamoTenantStore;
use common::adapters::sqs::SqsJobQueue;
use common::commands::DeetoCommand;
use common::config::{DeetoEventsConfig, Env};
use common::domain::ids::{PortalId, TenantId};
use common::install::{LicenseKey, hash_license_key, new_license_key};
use common::ports::{SystemClock, Tenant, TenantStore};
use common::queue::{RetryPolicy, SyncMessage};
use deeto_events::{DeetoEvents, handle};
use integration_tests::{TestStack, now_ms, repo_root};
use serde_json::{Value, json};

const PORTAL: PortalId = PortalId(62515);
const SAMPLES: [&str; 4] = [
    "reference-created",
    "lead-created",
    "connection-created",
    "connection-updated",
];

fn sample(name: &str) -> Value {
    let path = repo_root().join(format!("events/deeto-events/{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("sample")).expect("json")
}

/// The function as `main.rs` wires it, from the environment the template gives it.
struct Deployed {
    stack: TestStack,
    tenants: Arc<DynamoTenantStore>,
    app: DeetoEvents,
}

impl Deployed {
    async fn start() -> Self {
        let stack = TestStack::new().await;
        let env = stack.function_env("DeetoEventsFunction");
        let config =
            DeetoEventsConfig::read(Env::from_pairs(env.iter().map(|(k, v)| (&**k, &**v))))
                .expect("the template declares the function's configuration");
        let tenants = Arc::new(DynamoTenantStore::new(
            aws_sdk_dynamodb::Client::new(&stack.sdk),
            config.table_name,
        ));
        let app = DeetoEvents {
            tenants: tenants.clone(),
            queue: Arc::new(SqsJobQueue::new(stack.sqs.clone(), config.sync_queue_url)),
            clock: Arc::new(SystemClock),
            retry: RetryPolicy {
                max_attempts: 2,
                first_backoff: Duration::from_millis(10),
            },
        };
        Self {
            stack,
            tenants,
            app,
        }
    }

    /// A tenant with a fresh licence key, installed on portal 62515.
    async fn connected_tenant(&self) -> (TenantId, LicenseKey) {
        let key = new_license_key();
        let tenant = Tenant::pending(TenantId(uuid::Uuid::new_v4().to_string()), "Acme");
        self.tenants
            .create_tenant(&tenant, &hash_license_key(&key))
            .await
            .expect("tenant created");
        self.tenants
            .bind_portal(&tenant.id, PORTAL, &[], now_ms())
            .await
            .expect("portal bound");
        (tenant.id, key)
    }

    async fn post(&self, key: &LicenseKey, body: &Value) -> (u16, Value) {
        let path = repo_root().join("events/deeto-events/api-gateway-v2.json");
        let mut event: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("event")).expect("json");
        event["headers"]["authorization"] = json!(format!("Bearer {}", key.expose()));
        event["headers"]
            .as_object_mut()
            .map(|h| h.remove("content-length"));
        event["body"] = json!(body.to_string());
        let req = lambda_http::request::from_str(&event.to_string()).expect("request");
        let response = handle(&self.app, req).await;
        let status = response.status().as_u16();
        (
            status,
            serde_json::from_slice(response.body().as_ref()).expect("JSON answer"),
        )
    }
}

#[tokio::test]
async fn commands_from_a_connected_tenant_land_on_the_sync_queue_for_its_portal() {
    let deployed = Deployed::start().await;
    let (tenant, key) = deployed.connected_tenant().await;
    let commands: Vec<Value> = SAMPLES.iter().map(|name| sample(name)).collect();

    let (status, answer) = deployed.post(&key, &json!({ "commands": commands })).await;

    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["accepted"].as_array().map(Vec::len), Some(4));
    let messages = deployed
        .stack
        .receive(
            &deployed.stack.reference("SyncQueue"),
            4,
            Duration::from_secs(10),
        )
        .await;
    let mut received: Vec<DeetoCommand> = messages
        .into_iter()
        .map(|message| {
            assert_eq!(message["type"], "deeto.command.v1");
            match serde_json::from_value(message).expect("the worker can read it") {
                SyncMessage::DeetoCommandV1(delivery) => {
                    assert_eq!((delivery.portal_id, &delivery.tenant_id), (PORTAL, &tenant));
                    delivery.command
                }
                other => panic!("unexpected message {other:?}"),
            }
        })
        .collect();
    let mut expected: Vec<DeetoCommand> = commands
        .into_iter()
        .map(|c| serde_json::from_value(c).expect("sample"))
        .collect();
    // A standard queue does not promise order.
    received.sort_by(|a, b| a.id().cmp(b.id()));
    expected.sort_by(|a, b| a.id().cmp(b.id()));
    assert_eq!(received, expected);
}

#[tokio::test]
async fn a_revoked_licence_key_gets_401_and_nothing_reaches_the_queue() {
    let deployed = Deployed::start().await;
    let (tenant, key) = deployed.connected_tenant().await;
    deployed
        .tenants
        .revoke_license(&tenant)
        .await
        .expect("revoked");

    let (status, answer) = deployed.post(&key, &sample("lead-created")).await;

    assert_eq!(
        (status, answer["error"].as_str()),
        (401, Some("unauthorized"))
    );
    assert!(
        deployed
            .stack
            .receive(
                &deployed.stack.reference("SyncQueue"),
                1,
                Duration::from_secs(2)
            )
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_key_no_tenant_holds_gets_401_and_nothing_reaches_the_queue() {
    let deployed = Deployed::start().await;
    deployed.connected_tenant().await;
    let stranger = new_license_key();

    let (status, answer) = deployed.post(&stranger, &sample("lead-created")).await;

    assert_eq!(
        (status, answer["error"].as_str()),
        (401, Some("unauthorized"))
    );
    let queue = deployed.stack.reference("SyncQueue");
    let received = deployed
        .stack
        .receive(&queue, 1, Duration::from_secs(2))
        .await;
    assert!(received.is_empty());
}
