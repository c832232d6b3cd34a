//! Campaign rules from the repo defaults and from a tenant's stored overrides.

use hubspot_sim::{AssociationChange, ObjectType};

use super::*;

#[tokio::test]
async fn a_contact_becoming_a_customer_is_enrolled_once_even_if_it_happens_again() {
    let h = Harness::start().await;
    let ada = h.create(
        ObjectType::Contacts,
        &[("email", "ada@acme.test"), ("lifecyclestage", "lead")],
    );
    h.sync().await;

    h.update(ObjectType::Contacts, ada, &[("lifecyclestage", "customer")]);
    let mark = h.sim.journal_mark();
    assert_eq!(h.sync().await, BatchOutcome::default());
    assert!(
        h.crm_calls_since(mark).is_empty(),
        "the event carried the stage"
    );
    let messages = h.outbound(1).await;
    assert_eq!(messages[0]["type"], "campaign.enrolled.v1");
    assert_eq!(messages[0]["campaign"], "reference-recruitment");
    assert_eq!(messages[0]["contactId"], ada);

    h.update(
        ObjectType::Contacts,
        ada,
        &[("lifecyclestage", "evangelist")],
    );
    h.sync().await;
    h.update(ObjectType::Contacts, ada, &[("lifecyclestage", "customer")]);
    h.sync().await;
    assert!(
        h.outbound(1).await.is_empty(),
        "once per contact and campaign"
    );
}

#[tokio::test]
async fn a_deal_closing_won_enrolls_its_contacts_with_one_association_read() {
    let h = Harness::start().await;
    let deal = h.create(
        ObjectType::Deals,
        &[
            ("dealname", "Won"),
            ("dealstage", "appointmentscheduled"),
            ("pipeline", "default"),
        ],
    );
    let contacts: Vec<u64> = ["a@x.test", "b@x.test"]
        .iter()
        .map(|email| h.create(ObjectType::Contacts, &[("email", email)]))
        .collect();
    for contact in &contacts {
        let link = AssociationChange {
            from_type: ObjectType::Deals,
            from_id: deal,
            to_type: ObjectType::Contacts,
            to_id: *contact,
            type_id: None,
            remove: false,
        };
        h.sim.associate_as_user(PORTAL, link).expect("associated");
    }
    h.sync().await;

    h.update(ObjectType::Deals, deal, &[("dealstage", "closedwon")]);
    let mark = h.sim.journal_mark();
    assert_eq!(h.sync().await, BatchOutcome::default());

    assert_eq!(h.crm_calls_since(mark).len(), 1);
    let messages = h.outbound(2).await;
    let mut enrolled: Vec<u64> = messages
        .iter()
        .filter_map(|m| m["contactId"].as_u64())
        .collect();
    enrolled.sort_unstable();
    assert_eq!(enrolled, contacts);
    assert!(
        messages
            .iter()
            .all(|m| m["campaign"] == "post-sale-advocacy")
    );
}

#[tokio::test]
async fn a_tenant_override_replaces_the_default_rules() {
    let h = Harness::start().await;
    let configs = DynamoSyncConfig::new(
        aws_sdk_dynamodb::Client::new(&h.stack.sdk),
        h.stack.reference("Table"),
        SyncConfig::repo_default(),
        Arc::new(SystemClock),
    );
    let overrides = r#"{"campaigns": {"disable": ["contact-became-customer"], "rules": [
        {"id": "evangelists", "object": "contact", "property": "lifecyclestage",
         "toValue": "evangelist", "enroll": "contact", "campaign": "advocates"}]}}"#;
    configs
        .put_overrides(&h.tenant, overrides, now_ms())
        .await
        .expect("stored");
    let ada = h.create(ObjectType::Contacts, &[("email", "ada@acme.test")]);
    h.sync().await;

    h.update(ObjectType::Contacts, ada, &[("lifecyclestage", "customer")]);
    h.sync().await;
    h.update(
        ObjectType::Contacts,
        ada,
        &[("lifecyclestage", "evangelist")],
    );
    h.sync().await;

    let messages = h.outbound(2).await;
    let campaigns: Vec<&Value> = messages.iter().map(|m| &m["campaign"]).collect();
    assert_eq!(campaigns, ["advocates"]);
}
