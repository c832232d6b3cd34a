//! Relevance, order-safe values, reads, links, merges and deletions.

use serde_json::json;

use super::*;

#[tokio::test]
async fn irrelevant_events_cost_no_hubspot_call_no_write_and_no_message() {
    let h = Harness::new().await;

    let outcome = h
        .run(vec![
            h.change("contact", 50, "jobtitle", "CTO", 100),
            h.message(json!({"subscriptionType": "contact.creation", "objectId": 51})),
            h.message(json!({"subscriptionType": "company.deletion", "objectId": 52})),
            h.link(50, 60, false, 100),
            h.change("deal", 60, "amount", "5", 100),
        ])
        .await;

    assert_eq!(outcome, BatchOutcome::default());
    assert!(h.hubspot.calls().is_empty());
    assert!(h.records.is_empty());
    assert!(h.outbox.messages().is_empty());
}

#[tokio::test]
async fn out_of_order_stale_and_duplicate_events_never_overwrite_a_newer_value() {
    let h = Harness::new().await;
    h.reference(11).await;

    let newest = h.change("contact", 11, "jobtitle", "CTO", 300);
    h.run(vec![newest.clone()]).await;
    h.run(vec![h.change("contact", 11, "jobtitle", "Engineer", 200)])
        .await;
    h.run(vec![newest]).await;

    assert_eq!(
        h.field(CrmObject::Contact, 11, "jobtitle").as_deref(),
        Some("CTO")
    );
    assert_eq!(
        h.outbox.messages().len(),
        1,
        "the stale and the duplicate publish nothing"
    );
}

#[tokio::test]
async fn a_created_relevant_record_is_read_once_in_a_batch_read() {
    let h = Harness::new().await;
    h.assign(CrmObject::Company, 20, Role::Company).await;
    h.hubspot.put(
        "companies",
        20,
        &[("name", "Acme"), ("domain", "acme.test")],
        500,
    );

    h.run(vec![
        h.message(json!({"subscriptionType": "company.creation", "objectId": 20})),
        h.change("company", 20, "name", "Acme", 100),
        h.change("company", 20, "domain", "acme.test", 100),
    ])
    .await;

    assert_eq!(h.hubspot.calls().len(), 1);
    assert_eq!(
        h.field(CrmObject::Company, 20, "domain").as_deref(),
        Some("acme.test")
    );
    assert_eq!(h.kinds(), ["record.updated.v1"]);
}

#[tokio::test]
async fn a_contact_on_an_active_tracked_deal_becomes_a_prospect_until_the_deal_closes() {
    let h = Harness::new().await;
    h.open_deal(40).await;
    h.hubspot
        .put("contacts", 11, &[("email", "bob@prospect.test")], 150);

    h.run(vec![h.link(11, 40, false, 100)]).await;
    let outcome = h
        .run(vec![h.change("contact", 11, "jobtitle", "VP", 200)])
        .await;

    assert_eq!(outcome, BatchOutcome::default());
    assert_eq!(
        h.field(CrmObject::Contact, 11, "email").as_deref(),
        Some("bob@prospect.test")
    );
    assert_eq!(
        h.field(CrmObject::Contact, 11, "jobtitle").as_deref(),
        Some("VP")
    );
    let Some(OutboundMessage::RecordUpdatedV1(update)) = h.outbox.messages().pop() else {
        panic!("no update");
    };
    assert_eq!(update.roles, [Role::Prospect]);

    h.run(vec![h.change("deal", 40, "dealstage", "closedlost", 300)])
        .await;
    let published = h.outbox.messages().len();
    h.run(vec![h.change("contact", 11, "jobtitle", "CEO", 400)])
        .await;

    assert_eq!(h.outbox.messages().len(), published, "no longer a prospect");
    assert_eq!(
        h.field(CrmObject::Contact, 11, "jobtitle").as_deref(),
        Some("VP")
    );
}

#[tokio::test]
async fn a_late_removal_does_not_undo_a_newer_association() {
    let h = Harness::new().await;
    h.open_deal(40).await;
    h.hubspot
        .put("contacts", 11, &[("email", "bob@prospect.test")], 150);

    h.run(vec![h.link(11, 40, false, 300)]).await;
    h.run(vec![h.link(11, 40, true, 200)]).await;
    h.run(vec![h.change("contact", 11, "jobtitle", "VP", 400)])
        .await;

    assert_eq!(
        h.field(CrmObject::Contact, 11, "jobtitle").as_deref(),
        Some("VP")
    );
}

#[tokio::test]
async fn a_company_is_relevant_through_a_reference_contact() {
    let h = Harness::new().await;
    h.reference(11).await;
    h.hubspot.put("companies", 20, &[("name", "Acme")], 150);

    h.run(vec![h.message(
        json!({"subscriptionType": "contact.associationChange",
        "associationType": "CONTACT_TO_COMPANY", "fromObjectId": 11, "toObjectId": 20,
        "associationRemoved": false}),
    )])
    .await;

    assert_eq!(
        h.field(CrmObject::Company, 20, "name").as_deref(),
        Some("Acme")
    );
    let Some(OutboundMessage::RecordUpdatedV1(update)) = h.outbox.messages().pop() else {
        panic!("no update");
    };
    assert_eq!(update.object_type, CrmObject::Company);
}

