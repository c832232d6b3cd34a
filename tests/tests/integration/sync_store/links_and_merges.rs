//! Links, roles and merges: each side written under its own "newer than stored" condition.

use std::collections::BTreeSet;

use common::domain::ids::ObjectId;
use common::sync::record::Link;
use common::sync::{CrmObject, RecordStore, Role};

use super::{PORTAL, Records, change, key};

#[tokio::test]
async fn a_late_stale_removal_cannot_undo_a_newer_association() {
    let t = Records::start().await;
    let (contact, deal) = (key(CrmObject::Contact, 201), key(CrmObject::Deal, 7));

    let added = t.store.set_link(contact, deal, true, 20).await;
    let stale_removal = t.store.set_link(contact, deal, false, 10).await;

    assert_eq!((added, stale_removal), (Ok(true), Ok(false)));
    let added_at_20 = Link {
        present: true,
        changed_at_ms: 20,
    };
    let contact_record = t.get(contact).await.expect("created");
    let deal_record = t.get(deal).await.expect("created");
    assert_eq!(
        contact_record.links[&(CrmObject::Deal, ObjectId(7))],
        added_at_20
    );
    assert_eq!(
        deal_record.links[&(CrmObject::Contact, ObjectId(201))],
        added_at_20
    );

    let removed = t.store.set_link(deal, contact, false, 30).await;
    let duplicate = t.store.set_link(contact, deal, false, 30).await;

    assert_eq!((removed, duplicate), (Ok(true), Ok(false)));
    assert!(
        t.get(contact)
            .await
            .expect("stored")
            .linked(CrmObject::Deal)
            .is_empty()
    );
    assert!(
        t.get(deal)
            .await
            .expect("stored")
            .linked(CrmObject::Contact)
            .is_empty()
    );
}

#[tokio::test]
async fn assigning_roles_creates_the_record_adds_roles_and_keeps_the_deeto_id() {
    let t = Records::start().await;
    let contact = key(CrmObject::Contact, 202);

    for (role, deeto_id) in [
        (Role::Reference, Some("dto-1")),
        (Role::Lead, None),
        (Role::Reference, None),
    ] {
        t.store
            .assign_role(contact, role, deeto_id, 1)
            .await
            .expect("assigned");
    }

    let stored = t.get(contact).await.expect("created");
    assert_eq!(stored.roles, BTreeSet::from([Role::Reference, Role::Lead]));
    assert_eq!(stored.deeto_id.as_deref(), Some("dto-1"));
    // Fields can follow a record created by a role assignment.
    let applied = t
        .store
        .apply_changes(contact, &[change("email", Some("x"), 5)], 6)
        .await;
    assert_eq!(applied.expect("applied").len(), 1);
}

#[tokio::test]
async fn a_merge_moves_roles_ids_links_and_newer_fields_and_can_be_rerun() {
    let t = Records::start().await;
    let (survivor, gone) = (key(CrmObject::Contact, 1), key(CrmObject::Contact, 2));
    let (deal7, deal8) = (key(CrmObject::Deal, 7), key(CrmObject::Deal, 8));
    let s = &t.store;
    s.assign_role(survivor, Role::Lead, None, 1)
        .await
        .expect("role");
    s.apply_changes(survivor, &[change("email", Some("new@x"), 20)], 1)
        .await
        .expect("fields");
    s.set_link(survivor, deal7, true, 30).await.expect("link");
    s.assign_role(gone, Role::Reference, Some("dto-2"), 1)
        .await
        .expect("role");
    let gone_fields = [
        change("email", Some("old@x"), 10),
        change("phone", Some("555"), 15),
    ];
    s.apply_changes(gone, &gone_fields, 1)
        .await
        .expect("fields");
    s.set_link(gone, deal7, false, 10).await.expect("link");
    s.set_link(gone, deal8, true, 12).await.expect("link");

    let first = s
        .merge(
            PORTAL,
            CrmObject::Contact,
            ObjectId(1),
            &[ObjectId(2), ObjectId(999)],
            50,
        )
        .await;
    let again = s
        .merge(
            PORTAL,
            CrmObject::Contact,
            ObjectId(1),
            &[ObjectId(2), ObjectId(999)],
            60,
        )
        .await;

    let first = first.expect("merged").expect("known ids");
    assert_eq!(first.moved, vec![ObjectId(2)]);
    let merged = &first.survivor;
    assert_eq!(merged.roles, BTreeSet::from([Role::Lead, Role::Reference]));
    assert_eq!(merged.deeto_id.as_deref(), Some("dto-2"));
    assert_eq!(
        (merged.field("email"), merged.field("phone")),
        (Some("new@x"), Some("555"))
    );
    assert_eq!(
        merged.links[&(CrmObject::Deal, ObjectId(7))],
        Link {
            present: true,
            changed_at_ms: 30
        }
    );
    assert_eq!(
        merged.linked(CrmObject::Deal),
        vec![ObjectId(7), ObjectId(8)]
    );
    assert_eq!(
        t.get(gone).await.expect("kept").merged_into,
        Some(ObjectId(1))
    );
    let deal8_contacts = t
        .get(deal8)
        .await
        .expect("stored")
        .linked(CrmObject::Contact);
    assert_eq!(deal8_contacts, vec![ObjectId(1), ObjectId(2)]);
    assert_eq!(again.expect("merged").expect("known ids"), first);
    assert!(t.get(key(CrmObject::Contact, 999)).await.is_none());
}

#[tokio::test]
async fn the_survivors_own_deeto_id_wins_a_merge() {
    let t = Records::start().await;
    let (survivor, gone) = (key(CrmObject::Company, 1), key(CrmObject::Company, 2));
    t.store
        .assign_role(survivor, Role::Company, Some("mine"), 1)
        .await
        .expect("role");
    t.store
        .assign_role(gone, Role::Company, Some("theirs"), 1)
        .await
        .expect("role");

    let result = t
        .store
        .merge(PORTAL, CrmObject::Company, ObjectId(1), &[ObjectId(2)], 5)
        .await;

    let survivor = result.expect("merged").expect("known ids").survivor;
    assert_eq!(survivor.deeto_id.as_deref(), Some("mine"));
}

#[tokio::test]
async fn merging_ids_none_of_which_is_stored_does_nothing() {
    let t = Records::start().await;

    let result = t
        .store
        .merge(PORTAL, CrmObject::Deal, ObjectId(555), &[ObjectId(556)], 5)
        .await;

    assert_eq!(result, Ok(None));
    assert!(t.get(key(CrmObject::Deal, 555)).await.is_none());
    assert!(t.get(key(CrmObject::Deal, 556)).await.is_none());
}

#[tokio::test]
async fn a_merge_into_an_unknown_survivor_creates_it_from_the_merged_record() {
    let t = Records::start().await;
    let gone = key(CrmObject::Contact, 302);
    t.store
        .assign_role(gone, Role::Reference, Some("dto-302"), 1)
        .await
        .expect("role");

    let result = t
        .store
        .merge(
            PORTAL,
            CrmObject::Contact,
            ObjectId(301),
            &[ObjectId(302)],
            5,
        )
        .await;

    let result = result.expect("merged").expect("known ids");
    assert_eq!(result.moved, vec![ObjectId(302)]);
    assert!(result.survivor.has_role(Role::Reference));
    assert_eq!(result.survivor.deeto_id.as_deref(), Some("dto-302"));
}
