use std::time::Duration;

use common::webhook::parse_batch;
use common::webhook::signature::{V3Request, verify_v1, verify_v3};
use hubspot_sim::{AssociationChange, ObjectType, SimConfig, WebhookSettings};
use serde_json::Value;

use crate::support::{PORTAL, Received, receiver};

const SECRET: &str = "sim-client-secret";

pub async fn started(
    settings: impl FnOnce(&mut WebhookSettings),
) -> (hubspot_sim::RunningSim, Received) {
    let (url, received) = receiver().await;
    let mut config = SimConfig::default();
    config.rate_limits.enabled = false;
    config.webhooks = WebhookSettings {
        target_url: Some(url),
        retry_base_ms: 20,
        batch_window_ms: 30,
        ..WebhookSettings::default()
    };
    settings(&mut config.webhooks);
    let (sim, _api) = crate::support::start_with(config).await;
    sim.create_portal(PORTAL);
    (sim, received)
}

fn of_type<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|e| e["subscriptionType"] == kind)
        .collect()
}

#[tokio::test]
async fn deliveries_are_signed_v1_and_v3_as_hubspot_signs_and_pass_the_projects_verifier() {
    let (sim, received) = started(|_| {}).await;
    sim.create_as_user(
        PORTAL,
        ObjectType::Contacts,
        &[("email", "a@example.com"), ("firstname", "Ada")],
    )
    .expect("created");
    assert!(sim.webhooks_idle(Duration::from_secs(5)).await);
    let requests = received.requests.lock().expect("lock").clone();
    assert_eq!(requests.len(), 1);
    let (headers, body) = &requests[0];
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(header("X-HubSpot-Signature-Version"), Some("v1"));
    assert_eq!(
        verify_v1(SECRET.as_bytes(), body, header("X-HubSpot-Signature")),
        Ok(())
    );
    let url = sim.webhook_settings().target_url.expect("target");
    let request = V3Request {
        method: "POST",
        uri: &url,
        body,
        signature: header("X-HubSpot-Signature-v3"),
        timestamp: header("X-HubSpot-Request-Timestamp"),
    };
    assert_eq!(
        verify_v3(SECRET.as_bytes(), &request, hubspot_sim::clock::wall_ms()),
        Ok(())
    );
    assert_eq!(
        parse_batch(body).map(|events| events.len()),
        Ok(3),
        "the project's parser accepts the batch"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_creation_sends_one_creation_and_one_property_change_per_property() {
    let (sim, received) = started(|_| {}).await;
    let id = sim
        .create_as_user(
            PORTAL,
            ObjectType::Contacts,
            &[("email", "a@example.com"), ("firstname", "Ada")],
        )
        .expect("created");
    sim.update_as_user(
        PORTAL,
        ObjectType::Contacts,
        id,
        &[("firstname", "Ada"), ("lastname", "L")],
    )
    .expect("updated");
    assert!(sim.webhooks_idle(Duration::from_secs(5)).await);
    let events = received.events();
    let creation = of_type(&events, "contact.creation");
    assert_eq!(creation.len(), 1);
    assert_eq!(creation[0]["objectId"], id);
    assert_eq!(creation[0]["portalId"], PORTAL);
    assert_eq!(creation[0]["appId"], 54321);
    assert_eq!(creation[0]["changeSource"], "CRM_UI");
    assert_eq!(creation[0]["attemptNumber"], 0);
    assert!(
        creation[0]["occurredAt"]
            .as_i64()
            .is_some_and(|t| t > 1_700_000_000_000)
    );
    let changes: Vec<(&str, &str)> = of_type(&events, "contact.propertyChange")
        .iter()
        .map(|e| {
            (
                e["propertyName"].as_str().unwrap_or(""),
                e["propertyValue"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("email", "a@example.com"),
            ("firstname", "Ada"),
            ("lastname", "L")
        ],
        "an unchanged value sends nothing"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn events_come_in_batches_of_at_most_100_per_portal() {
    let (sim, received) = started(|_| {}).await;
    for i in 0..120 {
        sim.create_as_user(PORTAL, ObjectType::Companies, &[("name", &format!("C{i}"))])
            .expect("created");
    }
    sim.create_as_user(7, ObjectType::Companies, &[("name", "elsewhere")])
        .expect("created");
    assert!(sim.webhooks_idle(Duration::from_secs(5)).await);
    let bodies = received.bodies();
    assert!(
        bodies
            .iter()
            .all(|b| b.as_array().is_some_and(|a| a.len() <= 100))
    );
    assert!(bodies.iter().all(|b| {
        b.as_array()
            .is_some_and(|a| a.iter().all(|e| e["portalId"] == a[0]["portalId"]))
    }));
    assert_eq!(received.events().len(), 242);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_failed_delivery_is_retried_with_a_growing_attempt_number() {
    let (sim, received) = started(|_| {}).await;
    received.answers.lock().expect("lock").extend([500, 503]);
    sim.create_as_user(PORTAL, ObjectType::Deals, &[("dealname", "D")])
        .expect("created");
    assert!(sim.webhooks_idle(Duration::from_secs(5)).await);
    let bodies = received.bodies();
    let attempts: Vec<&Value> = bodies.iter().map(|b| &b[0]["attemptNumber"]).collect();
    assert_eq!(attempts, [0, 1, 2]);
    assert!(
        bodies
            .iter()
            .all(|b| b[0]["eventId"] == bodies[0][0]["eventId"])
    );
    let deliveries = sim.deliveries();
    assert_eq!(
        deliveries.iter().map(|d| d.status).collect::<Vec<_>>(),
        [Some(500), Some(503), Some(200)]
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_merge_sends_a_merge_event_and_an_association_sends_one_event_per_side() {
    let (sim, received) = started(|_| {}).await;
    let a = sim
        .create_as_user(PORTAL, ObjectType::Contacts, &[("email", "a@example.com")])
        .expect("a");
    let b = sim
        .create_as_user(
            PORTAL,
            ObjectType::Contacts,
            &[("email", "b@example.com"), ("jobtitle", "CTO")],
        )
        .expect("b");
    let acme = sim
        .create_as_user(PORTAL, ObjectType::Companies, &[("name", "Acme")])
        .expect("acme");
    sim.associate_as_user(
        PORTAL,
        AssociationChange {
            from_type: ObjectType::Contacts,
            from_id: a,
            to_type: ObjectType::Companies,
            to_id: acme,
            type_id: None,
            remove: false,
        },
    )
    .expect("associated");
    sim.merge_as_user(PORTAL, ObjectType::Contacts, a, b)
        .expect("merged");
    assert!(sim.webhooks_idle(Duration::from_secs(5)).await);
    let events = received.events();
    let merge = of_type(&events, "contact.merge");
    assert_eq!(merge.len(), 1);
    assert_eq!(merge[0]["primaryObjectId"], a);
    assert_eq!(merge[0]["mergedObjectIds"], serde_json::json!([b]));
    assert_eq!(merge[0]["newObjectId"], a);
    assert_eq!(merge[0]["numberOfPropertiesMoved"], 1);
    let contact_side = of_type(&events, "contact.associationChange");
    assert_eq!(contact_side[0]["associationType"], "CONTACT_TO_COMPANY");
    assert_eq!(
        (
            contact_side[0]["fromObjectId"].clone(),
            contact_side[0]["toObjectId"].clone()
        ),
        (a.into(), acme.into())
    );
    assert_eq!(contact_side[0]["associationRemoved"], false);
    assert_eq!(
        of_type(&events, "company.associationChange")[0]["associationType"],
        "COMPANY_TO_CONTACT"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn api_writes_by_the_app_are_reported_as_integration_changes_by_its_app_id() {
    let (sim, received) = started(|_| {}).await;
    let (_, api) = (
        0,
        crate::support::Api {
            base: sim.base_url(),
            token: sim.issue_token(PORTAL).access_token,
            client: reqwest::Client::new(),
        },
    );
    api.post(
        &crate::support::objects("companies"),
        serde_json::json!({ "properties": { "name": "Acme" } }),
    )
    .await;
    assert!(sim.webhooks_idle(Duration::from_secs(5)).await);
    let events = received.events();
    assert_eq!(events[0]["changeSource"], "INTEGRATION");
    assert_eq!(events[0]["sourceId"], "54321");
    sim.shutdown().await;
}
