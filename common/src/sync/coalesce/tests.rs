use serde_json::json;

use super::*;

fn event(raw: serde_json::Value) -> WebhookEvent {
    let mut base = json!({"eventId": 1, "subscriptionId": 2, "portalId": 7, "occurredAt": 100});
    if let (Some(base), Some(extra)) = (base.as_object_mut(), raw.as_object()) {
        base.extend(extra.clone());
    }
    serde_json::from_value(base).expect("event")
}

fn change(object: &str, id: u64, property: &str, value: &str, at: i64) -> WebhookEvent {
    event(
        json!({"subscriptionType": format!("{object}.propertyChange"), "objectId": id,
        "propertyName": property, "propertyValue": value, "occurredAt": at}),
    )
}

fn run(events: &[WebhookEvent]) -> PortalWork {
    let ids: Vec<String> = (0..events.len()).map(|i| format!("m{i}")).collect();
    coalesce(
        ids.iter().map(String::as_str).zip(events),
        &SyncConfig::repo_default(),
    )
}

const ADA: (CrmObject, ObjectId) = (CrmObject::Contact, ObjectId(11));

#[test]
fn the_newest_value_of_each_property_wins_whatever_the_arrival_order() {
    let work = run(&[
        change("contact", 11, "jobtitle", "CTO", 300),
        change("contact", 11, "jobtitle", "Engineer", 200),
        change("contact", 11, "firstname", "Ada", 100),
    ]);

    let record = &work.records[&ADA];
    assert_eq!(record.changes["jobtitle"].value.as_deref(), Some("CTO"));
    assert_eq!(record.changes["jobtitle"].changed_at_ms, 300);
    assert_eq!(record.changes["firstname"].value.as_deref(), Some("Ada"));
    assert_eq!(work.records.len(), 1);
}

#[test]
fn unmapped_properties_and_other_objects_touch_nothing() {
    let work = run(&[
        change("contact", 11, "hs_analytics_num_visits", "3", 100),
        change("ticket", 5, "subject", "Help", 100),
        event(json!({"subscriptionType": "contact.restore", "objectId": 11})),
    ]);

    assert!(work.records.is_empty());
    assert!(work.touches.values().all(BTreeSet::is_empty));
}

#[test]
fn an_emptied_property_becomes_none() {
    let work = run(&[change("contact", 11, "jobtitle", "", 100)]);

    assert_eq!(work.records[&ADA].changes["jobtitle"].value, None);
}

#[test]
fn creation_and_deletion_keep_their_latest_time() {
    let work = run(&[
        event(json!({"subscriptionType": "contact.creation", "objectId": 11, "occurredAt": 5})),
        event(
            json!({"subscriptionType": "object.deletion", "objectTypeId": "0-1",
            "objectId": 11, "occurredAt": 9}),
        ),
    ]);

    assert_eq!(work.records[&ADA].created_at_ms, Some(5));
    assert_eq!(work.records[&ADA].deleted_at_ms, Some(9));
}

#[test]
fn a_merge_names_the_survivor_and_the_records_merged_into_it() {
    let work = run(&[event(
        json!({"subscriptionType": "contact.merge", "objectId": 11,
        "primaryObjectId": 11, "mergedObjectIds": [12, 11], "newObjectId": 11,
        "numberOfPropertiesMoved": 3}),
    )]);

    assert_eq!(
        work.merges,
        [Merge {
            object: CrmObject::Contact,
            survivor: ObjectId(11),
            merged: vec![ObjectId(12)],
            at_ms: 100,
        }]
    );
    assert_eq!(work.touches["m0"].len(), 2);
}

#[test]
fn both_sides_of_an_association_change_become_one_change() {
    let work = run(&[
        event(json!({"subscriptionType": "contact.associationChange",
            "associationType": "CONTACT_TO_DEAL", "fromObjectId": 11, "toObjectId": 40,
            "associationRemoved": false})),
        event(json!({"subscriptionType": "deal.associationChange",
            "associationType": "DEAL_TO_CONTACT", "fromObjectId": 40, "toObjectId": 11,
            "associationRemoved": false})),
        event(json!({"subscriptionType": "contact.associationChange",
            "associationType": "CONTACT_TO_CONTACT", "fromObjectId": 11, "toObjectId": 12})),
    ]);

    let expected = AssociationChange {
        contact: ObjectId(11),
        other: CrmObject::Deal,
        other_id: ObjectId(40),
        present: true,
        at_ms: 100,
    };
    assert_eq!(work.associations.iter().collect::<Vec<_>>(), [&expected]);
    assert!(work.touches["m2"].is_empty());
}

#[test]
fn touches_map_each_message_to_its_records() {
    let work = run(&[
        change("contact", 11, "jobtitle", "CTO", 1),
        change("company", 20, "name", "Acme", 1),
    ]);

    assert_eq!(work.touches["m0"], BTreeSet::from([ADA]));
    assert_eq!(
        work.touches["m1"],
        BTreeSet::from([(CrmObject::Company, ObjectId(20))])
    );
}
