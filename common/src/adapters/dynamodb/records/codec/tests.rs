//! Item ↔ record round trips, and the errors unreadable items give.

use super::*;
use crate::adapters::dynamodb::item::s;

fn key() -> RecordKey {
    RecordKey::new(PortalId(62515), CrmObject::Contact, ObjectId(101))
}

/// The whole item, as a bulk import writes it.
fn item_of(record: &DeetoRecord) -> Item {
    record_item(record)
}

#[test]
fn a_full_record_survives_the_round_trip() {
    let mut record = DeetoRecord::new(key())
        .with_role(Role::Reference)
        .with_role(Role::Lead)
        .with_deeto_id("dto-1")
        .with_field("email", "a@b.c", 5);
    record.fields.insert(
        "phone".into(),
        FieldValue {
            value: None,
            changed_at_ms: 6,
        },
    );
    let link = Link {
        present: false,
        changed_at_ms: 7,
    };
    record.links.insert((CrmObject::Deal, ObjectId(9)), link);
    record.deleted_at_ms = Some(8);
    record.merged_into = Some(ObjectId(102));
    record.last_sync_ms = Some(10);

    assert_eq!(record_from(&item_of(&record)), Ok(record));
}

#[test]
fn a_record_with_only_its_key_reads_as_a_new_record() {
    let item = Item::from([
        ("pk".into(), s("PORTAL#62515")),
        ("sk".into(), s("RECORD#contact#101")),
    ]);

    assert_eq!(record_from(&item), Ok(DeetoRecord::new(key())));
}

#[test]
fn roles_stored_as_a_list_are_read() {
    let mut item = item_of(&DeetoRecord::new(key()));
    item.insert(
        ROLES.into(),
        AttributeValue::L(vec![s("deal"), s("company")]),
    );

    let roles = record_from(&item).expect("readable").roles;

    assert_eq!(roles, BTreeSet::from([Role::Company, Role::Deal]));
}

#[test]
fn unreadable_items_are_corrupt_and_say_what_is_wrong() {
    let good = item_of(&DeetoRecord::new(key()).with_field("email", "x", 1));
    let cases: [(&str, AttributeValue, &str); 3] = [
        (
            FIELDS,
            AttributeValue::S("oops".into()),
            "`fields` is not a map",
        ),
        (
            FIELDS,
            AttributeValue::M(HashMap::from([(
                "email".into(),
                AttributeValue::M(HashMap::new()),
            )])),
            "field `email`",
        ),
        (
            LINKS,
            AttributeValue::M(HashMap::from([(
                "ticket#1".into(),
                link_value(&Link {
                    present: true,
                    changed_at_ms: 1,
                }),
            )])),
            "link key `ticket#1`",
        ),
    ];
    for (name, value, expected) in cases {
        let mut item = good.clone();
        item.insert(name.into(), value);

        let err = record_from(&item).expect_err(expected);

        assert!(
            matches!(&err, StoreError::Corrupt(m) if m.contains(expected)),
            "{err}"
        );
    }
    let mut bad_key = good;
    bad_key.insert("sk".into(), s("RECORD#contact#abc"));
    assert!(matches!(record_from(&bad_key), Err(StoreError::Corrupt(_))));
}

#[test]
fn the_old_value_comes_from_the_updated_old_attributes() {
    let old = Item::from([(
        FIELDS.into(),
        AttributeValue::M(HashMap::from([(
            "email".into(),
            field_value(&FieldValue {
                value: Some("old@x".into()),
                changed_at_ms: 1,
            }),
        )])),
    )]);

    assert_eq!(old_value(Some(&old), "email"), Some("old@x".into()));
    assert_eq!(old_value(Some(&old), "phone"), None);
    assert_eq!(old_value(None, "email"), None);
}

#[test]
fn a_role_this_version_does_not_know_is_skipped_not_fatal() {
    let mut item = item_of(&DeetoRecord::new(key()).with_role(Role::Reference));
    item.insert(
        ROLES.into(),
        AttributeValue::Ss(vec!["vip".into(), "reference".into()]),
    );

    let record = record_from(&item).expect("readable");

    assert_eq!(
        record.roles.into_iter().collect::<Vec<_>>(),
        [Role::Reference]
    );
}
