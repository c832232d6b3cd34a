//! Campaign rules: transitions only, once per contact and campaign.

use serde_json::json;

use super::*;

#[tokio::test]
async fn a_lifecycle_rule_enrolls_an_unknown_contact_once_and_only_on_the_transition() {
    let h = Harness::new().await;

    h.run(vec![h.change(
        "contact",
        11,
        "lifecyclestage",
        "customer",
        100,
    )])
    .await;
    h.run(vec![h.change(
        "contact",
        11,
        "lifecyclestage",
        "customer",
        100,
    )])
    .await;
    h.run(vec![h.change(
        "contact",
        11,
        "lifecyclestage",
        "evangelist",
        200,
    )])
    .await;
    h.run(vec![h.change(
        "contact",
        11,
        "lifecyclestage",
        "customer",
        300,
    )])
    .await;

    assert_eq!(h.kinds(), ["campaign.enrolled.v1"]);
    assert_eq!(
        h.ledger.enrolled(),
        [(PORTAL, "reference-recruitment".to_owned(), ObjectId(11))]
    );
    assert!(h.hubspot.calls().is_empty());
}

#[tokio::test]
async fn a_stale_lifecycle_event_does_not_fire() {
    let h = Harness::new().await;

    h.run(vec![h.change(
        "contact",
        11,
        "lifecyclestage",
        "evangelist",
        300,
    )])
    .await;
    h.run(vec![h.change(
        "contact",
        11,
        "lifecyclestage",
        "customer",
        200,
    )])
    .await;

    assert!(h.outbox.messages().is_empty());
}

#[tokio::test]
async fn a_deal_closing_won_enrolls_each_of_its_contacts() {
    let h = Harness::new().await;
    h.hubspot.associate_deal(40, &[11, 12]);

    h.run(vec![h.change("deal", 40, "dealstage", "closedwon", 100)])
        .await;

    let enrolled: Vec<ObjectId> = h.ledger.enrolled().into_iter().map(|(_, _, c)| c).collect();
    assert_eq!(enrolled, [ObjectId(11), ObjectId(12)]);
    assert_eq!(h.kinds(), ["campaign.enrolled.v1", "campaign.enrolled.v1"]);
}

#[tokio::test]
async fn a_contact_known_only_for_campaigns_is_read_in_full_once_it_becomes_a_reference() {
    let h = Harness::new().await;
    h.run(vec![h.change(
        "contact",
        11,
        "lifecyclestage",
        "customer",
        100,
    )])
    .await;
    h.assign(CrmObject::Contact, 11, Role::Reference).await;
    h.hubspot.put(
        "contacts",
        11,
        &[("email", "ada@acme.test"), ("jobtitle", "CTO")],
        300,
    );

    h.run(vec![h.change("contact", 11, "jobtitle", "CTO", 300)])
        .await;

    assert_eq!(h.hubspot.calls().len(), 1);
    assert_eq!(
        h.field(CrmObject::Contact, 11, "email").as_deref(),
        Some("ada@acme.test")
    );
    h.run(vec![h.change("contact", 11, "firstname", "Ada", 400)])
        .await;
    assert_eq!(h.hubspot.calls().len(), 1, "complete now: events suffice");
}

#[tokio::test]
async fn a_new_customer_is_enrolled_whatever_else_its_creation_set() {
    let h = Harness::new().await;

    h.run(vec![
        h.message(json!({"subscriptionType": "contact.creation", "objectId": 11})),
        h.change("contact", 11, "email", "ada@acme.test", 100),
        h.change("contact", 11, "firstname", "Ada", 100),
        h.change("contact", 11, "lifecyclestage", "customer", 100),
    ])
    .await;

    assert_eq!(h.kinds(), ["campaign.enrolled.v1"]);
    assert!(
        h.hubspot.calls().is_empty(),
        "campaign-only: nothing to read"
    );
    assert_eq!(
        h.field(CrmObject::Contact, 11, "email"),
        None,
        "only watched values kept"
    );
}

#[tokio::test]
async fn a_value_read_from_hubspot_is_not_a_transition() {
    let h = Harness::new().await;
    h.assign(CrmObject::Contact, 11, Role::Reference).await;
    h.hubspot
        .put("contacts", 11, &[("lifecyclestage", "customer")], 300);

    h.run(vec![h.change("contact", 11, "jobtitle", "CTO", 300)])
        .await;

    assert_eq!(
        h.field(CrmObject::Contact, 11, "lifecyclestage").as_deref(),
        Some("customer")
    );
    assert_eq!(
        h.kinds(),
        ["record.updated.v1"],
        "a long-time customer is not enrolled"
    );
}

#[tokio::test]
async fn a_deleted_contact_is_not_enrolled_by_a_late_event() {
    let h = Harness::new().await;
    h.reference(11).await;
    h.run(vec![h.message(
        json!({"subscriptionType": "contact.deletion", "objectId": 11, "occurredAt": 100}),
    )])
    .await;

    h.run(vec![h.change(
        "contact",
        11,
        "lifecyclestage",
        "customer",
        50,
    )])
    .await;

    assert!(h.ledger.enrolled().is_empty());
}
