//! The checker itself, on hand-made journals: it accepts every write Deeto makes and lists
//! every request outside them (no moto needed).

use hubspot_sim::JournalEntry;
use serde_json::{Value, json};

use super::assert_within_write_scope;
use common::hubspot::version::{API_VERSION, OAUTH_VERSION};

const OWNED: u64 = 501;

fn entry(seq: u64, method: &str, path: &str, body: Value) -> JournalEntry {
    JournalEntry {
        seq,
        at_ms: 0,
        portal_id: Some(62515),
        method: method.to_owned(),
        path: path
            .replace("{v}", API_VERSION)
            .replace("{oauth}", OAUTH_VERSION),
        query: String::new(),
        body: if body.is_null() {
            String::new()
        } else {
            body.to_string()
        },
        status: 200,
        fault: None,
    }
}

fn journal(requests: Vec<(&str, &str, Value)>) -> Vec<JournalEntry> {
    requests
        .into_iter()
        .enumerate()
        .map(|(i, (method, path, body))| entry(i as u64 + 1, method, path, body))
        .collect()
}

fn failure(journal: &[JournalEntry], tickets: &[u64]) -> String {
    let outcome = std::panic::catch_unwind(|| assert_within_write_scope(journal, tickets));
    let payload = outcome.expect_err("the checker must object");
    payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn every_write_deeto_makes_is_within_scope() {
    let deeto_id = json!({"properties": {"deeto_id": "r-1"}});
    let lead = json!({"properties": {"email": "a@b.c", "firstname": "Ada", "lastname": "L", "company": "X", "jobtitle": "Y", "deeto_id": "l-1"}, "objectWriteTraceId": "0"});
    let ticket = json!({"properties": {"subject": "s", "content": "c", "hs_pipeline": "0", "hs_pipeline_stage": "1", "deeto_id": "c-1", "deeto_status": "new", "deeto_type": "meeting"},
        "associations": [{"to": {"id": "101"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 16}]},
                         {"to": {"id": "301"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 28}]}]});
    let property = json!({"name": "deeto_type", "label": "Deeto_type", "type": "enumeration", "fieldType": "select", "groupName": "deeto", "options": []});
    let journal = journal(vec![
        ("GET", "/crm/objects/{v}/contacts/101", Value::Null),
        ("POST", "/oauth/{oauth}/token", Value::Null),
        (
            "POST",
            "/crm/objects/{v}/contacts/batch/read",
            json!({"inputs": [{"id": "a@b.c"}], "idProperty": "email"}),
        ),
        (
            "POST",
            "/crm/associations/{v}/contacts/companies/batch/read",
            json!({"inputs": []}),
        ),
        ("PATCH", "/crm/objects/{v}/companies/201", deeto_id.clone()),
        (
            "POST",
            "/crm/objects/{v}/deals/batch/update",
            json!({"inputs": [{"id": "301", "properties": {"deeto_id": "c-1"}}]}),
        ),
        (
            "POST",
            "/crm/objects/{v}/contacts/batch/create",
            json!({"inputs": [lead]}),
        ),
        (
            "POST",
            "/crm/objects/{v}/tickets/batch/create",
            json!({"inputs": [ticket]}),
        ),
        (
            "PATCH",
            "/crm/objects/{v}/tickets/501",
            json!({"properties": {"deeto_status": "done"}}),
        ),
        (
            "POST",
            "/crm/objects/{v}/tickets/batch/update",
            json!({"inputs": [{"id": "501", "properties": {"subject": "t"}}]}),
        ),
        (
            "PUT",
            "/crm/objects/{v}/tickets/501/associations/default/deals/301",
            Value::Null,
        ),
        (
            "POST",
            "/crm/associations/{v}/tickets/contacts/batch/associate/default",
            json!({"inputs": [{"from": {"id": "501"}, "to": {"id": "102"}}]}),
        ),
        (
            "POST",
            "/crm/properties/{v}/tickets/groups",
            json!({"name": "deeto", "label": "Deeto", "displayOrder": -1}),
        ),
        ("POST", "/crm/properties/{v}/tickets", property),
    ]);

    assert_within_write_scope(&journal, &[OWNED]);
}

#[test]
fn every_request_outside_the_scope_is_listed() {
    let journal = journal(vec![
        ("DELETE", "/crm/objects/{v}/contacts/101", Value::Null),
        (
            "POST",
            "/crm/objects/{v}/contacts/batch/archive",
            json!({"inputs": [{"id": "101"}]}),
        ),
        (
            "POST",
            "/crm/objects/{v}/contacts/merge",
            json!({"primaryObjectId": "1", "objectIdToMerge": "2"}),
        ),
        (
            "PATCH",
            "/crm/objects/{v}/contacts/101",
            json!({"properties": {"email": "x@y.z"}}),
        ),
        (
            "PATCH",
            "/crm/objects/{v}/products/1",
            json!({"properties": {"deeto_id": "x"}}),
        ),
        (
            "PATCH",
            "/crm/objects/{v}/tickets/999",
            json!({"properties": {"deeto_status": "done"}}),
        ),
        (
            "PUT",
            "/crm/objects/{v}/tickets/501/associations/default/companies/201",
            Value::Null,
        ),
        (
            "POST",
            "/crm/associations/{v}/tickets/deals/batch/associate/default",
            json!({"inputs": [{"from": {"id": "999"}, "to": {"id": "301"}}]}),
        ),
        (
            "POST",
            "/crm/objects/{v}/contacts",
            json!({"properties": {"email": "a@b.c", "phone": "555"}}),
        ),
        (
            "POST",
            "/crm/properties/{v}/contacts",
            json!({"name": "lifecyclestage", "groupName": "deeto"}),
        ),
        (
            "PATCH",
            "/crm/objects/{v}/contacts/../companies/201",
            json!({"properties": {"deeto_id": "x"}}),
        ),
        (
            "POST",
            "/crm/objects/{v}/companies",
            json!({"properties": {"name": "Acme"}}),
        ),
    ]);

    let message = failure(&journal, &[OWNED]);

    assert!(
        message.starts_with("1 DELETE requests; 12 requests outside"),
        "{message}"
    );
    for seq in 1..=journal.len() {
        assert!(
            message.contains(&format!("#{seq} ")),
            "#{seq} missing from:\n{message}"
        );
    }
}

#[test]
fn a_ticket_is_deetos_only_when_the_test_says_so() {
    let journal = journal(vec![(
        "PUT",
        "/crm/objects/{v}/tickets/501/associations/default/contacts/101",
        Value::Null,
    )]);

    assert_within_write_scope(&journal, &[OWNED]);
    assert!(failure(&journal, &[]).contains("ticket 501 is not Deeto's"));
}
