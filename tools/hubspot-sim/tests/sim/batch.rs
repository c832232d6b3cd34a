use serde_json::{Value, json};

use crate::objects::contact;
use crate::support::{objects, start};

#[tokio::test]
async fn batch_read_reports_missing_ids_with_a_207() {
    let (sim, api) = start().await;
    let id = api
        .post(&objects("contacts"), contact("ada@example.com"))
        .await
        .body["id"]
        .as_str()
        .expect("id")
        .to_string();
    let response = api.post(&objects("contacts/batch/read"), json!({ "inputs": [{ "id": id }, { "id": "999" }], "properties": ["email"], "propertiesWithHistory": [] })).await;
    assert_eq!(response.status, 207);
    assert_eq!(response.body["status"], "COMPLETE");
    assert_eq!(
        response.body["results"][0]["properties"]["email"],
        "ada@example.com"
    );
    assert_eq!(response.body["numErrors"], 1);
    assert_eq!(response.body["errors"][0]["category"], "OBJECT_NOT_FOUND");
    assert_eq!(response.body["errors"][0]["context"]["ids"][0], "999");
    sim.shutdown().await;
}

#[tokio::test]
async fn batch_create_takes_at_most_100_inputs_and_is_all_or_nothing_without_trace_ids() {
    let (sim, api) = start().await;
    let too_many: Vec<Value> = (0..101)
        .map(|i| json!({ "properties": { "name": format!("C{i}") } }))
        .collect();
    assert_eq!(
        api.post(
            &objects("companies/batch/create"),
            json!({ "inputs": too_many })
        )
        .await
        .status,
        400
    );

    let mixed = json!({ "inputs": [{ "properties": { "name": "ok" } }, { "properties": { "nope": "x" } }] });
    assert_eq!(
        api.post(&objects("companies/batch/create"), mixed)
            .await
            .status,
        400
    );
    assert_eq!(sim.portals()[0].companies, 0);

    let traced = json!({ "inputs": [
        { "properties": { "name": "ok" }, "objectWriteTraceId": "a" },
        { "properties": { "nope": "x" }, "objectWriteTraceId": "b" }] });
    let response = api.post(&objects("companies/batch/create"), traced).await;
    assert_eq!(response.status, 207);
    assert_eq!(response.body["results"][0]["objectWriteTraceId"], "a");
    assert_eq!(
        response.body["errors"][0]["context"]["objectWriteTraceId"][0],
        "b"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn batch_upsert_by_email_updates_existing_contacts_and_creates_new_ones() {
    let (sim, api) = start().await;
    api.post(&objects("contacts"), contact("ada@example.com"))
        .await;
    let body = json!({ "inputs": [
        { "id": "ada@example.com", "idProperty": "email", "properties": { "jobtitle": "Countess" } },
        { "id": "grace@example.com", "idProperty": "email", "properties": { "firstname": "Grace" } }] });
    let response = api.post(&objects("contacts/batch/upsert"), body).await;
    assert_eq!(response.status, 200);
    let results = response.body["results"].as_array().expect("results");
    assert_eq!(results[0]["new"], false);
    assert_eq!(results[0]["properties"]["jobtitle"], "Countess");
    assert_eq!(results[1]["new"], true);
    assert_eq!(results[1]["properties"]["email"], "grace@example.com");

    let duplicate =
        json!({ "inputs": [{ "id": "1", "properties": {} }, { "id": "1", "properties": {} }] });
    assert_eq!(
        api.post(&objects("contacts/batch/update"), duplicate)
            .await
            .status,
        400
    );
    sim.shutdown().await;
}