#[tokio::test]
async fn a_merge_moves_the_link_to_the_survivor() {
    let h = Harness::new().await;
    h.reference(12).await;
    h.hubspot
        .put("contacts", 11, &[("email", "ada@acme.test")], 600);

    h.run(vec![h.message(
        json!({"subscriptionType": "contact.merge", "objectId": 11,
        "primaryObjectId": 11, "mergedObjectIds": [12], "newObjectId": 11, "occurredAt": 500}),
    )])
    .await;

    let survivor = h
        .records
        .get(RecordKey::new(PORTAL, CrmObject::Contact, ObjectId(11)));
    let survivor = survivor.expect("survivor");
    assert!(survivor.has_role(Role::Reference));
    assert_eq!(survivor.deeto_id.as_deref(), Some("deeto-contact-12"));
    assert_eq!(survivor.field("email"), Some("ada@acme.test"));
    let merged = h
        .records
        .get(RecordKey::new(PORTAL, CrmObject::Contact, ObjectId(12)));
    assert_eq!(merged.expect("kept").merged_into, Some(ObjectId(11)));
    assert_eq!(h.kinds(), ["record.merged.v1", "record.updated.v1"]);
}

#[tokio::test]
async fn links_written_earlier_in_a_batch_count_for_later_ones() {
    let h = Harness::new().await;
    h.open_deal(40).await;
    h.hubspot
        .put("contacts", 11, &[("email", "bob@prospect.test")], 150);
    h.hubspot
        .put("companies", 20, &[("name", "Prospect Inc")], 150);

    h.run(vec![
        h.link(11, 40, false, 100),
        h.message(json!({"subscriptionType": "contact.associationChange",
            "associationType": "CONTACT_TO_COMPANY", "fromObjectId": 11, "toObjectId": 20,
            "associationRemoved": false})),
    ])
    .await;

    assert_eq!(
        h.field(CrmObject::Company, 20, "name").as_deref(),
        Some("Prospect Inc")
    );
    assert_eq!(h.hubspot.calls().len(), 2, "one batch read per object type");
}

#[tokio::test]
async fn a_reference_change_is_stored_and_published_without_reading_hubspot() {
    let h = Harness::new().await;
    h.reference(11).await;

    let outcome = h
        .run(vec![h.change("contact", 11, "jobtitle", "CTO", 100)])
        .await;

    assert_eq!(outcome, BatchOutcome::default());
    assert_eq!(
        h.field(CrmObject::Contact, 11, "jobtitle").as_deref(),
        Some("CTO")
    );
    assert_eq!(h.kinds(), ["record.updated.v1"]);
    assert!(h.hubspot.calls().is_empty());
}

#[tokio::test]
async fn deletion_marks_the_record_and_publishes_once() {
    let h = Harness::new().await;
    h.reference(11).await;
    let deletion = h.message(json!({"subscriptionType": "contact.deletion", "objectId": 11}));

    h.run(vec![deletion.clone()]).await;
    h.run(vec![
        deletion,
        h.change("contact", 11, "jobtitle", "CTO", 500),
    ])
    .await;

    let record = h
        .records
        .get(RecordKey::new(PORTAL, CrmObject::Contact, ObjectId(11)));
    assert!(record.expect("kept").deleted_at_ms.is_some());
    assert_eq!(h.kinds(), ["record.deleted.v1"]);
}

#[tokio::test]
async fn links_of_contacts_deeto_does_not_care_about_are_not_stored() {
    let h = Harness::new().await;
    h.run(vec![h.change("contact", 11, "lifecyclestage", "lead", 100)])
        .await; // campaign-only record

    h.run(vec![h.message(
        json!({"subscriptionType": "contact.associationChange",
        "associationType": "CONTACT_TO_COMPANY", "fromObjectId": 11, "toObjectId": 20,
        "associationRemoved": false}),
    )])
    .await;

    assert!(
        h.records
            .get(RecordKey::new(PORTAL, CrmObject::Company, ObjectId(20)))
            .is_none()
    );
    let contact = h
        .records
        .get(RecordKey::new(PORTAL, CrmObject::Contact, ObjectId(11)));
    assert!(contact.expect("kept").links.is_empty());
}

#[tokio::test]
async fn a_contact_joining_a_tracked_deal_again_is_read_for_values_missed_meanwhile() {
    let h = Harness::new().await;
    h.open_deal(40).await;
    h.open_deal(41).await;
    h.hubspot.put("contacts", 11, &[("jobtitle", "VP")], 150);
    h.run(vec![h.link(11, 40, false, 100)]).await;
    h.run(vec![h.change("deal", 40, "dealstage", "closedlost", 200)])
        .await;
    h.run(vec![h.change("contact", 11, "jobtitle", "CTO", 300)])
        .await; // ignored: not a prospect
    h.hubspot.put("contacts", 11, &[("jobtitle", "CTO")], 300);

    h.run(vec![h.link(11, 41, false, 400)]).await;

    assert_eq!(
        h.field(CrmObject::Contact, 11, "jobtitle").as_deref(),
        Some("CTO")
    );
}

#[tokio::test]
async fn a_privacy_deletion_erases_every_stored_value() {
    let h = Harness::new().await;
    h.reference(11).await;

    h.run(vec![h.message(
        json!({"subscriptionType": "contact.privacyDeletion", "objectId": 11, "occurredAt": 100}),
    )])
    .await;

    let record = h
        .records
        .get(RecordKey::new(PORTAL, CrmObject::Contact, ObjectId(11)))
        .expect("kept");
    assert!(record.deleted_at_ms.is_some());
    assert!(
        record.fields.values().all(|f| f.value.is_none()),
        "{:?}",
        record.fields
    );
    assert_eq!(h.kinds(), ["record.deleted.v1"]);
}
