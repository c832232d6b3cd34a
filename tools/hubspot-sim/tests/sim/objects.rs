use serde_json::{Value, json};

use crate::support::{objects, start};

pub fn contact(email: &str) -> Value {
    json!({ "properties": { "email": email, "firstname": "Ada", "lastname": "Lovelace" } })
}

#[tokio::test]
async fn a_created_contact_reads_back_with_string_ids_string_values_and_iso_timestamps() {
    let (sim, api) = start().await;
    let created = api
        .post(&objects("contacts"), contact("ada@example.com"))
        .await;
    assert_eq!(created.status, 201);
    let id = created.body["id"].as_str().expect("string id").to_string();
    assert_eq!(created.body["properties"]["hs_object_id"], id.as_str());
    assert_eq!(created.body["archived"], false);
    assert!(
        created.body["createdAt"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z') && t.contains('T'))
    );

    let read = api
        .get(&objects(&format!(
            "contacts/{id}?properties=email,jobtitle"
        )))
        .await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["properties"]["email"], "ada@example.com");
    assert_eq!(read.body["properties"]["jobtitle"], Value::Null);
    assert!(
        read.body["properties"].get("firstname").is_none(),
        "only asked-for properties and the three defaults"
    );
    assert!(read.body["properties"]["lastmodifieddate"].is_string());

    let by_type_id = api.get(&objects(&format!("0-1/{id}"))).await;
    assert_eq!(by_type_id.body["properties"]["firstname"], "Ada");
    sim.shutdown().await;
}

#[tokio::test]
async fn updates_change_only_given_properties_and_an_empty_string_clears_one() {
    let (sim, api) = start().await;
    let id = api
        .post(&objects("contacts"), contact("ada@example.com"))
        .await
        .body["id"]
        .as_str()
        .expect("id")
        .to_string();
    let updated = api
        .patch(
            &objects(&format!("contacts/{id}")),
            json!({ "properties": { "firstname": "Augusta", "lastname": "" } }),
        )
        .await;
    assert_eq!(updated.status, 200);
    let read = api.get(&objects(&format!("contacts/{id}"))).await;
    assert_eq!(read.body["properties"]["firstname"], "Augusta");
    assert_eq!(read.body["properties"]["lastname"], Value::Null);
    assert_eq!(read.body["properties"]["email"], "ada@example.com");

    let by_email = api
        .get(&objects("contacts/ADA@example.com?idProperty=email"))
        .await;
    assert_eq!(by_email.body["id"], id.as_str());
    sim.shutdown().await;
}

#[tokio::test]
async fn unknown_and_read_only_properties_are_rejected_with_hubspots_validation_message() {
    let (sim, api) = start().await;
    let response = api
        .post(
            &objects("contacts"),
            json!({ "properties": { "deeto_id": "1", "hs_object_id": "5" } }),
        )
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(response.body["category"], "VALIDATION_ERROR");
    let message = response.body["message"].as_str().expect("message");
    assert!(message.starts_with("Property values were not valid"));
    assert!(message.contains("PROPERTY_DOESNT_EXIST") && message.contains("READ_ONLY_VALUE"));
    sim.shutdown().await;
}

#[tokio::test]
async fn a_second_contact_with_the_same_email_is_a_409_naming_the_existing_id() {
    let (sim, api) = start().await;
    let first = api
        .post(&objects("contacts"), contact("ada@example.com"))
        .await;
    let second = api
        .post(&objects("contacts"), contact("Ada@Example.com"))
        .await;
    assert_eq!(second.status, 409);
    assert_eq!(second.body["category"], "CONFLICT");
    let id = first.body["id"].as_str().expect("id");
    assert!(
        second.body["message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("Existing ID: {id}")))
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn archived_records_answer_404_and_leave_the_list() {
    let (sim, api) = start().await;
    let id = api
        .post(
            &objects("companies"),
            json!({ "properties": { "name": "Acme" } }),
        )
        .await
        .body["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(
        api.delete(&objects(&format!("companies/{id}")))
            .await
            .status,
        204
    );
    let gone = api.get(&objects(&format!("companies/{id}"))).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.body["category"], "OBJECT_NOT_FOUND");
    assert_eq!(
        api.get(&objects("companies")).await.body["results"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let archived = api.get(&objects("companies?archived=true")).await;
    assert_eq!(archived.body["results"][0]["archived"], true);
    sim.shutdown().await;
}

#[tokio::test]
async fn the_list_pages_by_id_with_after_until_no_paging_is_left() {
    let (sim, api) = start().await;
    for i in 0..25 {
        api.post(
            &objects("deals"),
            json!({ "properties": { "dealname": format!("D{i}") } }),
        )
        .await;
    }
    let (mut seen, mut after) = (Vec::new(), String::new());
    loop {
        let page = api
            .get(&objects(&format!("deals?limit=10&after={after}")))
            .await;
        seen.extend(
            page.body["results"]
                .as_array()
                .expect("results")
                .iter()
                .map(|r| r["id"].as_str().expect("id").to_string()),
        );
        match page.body["paging"]["next"]["after"].as_str() {
            Some(next) => after = next.to_string(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 25);
    let mut sorted = seen.clone();
    sorted.sort_by_key(|s| s.parse::<u64>().expect("numeric"));
    assert_eq!(seen, sorted);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_ticket_needs_a_stage_of_its_pipeline_and_defaults_to_pipeline_zero() {
    let (sim, api) = start().await;
    let bad = api
        .post(
            &objects("tickets"),
            json!({ "properties": { "subject": "s", "hs_pipeline_stage": "99" } }),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("INVALID_OPTION"))
    );
    let good = api
        .post(
            &objects("tickets"),
            json!({ "properties": { "subject": "s", "hs_pipeline_stage": "1" } }),
        )
        .await;
    assert_eq!(good.status, 201);
    assert_eq!(good.body["properties"]["hs_pipeline"], "0");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_merge_keeps_the_primary_and_the_old_id_answers_as_the_survivor() {
    let (sim, api) = start().await;
    let a = api
        .post(&objects("contacts"), contact("a@example.com"))
        .await
        .body["id"]
        .as_str()
        .expect("id")
        .to_string();
    let b = api
        .post(
            &objects("contacts"),
            json!({ "properties": { "email": "b@example.com", "jobtitle": "CTO" } }),
        )
        .await
        .body["id"]
        .as_str()
        .expect("id")
        .to_string();
    let merged = api
        .post(
            &objects("contacts/merge"),
            json!({ "primaryObjectId": a, "objectIdToMerge": b }),
        )
        .await;
    assert_eq!(merged.status, 200);
    assert_eq!(merged.body["id"], a.as_str());
    assert_eq!(merged.body["properties"]["jobtitle"], "CTO");
    assert_eq!(
        merged.body["properties"]["hs_merged_object_ids"],
        b.as_str()
    );
    let old = api.get(&objects(&format!("contacts/{b}"))).await;
    assert_eq!(old.body["id"], a.as_str());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_body_that_is_not_the_expected_json_gets_hubspots_400_error_body() {
    let (sim, api) = start().await;
    let response = api
        .post(
            &objects("contacts"),
            json!({ "properties": ["not", "a", "map"] }),
        )
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(response.body["status"], "error");
    assert_eq!(response.body["category"], "VALIDATION_ERROR");
    sim.shutdown().await;
}
