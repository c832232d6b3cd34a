use super::*;

fn key(object: CrmObject) -> RecordKey {
    RecordKey::new(PortalId(7), object, ObjectId(11))
}

fn change(property: &str, value: &str, at: i64) -> FieldChange {
    FieldChange {
        property: property.into(),
        value: Some(value.into()),
        changed_at_ms: at,
    }
}

fn applied(property: &str, old: Option<&str>, new: &str, at: i64) -> AppliedChange {
    AppliedChange {
        property: property.into(),
        old: old.map(str::to_owned),
        new: Some(new.into()),
        changed_at_ms: at,
    }
}

#[test]
fn a_read_value_newer_than_the_event_wins_and_untracked_values_are_dropped() {
    let config = SyncConfig::repo_default();
    let events = BTreeMap::from([("jobtitle".to_owned(), change("jobtitle", "CTO", 100))]);
    let read = [
        change("jobtitle", "CEO", 150),
        change("email", "ada@acme.test", 150),
        change("hs_persona", "x", 150),
    ];
    let relevant = Relevance::Relevant {
        roles: BTreeSet::from([Role::Reference]),
    };

    let merged = merged_changes(CrmObject::Contact, &relevant, &config, &events, &read);

    let values: Vec<(&str, Option<&str>)> = merged
        .iter()
        .map(|c| (c.property.as_str(), c.value.as_deref()))
        .collect();
    assert_eq!(
        values,
        [("email", Some("ada@acme.test")), ("jobtitle", Some("CEO"))]
    );
}

#[test]
fn a_campaign_only_record_keeps_just_the_watched_properties() {
    let config = SyncConfig::repo_default();
    let events = BTreeMap::from([
        ("jobtitle".to_owned(), change("jobtitle", "CTO", 100)),
        (
            "lifecyclestage".to_owned(),
            change("lifecyclestage", "customer", 100),
        ),
    ]);

    let merged = merged_changes(
        CrmObject::Contact,
        &Relevance::CampaignOnly,
        &config,
        &events,
        &[],
    );

    assert_eq!(merged, [change("lifecyclestage", "customer", 100)]);
}

#[test]
fn an_update_message_carries_only_mapped_changes_and_the_newest_time() {
    let config = SyncConfig::repo_default();
    let roles = BTreeSet::from([Role::Reference]);
    let record = DeetoRecord::new(key(CrmObject::Contact)).with_deeto_id("ref_1");
    let changes = [
        applied("jobtitle", Some("Engineer"), "CTO", 300),
        applied("email", None, "ada@acme.test", 200),
        applied("hs_persona", None, "x", 400),
    ];

    let message = record_updated(
        key(CrmObject::Contact),
        Some(&record),
        &roles,
        &changes,
        &config,
        999,
    )
    .expect("a message");

    let OutboundMessage::RecordUpdatedV1(update) = message else {
        panic!("wrong kind");
    };
    assert_eq!(
        update.changes.keys().collect::<Vec<_>>(),
        ["email", "jobtitle"]
    );
    assert_eq!(update.occurred_at, 300);
    assert_eq!(update.deeto_id.as_deref(), Some("ref_1"));
    assert_eq!(update.roles, [Role::Reference]);
    assert!(
        record_updated(
            key(CrmObject::Contact),
            None,
            &roles,
            &changes[2..],
            &config,
            1
        )
        .is_none()
    );
}

#[test]
fn rules_fire_on_transitions_to_their_value_only() {
    let config = SyncConfig::repo_default();
    let contact = key(CrmObject::Contact);

    let fired = fired_enrollments(
        contact,
        &[applied("lifecyclestage", Some("lead"), "customer", 5)],
        &config,
    );
    let same = fired_enrollments(
        contact,
        &[applied("lifecyclestage", Some("customer"), "customer", 6)],
        &config,
    );
    let other = fired_enrollments(
        contact,
        &[applied("lifecyclestage", None, "lead", 7)],
        &config,
    );

    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].rule.campaign, "reference-recruitment");
    assert_eq!(fired[0].direct_contact(), Some(ObjectId(11)));
    assert!(same.is_empty());
    assert!(other.is_empty());
}

#[test]
fn a_deal_rule_enrolls_the_deals_contacts_not_the_deal() {
    let config = SyncConfig::repo_default();
    let deal = key(CrmObject::Deal);

    let fired = fired_enrollments(
        deal,
        &[applied(
            "dealstage",
            Some("appointmentscheduled"),
            "closedwon",
            5,
        )],
        &config,
    );

    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].direct_contact(), None);
    let OutboundMessage::CampaignEnrolledV1(message) = fired[0].message(ObjectId(3)) else {
        panic!("wrong kind");
    };
    assert_eq!(message.contact_id, ObjectId(3));
    assert_eq!(message.trigger_object_id, ObjectId(11));
    assert_eq!(message.campaign, "post-sale-advocacy");
}
