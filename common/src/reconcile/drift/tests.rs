use super::*;
use crate::domain::ids::PortalId;
use crate::sync::record::{Link, RecordKey};

const NOW: i64 = 10_000;

fn stored(object: CrmObject, id: u64) -> DeetoRecord {
    DeetoRecord::new(RecordKey::new(PortalId(1), object, ObjectId(id)))
}

fn read(id: u64, at: i64, props: &[(&str, Option<&str>)]) -> ReadRecord {
    ReadRecord {
        id: ObjectId(id),
        changes: props
            .iter()
            .map(|(p, v)| FieldChange {
                property: (*p).to_owned(),
                value: v.map(str::to_owned),
                changed_at_ms: at,
            })
            .collect(),
    }
}

fn tracked() -> BTreeSet<String> {
    ["jobtitle", "email"].map(str::to_owned).into()
}

#[test]
fn a_value_changed_without_a_webhook_is_drift_and_an_equal_one_is_not() {
    let ada = stored(CrmObject::Contact, 1)
        .with_field("jobtitle", "CTO", 100)
        .with_field("email", "ada@x.test", 100);
    let now = read(
        1,
        500,
        &[("jobtitle", Some("CEO")), ("email", Some("ada@x.test"))],
    );

    let drift = compare(CrmObject::Contact, &[&ada], &[now], &tracked(), NOW);

    let work = &drift.work.records[&(CrmObject::Contact, ObjectId(1))];
    assert_eq!(work.changes.keys().collect::<Vec<_>>(), ["jobtitle"]);
    assert_eq!(work.changes["jobtitle"].changed_at_ms, 500);
    assert_eq!(
        drift.fields[&ObjectId(1)]["jobtitle"].as_deref(),
        Some("CEO")
    );
    assert!(work.deleted_at_ms.is_none());
}

#[test]
fn a_value_deeto_holds_from_a_newer_event_is_not_overwritten_by_an_older_read() {
    let ada = stored(CrmObject::Contact, 1).with_field("jobtitle", "CTO", 900);
    let now = read(1, 500, &[("jobtitle", Some("CEO"))]);

    let drift = compare(CrmObject::Contact, &[&ada], &[now], &tracked(), NOW);

    assert!(drift.work.records.is_empty());
}

#[test]
fn untracked_properties_are_not_drift() {
    let ada = stored(CrmObject::Contact, 1);
    let now = read(1, 500, &[("phone", Some("123"))]);
    let drift = compare(CrmObject::Contact, &[&ada], &[now], &tracked(), NOW);
    assert!(drift.work.records.is_empty());
}

#[test]
fn a_missing_or_wrong_deeto_id_is_written_again_and_an_unset_one_is_left_alone() {
    let reference = stored(CrmObject::Contact, 1).with_deeto_id("ref-1");
    let wrong = stored(CrmObject::Contact, 2).with_deeto_id("ref-2");
    let right = stored(CrmObject::Contact, 3).with_deeto_id("ref-3");
    let no_id = stored(CrmObject::Contact, 4);
    let read = [
        read(1, 5, &[("deeto_id", None)]),
        read(2, 5, &[("deeto_id", Some("someone-else"))]),
        read(3, 5, &[("deeto_id", Some("ref-3"))]),
        read(4, 5, &[("deeto_id", Some("typed-by-a-user"))]),
    ];

    let all = [&reference, &wrong, &right, &no_id];
    let drift = compare(CrmObject::Contact, &all, &read, &tracked(), NOW);

    let expected: BTreeMap<ObjectId, String> = [
        (ObjectId(1), "ref-1".to_owned()),
        (ObjectId(2), "ref-2".to_owned()),
    ]
    .into();
    assert_eq!(drift.deeto_ids, expected);
}

#[test]
fn a_record_hubspot_no_longer_has_is_deleted_and_one_answering_as_another_was_merged() {
    let gone = stored(CrmObject::Company, 1);
    let merged_a = stored(CrmObject::Company, 2);
    let merged_b = stored(CrmObject::Company, 3);
    let survivor = read(9, 5, &[("hs_merged_object_ids", Some("3;2"))]);

    let all = [&gone, &merged_a, &merged_b];
    let drift = compare(CrmObject::Company, &all, &[survivor], &tracked(), NOW);

    let deleted = &drift.work.records[&(CrmObject::Company, ObjectId(1))];
    assert_eq!(deleted.deleted_at_ms, Some(NOW));
    assert_eq!(drift.work.merges.len(), 1);
    let merge = &drift.work.merges[0];
    assert_eq!(merge.survivor, ObjectId(9));
    assert_eq!(merge.merged, vec![ObjectId(2), ObjectId(3)]);
    assert_eq!(merge.at_ms, NOW);
}

#[test]
fn contacts_added_to_and_removed_from_a_tracked_deal_become_association_changes() {
    let mut deal = stored(CrmObject::Deal, 50).with_role(Role::Deal);
    let present = Link {
        present: true,
        changed_at_ms: 1,
    };
    deal.links
        .insert((CrmObject::Contact, ObjectId(1)), present);
    deal.links
        .insert((CrmObject::Contact, ObjectId(2)), present);
    let untracked = stored(CrmObject::Deal, 60);
    let associated = |ids: &[u64]| {
        ids.iter()
            .map(|id| Associated {
                id: ObjectId(*id),
                type_ids: vec![3],
            })
            .collect::<Vec<_>>()
    };
    let hubspot: BTreeMap<ObjectId, Vec<Associated>> = [
        (ObjectId(50), associated(&[2, 3])),
        (ObjectId(60), associated(&[7])),
    ]
    .into();

    let changes = deal_contacts(&[&deal, &untracked], &hubspot, NOW);

    let seen: Vec<(u64, bool)> = changes.iter().map(|c| (c.contact.0, c.present)).collect();
    assert_eq!(seen, [(1, false), (3, true)]);
    assert!(changes.iter().all(|c| c.other_id == ObjectId(50)));
}
