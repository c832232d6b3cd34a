use super::*;
use crate::domain::ids::{ObjectId, PortalId};
use crate::sync::record::{CrmObject, RecordKey};

fn record(object: CrmObject, roles: &[Role]) -> DeetoRecord {
    let mut record = DeetoRecord::new(RecordKey::new(PortalId(1), object, ObjectId(2)));
    record.roles.extend(roles.iter().copied());
    record
}

fn deal(stage: &str, pipeline: &str) -> DeetoRecord {
    record(CrmObject::Deal, &[Role::Deal])
        .with_field("dealstage", stage, 1)
        .with_field("pipeline", pipeline, 1)
}

fn set(roles: &[Role]) -> BTreeSet<Role> {
    roles.iter().copied().collect()
}

#[test]
fn contact_relevance_follows_the_table() {
    let reference = record(CrmObject::Contact, &[Role::Reference]);
    let lead = record(CrmObject::Contact, &[Role::Lead]);
    let plain = record(CrmObject::Contact, &[]);
    let cases = [
        (None, 0, set(&[])),
        (None, 1, set(&[])),
        (Some(&plain), 0, set(&[])),
        (Some(&plain), 2, set(&[Role::Prospect])),
        (Some(&reference), 0, set(&[Role::Reference])),
        (Some(&lead), 0, set(&[Role::Lead])),
        (Some(&lead), 1, set(&[Role::Lead, Role::Prospect])),
    ];

    for (i, (record, deals, expected)) in cases.into_iter().enumerate() {
        assert_eq!(contact_roles(record, deals), expected, "case {i}");
    }
}

#[test]
fn a_deleted_or_merged_contact_is_not_relevant_whatever_its_roles() {
    let mut deleted = record(CrmObject::Contact, &[Role::Reference]);
    deleted.deleted_at_ms = Some(5);
    let mut merged = record(CrmObject::Contact, &[Role::Reference]);
    merged.merged_into = Some(ObjectId(9));

    assert!(contact_roles(Some(&deleted), 1).is_empty());
    assert!(contact_roles(Some(&merged), 1).is_empty());
}

#[test]
fn a_stored_prospect_role_is_ignored_because_prospects_are_derived() {
    let stale = record(CrmObject::Contact, &[Role::Prospect]);

    assert!(contact_roles(Some(&stale), 0).is_empty());
}

#[test]
fn company_relevance_follows_the_table() {
    let linked = record(CrmObject::Company, &[Role::Company]);
    let known = record(CrmObject::Company, &[]);
    let cases = [
        (None, 0, false),
        (None, 3, false),
        (Some(&known), 0, false),
        (Some(&known), 1, true),
        (Some(&linked), 0, true),
    ];

    for (i, (record, contacts, relevant)) in cases.into_iter().enumerate() {
        assert_eq!(
            !company_roles(record, contacts).is_empty(),
            relevant,
            "case {i}"
        );
    }
}

#[test]
fn only_a_deal_deeto_tracks_is_relevant() {
    let tracked = record(CrmObject::Deal, &[Role::Deal]);
    let untracked = record(CrmObject::Deal, &[]);

    assert_eq!(deal_roles(Some(&tracked)), set(&[Role::Deal]));
    assert!(deal_roles(Some(&untracked)).is_empty());
    assert!(deal_roles(None).is_empty());
}

#[test]
fn an_unknown_object_is_campaign_only_when_a_rule_watches_the_change() {
    assert_eq!(Relevance::decide(set(&[]), true), Relevance::CampaignOnly);
    assert_eq!(Relevance::decide(set(&[]), false), Relevance::Irrelevant);
    assert!(Relevance::decide(set(&[Role::Lead]), false).is_relevant());
}

#[test]
fn closed_stages_are_per_pipeline_with_hubspot_ids_as_fallback() {
    let closed = ClosedStages::hubspot_default().with_pipeline("77", &["1001"], &["1002"]);

    assert_eq!(
        closed.outcome(Some("default"), Some("closedwon")),
        DealOutcome::Won
    );
    assert_eq!(closed.outcome(None, Some("closedlost")), DealOutcome::Lost);
    assert_eq!(closed.outcome(Some("77"), Some("1001")), DealOutcome::Won);
    assert_eq!(closed.outcome(Some("77"), Some("1002")), DealOutcome::Lost);
    assert_eq!(
        closed.outcome(Some("77"), Some("closedwon")),
        DealOutcome::Open
    );
    assert_eq!(closed.outcome(Some("77"), None), DealOutcome::Open);
}

#[test]
fn an_active_tracked_deal_is_open_and_has_a_deeto_connection() {
    let closed = ClosedStages::hubspot_default();
    let untracked = record(CrmObject::Deal, &[]).with_field("dealstage", "qualified", 1);

    assert!(is_active_tracked_deal(
        &deal("qualified", "default"),
        &closed
    ));
    assert!(!is_active_tracked_deal(
        &deal("closedwon", "default"),
        &closed
    ));
    assert!(!is_active_tracked_deal(
        &deal("closedlost", "default"),
        &closed
    ));
    assert!(!is_active_tracked_deal(&untracked, &closed));
}
