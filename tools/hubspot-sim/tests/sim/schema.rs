use hubspot_sim::version;
use serde_json::json;

use crate::support::{objects, start};

#[tokio::test]
async fn a_property_group_and_property_can_be_created_once_then_409() {
    let (sim, api) = start().await;
    let p = version::properties_prefix();
    let group = json!({ "name": "deeto", "label": "Deeto", "displayOrder": 1 });
    assert_eq!(
        api.post(&format!("{p}/contacts/groups"), group.clone())
            .await
            .status,
        201
    );
    assert_eq!(
        api.post(&format!("{p}/contacts/groups"), group)
            .await
            .status,
        409
    );

    let property = json!({ "name": "deeto_reference_status", "label": "Reference status", "type": "enumeration", "fieldType": "select",
        "groupName": "deeto", "options": [{ "label": "Active", "value": "active" }, { "label": "Paused", "value": "paused" }] });
    let created = api.post(&format!("{p}/contacts"), property.clone()).await;
    assert_eq!(created.status, 201);
    assert_eq!(created.body["name"], "deeto_reference_status");
    assert_eq!(created.body["options"][1]["value"], "paused");
    let duplicate = api.post(&format!("{p}/contacts"), property).await;
    assert_eq!(duplicate.status, 409);
    assert_eq!(duplicate.body["category"], "OBJECT_ALREADY_EXISTS");

    let read = api
        .get(&format!("{p}/contacts/deeto_reference_status"))
        .await;
    assert_eq!(read.body["groupName"], "deeto");
    assert_eq!(read.body["type"], "enumeration");
    let listed = api.get(&format!("{p}/contacts")).await;
    assert!(
        listed.body["results"]
            .as_array()
            .expect("results")
            .iter()
            .any(|r| r["name"] == "deeto_reference_status")
    );

    let bad_option = api
        .post(
            &objects("contacts"),
            json!({ "properties": { "deeto_reference_status": "gone" } }),
        )
        .await;
    assert_eq!(bad_option.status, 400);
    let good = api
        .post(
            &objects("contacts"),
            json!({ "properties": { "deeto_reference_status": "active" } }),
        )
        .await;
    assert_eq!(good.status, 201);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_property_in_a_missing_group_or_with_a_bad_type_is_a_400() {
    let (sim, api) = start().await;
    let p = version::properties_prefix();
    let no_group = json!({ "name": "x", "label": "X", "type": "string", "fieldType": "text", "groupName": "nope" });
    assert_eq!(api.post(&format!("{p}/deals"), no_group).await.status, 400);
    let bad_type = json!({ "name": "x", "label": "X", "type": "text", "fieldType": "text", "groupName": "dealinformation" });
    assert_eq!(api.post(&format!("{p}/deals"), bad_type).await.status, 400);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_unique_property_can_address_records_as_id_property() {
    let (sim, api) = start().await;
    let p = version::properties_prefix();
    let unique = json!({ "name": "deeto_id", "label": "Deeto id", "type": "string", "fieldType": "text", "groupName": "companyinformation", "hasUniqueValue": true });
    assert_eq!(
        api.post(&format!("{p}/companies"), unique).await.status,
        201
    );
    api.post(
        &objects("companies"),
        json!({ "properties": { "name": "Acme", "deeto_id": "D-1" } }),
    )
    .await;
    let found = api
        .get(&objects(
            "companies/D-1?idProperty=deeto_id&properties=name",
        ))
        .await;
    assert_eq!(found.body["properties"]["name"], "Acme");
    sim.shutdown().await;
}

#[tokio::test]
async fn ticket_pipelines_list_their_stages_with_ticket_state() {
    let (sim, api) = start().await;
    let pl = version::pipelines_prefix();
    let list = api.get(&format!("{pl}/tickets")).await;
    assert_eq!(list.status, 200);
    let pipeline = &list.body["results"][0];
    assert_eq!(pipeline["id"], "0");
    assert_eq!(pipeline["stages"][3]["metadata"]["ticketState"], "CLOSED");
    let stages = api.get(&format!("{pl}/tickets/0/stages")).await;
    assert_eq!(stages.body["results"].as_array().map(Vec::len), Some(4));
    assert_eq!(api.get(&format!("{pl}/tickets/nope")).await.status, 404);
    assert_eq!(
        api.get(&format!("{pl}/deals/default")).await.body["stages"][5]["id"],
        "closedwon"
    );
    sim.shutdown().await;
}
