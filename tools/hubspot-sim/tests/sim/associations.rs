use hubspot_sim::version;
use serde_json::json;

use crate::support::{Api, objects, start};

async fn create(api: &Api, kind: &str, props: serde_json::Value) -> String {
    let response = api
        .post(&objects(kind), json!({ "properties": props }))
        .await;
    assert_eq!(response.status, 201, "{}", response.body);
    response.body["id"].as_str().expect("id").to_string()
}

#[tokio::test]
async fn a_ticket_created_with_associations_shows_them_both_ways() {
    let (sim, api) = start().await;
    let contact = create(&api, "contacts", json!({ "email": "a@example.com" })).await;
    let deal = create(&api, "deals", json!({ "dealname": "D" })).await;
    let body = json!({ "properties": { "subject": "ref", "hs_pipeline_stage": "1" }, "associations": [
        { "to": { "id": contact }, "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 16 }] },
        { "to": { "id": deal }, "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 28 }] }] });
    let ticket = api.post(&objects("tickets"), body).await.body["id"]
        .as_str()
        .expect("id")
        .to_string();

    let read = api
        .get(&objects(&format!(
            "tickets/{ticket}?associations=contacts,deals"
        )))
        .await;
    assert_eq!(
        read.body["associations"]["contacts"]["results"][0]["id"],
        contact.as_str()
    );
    assert_eq!(
        read.body["associations"]["deals"]["results"][0]["type"],
        "ticket_to_deal"
    );
    let back = api
        .get(&objects(&format!("deals/{deal}/associations/tickets")))
        .await;
    assert_eq!(back.body["results"][0]["toObjectId"], ticket.as_str());
    assert_eq!(back.body["results"][0]["associationTypes"][0]["typeId"], 27);
    sim.shutdown().await;
}

#[tokio::test]
async fn creating_with_an_association_to_a_missing_record_fails_the_create() {
    let (sim, api) = start().await;
    let body = json!({ "properties": { "subject": "s", "hs_pipeline_stage": "1" }, "associations": [
        { "to": { "id": "42" }, "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 16 }] }] });
    assert_eq!(api.post(&objects("tickets"), body).await.status, 400);
    assert_eq!(sim.portals()[0].tickets, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn default_and_labelled_associations_can_be_made_read_and_removed() {
    let (sim, api) = start().await;
    let contact = create(&api, "contacts", json!({ "email": "a@example.com" })).await;
    let company = create(&api, "companies", json!({ "name": "Acme" })).await;
    let default = api
        .put(
            &objects(&format!(
                "contacts/{contact}/associations/default/companies/{company}"
            )),
            None,
        )
        .await;
    assert_eq!(default.status, 200);
    assert_eq!(
        default.body["results"][0]["associationSpec"]["associationTypeId"],
        279
    );
    let primary = api
        .put(
            &objects(&format!(
                "contacts/{contact}/associations/companies/{company}"
            )),
            Some(json!([{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1 }])),
        )
        .await;
    assert_eq!(primary.status, 201);
    assert_eq!(primary.body["labels"][0], "Primary");
    let listed = api
        .get(&objects(&format!(
            "contacts/{contact}/associations/companies"
        )))
        .await;
    let types: Vec<u64> = listed.body["results"][0]["associationTypes"]
        .as_array()
        .expect("types")
        .iter()
        .filter_map(|t| t["typeId"].as_u64())
        .collect();
    assert_eq!(types, [1, 279]);
    assert_eq!(
        api.delete(&objects(&format!(
            "contacts/{contact}/associations/companies/{company}"
        )))
        .await
        .status,
        204
    );
    assert_eq!(
        api.get(&objects(&format!(
            "contacts/{contact}/associations/companies"
        )))
        .await
        .body["results"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn batch_association_endpoints_associate_read_and_report_records_without_any() {
    let (sim, api) = start().await;
    let a = version::associations_prefix();
    let ticket = create(
        &api,
        "tickets",
        json!({ "subject": "s", "hs_pipeline_stage": "1" }),
    )
    .await;
    let lonely = create(
        &api,
        "tickets",
        json!({ "subject": "t", "hs_pipeline_stage": "1" }),
    )
    .await;
    let deal = create(&api, "deals", json!({ "dealname": "D" })).await;
    let made = api
        .post(
            &format!("{a}/tickets/deals/batch/associate/default"),
            json!({ "inputs": [{ "from": { "id": ticket }, "to": { "id": deal } }] }),
        )
        .await;
    assert_eq!(made.status, 200);
    assert_eq!(
        made.body["results"][0]["associationSpec"]["associationTypeId"],
        28
    );
    let labelled = api.post(&format!("{a}/tickets/deals/batch/create"), json!({ "inputs": [{ "from": { "id": ticket }, "to": { "id": deal }, "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 28 }] }] })).await;
    assert_eq!(labelled.status, 201);
    let read = api
        .post(
            &format!("{a}/tickets/deals/batch/read"),
            json!({ "inputs": [{ "id": ticket }, { "id": lonely }] }),
        )
        .await;
    assert_eq!(read.status, 207);
    assert_eq!(
        read.body["results"][0]["to"][0]["toObjectId"],
        deal.as_str()
    );
    assert_eq!(read.body["errors"][0]["category"], "OBJECT_NOT_FOUND");
    let labels = api.get(&format!("{a}/tickets/contacts/labels")).await;
    assert_eq!(labels.body["results"][0]["typeId"], 16);
    sim.shutdown().await;
}
