use std::time::{Duration, Instant};

use hubspot_sim::{GenerateSpec, ObjectType};
use serde_json::json;

use crate::support::{PORTAL, objects, start};

const FIXTURE: &str = r#"{
  "groups": { "contacts": [{ "name": "deeto", "label": "Deeto" }] },
  "properties": { "contacts": [{ "name": "deeto_opt_in", "label": "Opt in", "type": "bool", "fieldType": "booleancheckbox", "groupName": "deeto" }] },
  "records": {
    "companies": [{ "key": "acme", "properties": { "name": "Acme", "domain": "acme.test" } }],
    "contacts": [{ "key": "ada", "properties": { "email": "ada@acme.test", "deeto_opt_in": "true" } }]
  },
  "associations": [{ "from": "contacts:ada", "to": "companies:acme" }]
}"#;

#[tokio::test]
async fn a_fixture_loads_properties_records_and_associations_into_a_portal() {
    let (sim, api) = start().await;
    let report = sim
        .load_fixture_json(PORTAL, FIXTURE)
        .expect("fixture loads");
    let ada = report.id("contacts:ada").expect("ada's id");
    let acme = report.id("companies:acme").expect("acme's id");
    let read = api
        .get(&objects(&format!(
            "contacts/{ada}?properties=deeto_opt_in&associations=companies"
        )))
        .await;
    assert_eq!(read.body["properties"]["deeto_opt_in"], "true");
    assert_eq!(
        read.body["associations"]["companies"]["results"][0]["id"],
        acme.to_string()
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_fixture_with_an_unknown_property_is_refused() {
    let (sim, _api) = start().await;
    let bad = json!({ "records": { "contacts": [{ "properties": { "nope": "1" } }] } }).to_string();
    assert!(sim.load_fixture_json(PORTAL, &bad).is_err());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_large_portal_of_100_000_contacts_generates_quickly_and_is_searchable() {
    let (sim, api) = start().await;
    let started = Instant::now();
    let report = sim.generate(PORTAL, GenerateSpec::default());
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    let summary = &sim.portals()[0];
    assert_eq!(
        (
            summary.contacts,
            summary.companies,
            summary.deals,
            summary.tickets
        ),
        (100_000, 10_000, 20_000, 5_000)
    );
    assert!(report.associations > 200_000);

    let contact = report.contact_ids.0 + 123;
    let record = sim
        .record(PORTAL, ObjectType::Contacts, contact)
        .expect("record");
    let email = record["properties"]["email"]
        .as_str()
        .expect("email")
        .to_string();
    let found = api
        .get(&objects(&format!(
            "contacts/{email}?idProperty=email&associations=companies"
        )))
        .await;
    assert_eq!(found.body["id"], contact.to_string());
    assert!(found.body["associations"]["companies"]["results"].is_array());
    let search = api.post(&objects("contacts/search"), json!({ "filterGroups": [{ "filters": [{ "propertyName": "lifecyclestage", "operator": "EQ", "value": "customer" }] }], "limit": 200 })).await;
    assert!(search.body["total"].as_u64().is_some_and(|t| t > 10_000));
    sim.shutdown().await;
}

#[tokio::test]
async fn the_shipped_demo_fixture_loads_with_its_ticket_linked_to_contact_and_deal() {
    let (sim, api) = start().await;
    let report = sim
        .load_fixture_json(PORTAL, include_str!("../../fixtures/demo-portal.json"))
        .expect("demo fixture loads");
    let ticket = report.id("tickets:ref-request").expect("ticket");
    let read = api
        .get(&objects(&format!(
            "tickets/{ticket}?associations=contacts,deals"
        )))
        .await;
    assert_eq!(
        read.body["associations"]["contacts"]["results"][0]["id"],
        report.ids["contacts:ada"].as_str()
    );
    assert_eq!(
        read.body["associations"]["deals"]["results"][0]["id"],
        report.ids["deals:renewal"].as_str()
    );
    sim.shutdown().await;
}
