//! Relevance, mapped fields, order-safe updates, merges and deletions, end to end.

use std::time::Duration;

use hubspot_sim::{AssociationChange, ObjectType};

use super::*;

#[tokio::test]
async fn an_unknown_contact_costs_nothing_and_a_reference_is_read_once_then_kept_current() {
    let h = Harness::start().await;
    let ada = h.create(
        ObjectType::Contacts,
        &[("email", "ada@acme.test"), ("firstname", "Ada")],
    );
    let mark = h.sim.journal_mark();

    assert_eq!(h.sync().await, BatchOutcome::default());
    assert!(
        h.crm_calls_since(mark).is_empty(),
        "irrelevant: no HubSpot call"
    );
    assert!(
        h.record(CrmObject::Contact, ada).await.is_none(),
        "and nothing stored"
    );

    h.assign(CrmObject::Contact, ada, Role::Reference).await;
    h.update(ObjectType::Contacts, ada, &[("jobtitle", "CTO")]);
    let mark = h.sim.journal_mark();
    assert_eq!(h.sync().await, BatchOutcome::default());

    let reads = h.crm_calls_since(mark);
    assert_eq!(
        reads.len(),
        1,
        "one batch read fills in the values: {reads:?}"
    );
    assert!(reads[0].path.ends_with("/contacts/batch/read"));
    let record = h.record(CrmObject::Contact, ada).await.expect("stored");
    assert_eq!(record.field("email"), Some("ada@acme.test"));
    assert_eq!(record.field("jobtitle"), Some("CTO"));
    let messages = h.outbound(1).await;
    assert_eq!(messages[0]["type"], "record.updated.v1");
    assert_eq!(messages[0]["deetoId"], format!("deeto-{ada}"));
    assert_eq!(messages[0]["changes"]["jobtitle"]["value"], "CTO");

    h.update(
        ObjectType::Contacts,
        ada,
        &[("lastname", "Lovelace"), ("phone", "+1 555 0100")],
    );
    let mark = h.sim.journal_mark();
    assert_eq!(h.sync().await, BatchOutcome::default());
    assert!(
        h.crm_calls_since(mark).is_empty(),
        "the event carried the value"
    );
    let messages = h.outbound(1).await;
    let changes = messages[0]["changes"].as_object().expect("changes");
    assert_eq!(
        changes.keys().collect::<Vec<_>>(),
        ["lastname"],
        "unmapped phone ignored"
    );
    h.assert_no_hubspot_writes();
}

#[tokio::test]
async fn duplicated_and_reordered_deliveries_leave_the_newest_value() {
    let h = Harness::start().await;
    let ada = h.create(ObjectType::Contacts, &[("email", "ada@acme.test")]);
    h.assign(CrmObject::Contact, ada, Role::Reference).await;
    h.sync().await;
    h.outbound(1).await;
    let mut settings = h.sim.webhook_settings();
    settings.out_of_order = true;
    settings.duplicate_share = 1.0;
    h.sim.set_webhooks(settings);

    for title in ["Engineer", "Lead", "CTO"] {
        h.update(ObjectType::Contacts, ada, &[("jobtitle", title)]);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut messages = h.delivered().await;
    messages.reverse();
    let replay = messages.clone();
    assert_eq!(h.worker.process(messages).await, BatchOutcome::default());
    assert_eq!(h.worker.process(replay).await, BatchOutcome::default());

    let record = h.record(CrmObject::Contact, ada).await.expect("stored");
    assert_eq!(record.field("jobtitle"), Some("CTO"));
    let published = h.outbound(5).await;
    assert_eq!(
        published.len(),
        1,
        "one update, never re-published: {published:?}"
    );
}

#[tokio::test]
async fn a_contact_on_an_open_tracked_deal_is_a_prospect_and_its_company_follows() {
    let h = Harness::start().await;
    let bob = h.create(ObjectType::Contacts, &[("email", "bob@prospect.test")]);
    let acme = h.create(ObjectType::Companies, &[("name", "Prospect Inc")]);
    let deal = h.create(
        ObjectType::Deals,
        &[
            ("dealname", "Big one"),
            ("dealstage", "appointmentscheduled"),
            ("pipeline", "default"),
        ],
    );
    h.assign(CrmObject::Deal, deal, Role::Deal).await;
    h.sync().await;
    h.outbound(1).await;

    for (to_type, to_id) in [(ObjectType::Deals, deal), (ObjectType::Companies, acme)] {
        let link = AssociationChange {
            from_type: ObjectType::Contacts,
            from_id: bob,
            to_type,
            to_id,
            type_id: None,
            remove: false,
        };
        h.sim.associate_as_user(PORTAL, link).expect("associated");
    }
    assert_eq!(h.sync().await, BatchOutcome::default());

    let contact = h.record(CrmObject::Contact, bob).await.expect("stored");
    assert_eq!(contact.field("email"), Some("bob@prospect.test"));
    let company = h.record(CrmObject::Company, acme).await.expect("stored");
    assert_eq!(company.field("name"), Some("Prospect Inc"));
    let messages = h.outbound(2).await;
    let roles: Vec<&Value> = messages.iter().map(|m| &m["roles"][0]).collect();
    assert!(roles.contains(&&Value::from("prospect")), "{messages:?}");
    assert!(roles.contains(&&Value::from("company")), "{messages:?}");
}

#[tokio::test]
async fn a_merge_moves_the_reference_to_the_survivor_and_a_deletion_is_published() {
    let h = Harness::start().await;
    let keep = h.create(ObjectType::Contacts, &[("email", "ada@acme.test")]);
    let old = h.create(ObjectType::Contacts, &[("email", "ada@old.test")]);
    h.assign(CrmObject::Contact, old, Role::Reference).await;
    h.sync().await;
    h.outbound(1).await;

    let survivor = h
        .sim
        .merge_as_user(PORTAL, ObjectType::Contacts, keep, old)
        .expect("merged");
    assert_eq!(h.sync().await, BatchOutcome::default());

    let record = h
        .record(CrmObject::Contact, survivor)
        .await
        .expect("survivor");
    assert!(record.has_role(Role::Reference));
    assert_eq!(record.deeto_id, Some(format!("deeto-{old}")));
    let merged = h.record(CrmObject::Contact, old).await.expect("kept");
    assert_eq!(merged.merged_into, Some(ObjectId(survivor)));
    let messages = h.outbound(2).await;
    assert!(
        messages.iter().any(|m| m["type"] == "record.merged.v1"),
        "{messages:?}"
    );

    h.sim
        .archive_as_user(PORTAL, ObjectType::Contacts, survivor)
        .expect("archived");
    assert_eq!(h.sync().await, BatchOutcome::default());
    let record = h
        .record(CrmObject::Contact, survivor)
        .await
        .expect("kept, marked");
    assert!(record.deleted_at_ms.is_some());
    let messages = h.outbound(1).await;
    assert_eq!(messages[0]["type"], "record.deleted.v1");
    h.assert_no_hubspot_writes();
}
