//! The `crm-card` function in the Lambda runtime (`cargo lambda invoke`), configured from the
//! template like a deployment, over moto and the simulator: a fresh signed request per route,
//! and the committed sample, whose fixed timestamp is now stale.

use common::adapters::dynamodb::records::DynamoRecordStore;
use common::domain::ids::{ObjectId, PortalId};
use common::sync::{CrmObject, FieldChange, RecordKey, RecordStore, Role};
use devstack::{api_gateway_v2_request, sign_fetch};
use hubspot_sim::Simulator;
use integration_tests::{LOCAL_CLIENT_SECRET, LambdaWatch, TestStack, now_ms, repo_root};
use serde_json::Value;

use crate::sync_runtime::{connect, sim_config};

const PORTAL: u64 = 62515;
const BASE: &str = "https://abc123xyz.execute-api.eu-west-1.amazonaws.com";
const HUBSPOT_PARAMS: &str = "userId=7&userEmail=rep%40example.com&appId=54321&portalId=62515";

/// A fresh signed event for `method path`, written where `cargo lambda invoke` reads it.
fn event_file(
    dir: &std::path::Path,
    name: &str,
    method: &str,
    path: &str,
    body: &str,
) -> std::path::PathBuf {
    let url = format!("{BASE}{path}");
    let signed = sign_fetch(LOCAL_CLIENT_SECRET, method, &url, body, now_ms());
    let headers: Vec<(&str, String)> = signed.headers().into_iter().collect();
    let event = api_gateway_v2_request(method, &url, body, &headers, "$default").expect("event");
    let file = dir.join(format!("{name}.json"));
    std::fs::write(&file, event.to_string()).expect("event written");
    file
}

fn answer(response: &Value) -> (u64, Value) {
    let status = response["statusCode"].as_u64().unwrap_or_default();
    let body =
        serde_json::from_str(response["body"].as_str().unwrap_or("null")).expect("JSON body");
    (status, body)
}

#[tokio::test]
async fn the_card_routes_answer_in_the_lambda_runtime() {
    let stack = TestStack::new().await;
    let sim = Simulator::start(sim_config()).await.expect("simulator");
    let mut env = stack.function_env("CrmCardFunction");
    // Empty in the template (the signed URI is rebuilt from the request); cargo-lambda refuses
    // an empty variable.
    env.retain(|(k, v)| !(k == "PUBLIC_BASE_URL" && v.is_empty()));
    env.push(("HUBSPOT_API_BASE".into(), sim.base_url()));
    connect(&stack, &sim, &env).await;
    let records = DynamoRecordStore::new(
        aws_sdk_dynamodb::Client::new(&stack.sdk),
        stack.reference("Table"),
    );
    let ada = RecordKey::new(PortalId(PORTAL), CrmObject::Contact, ObjectId(101));
    let name = [FieldChange {
        property: "firstname".into(),
        value: Some("Ada".into()),
        changed_at_ms: 1,
    }];
    records
        .apply_changes(ada, &name, now_ms())
        .await
        .expect("record");
    records
        .assign_role(ada, Role::Reference, Some("ref_9"), 1)
        .await
        .expect("role");
    let watch = LambdaWatch::start(|_| env.clone()).await;
    let dir = tempdir();

    let contact = event_file(
        &dir,
        "contact",
        "GET",
        &format!("/card?objectType=contact&objectId=101&{HUBSPOT_PARAMS}"),
        "",
    );
    let (status, body) = answer(&watch.invoke("crm-card", &contact).await);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["contact"]["referenceStatus"], "reference");
    assert_eq!(body["contact"]["deetoId"], "ref_9");

    let ask = r#"{"dealId":"501","referenceContactId":"101"}"#;
    let request = event_file(
        &dir,
        "request",
        "POST",
        &format!("/card/actions/request-reference?{HUBSPOT_PARAMS}"),
        ask,
    );
    let (status, body) = answer(&watch.invoke("crm-card", &request).await);
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("requested")),
        "{body}"
    );
    let inbox = stack
        .receive(
            &stack.reference("OutboundQueue"),
            1,
            std::time::Duration::from_secs(5),
        )
        .await;
    assert_eq!(
        inbox.first().map(|m| m["type"].clone()),
        Some("reference.requested.v1".into()),
        "{inbox:?}"
    );

    let sample = repo_root().join("events/crm-card/contact.json");
    let (status, body) = answer(&watch.invoke("crm-card", &sample).await);
    assert_eq!(
        status, 401,
        "the committed sample's timestamp is stale: {body}"
    );
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("crm-card-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
