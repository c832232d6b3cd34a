//! Commands in bulk: a burst for one portal written with batch endpoints of at most 100
//! inputs, and a batch HubSpot answers in part (207) failing only the inputs it refused.

use hubspot_sim::FixtureReport;
use serde_json::json;

use super::*;
use crate::write_scope::assert_within_write_scope;

#[tokio::test]
async fn a_burst_of_commands_is_written_in_batches_of_at_most_100() {
    let h = Harness::start().await;
    let contacts: Vec<Value> = (0..150)
        .map(|i| json!({"key": format!("c{i}"), "properties": {"email": format!("ref{i}@acme.test")}}))
        .collect();
    let seeded: FixtureReport = h
        .sim
        .load_fixture_json(
            PORTAL,
            &json!({"records": {"contacts": contacts}}).to_string(),
        )
        .expect("seeded");
    let burst: Vec<(String, String)> = (0..150)
        .map(|i| {
            let contact = seeded.id(&format!("contacts:c{i}")).expect("seeded id");
            h.command(
                json!({"type": "reference.created", "id": format!("burst-{i}"),
                "contactId": contact, "deetoId": format!("ref-{i}")}),
            )
        })
        .collect();
    let mark = h.sim.journal_mark();

    let outcome = h.worker.process(burst).await;

    assert_eq!(outcome, BatchOutcome::default());
    let updates: Vec<usize> = h
        .crm_calls_since(mark)
        .iter()
        .filter(|e| e.path.ends_with("/contacts/batch/update"))
        .filter_map(|e| e.json_body())
        .map(|body| body["inputs"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(updates, [100, 50], "two batch writes for 150 commands");
    let calls = h.crm_calls_since(mark).len();
    assert!(
        calls <= 8,
        "a handful of batch calls, not one per command: {calls}"
    );
    let last = seeded.id("contacts:c149").expect("id");
    assert_eq!(
        h.property(ObjectType::Contacts, last, "deeto_id")
            .as_deref(),
        Some("ref-149")
    );
    h.assert_write_scope(&[]);
}

#[tokio::test]
async fn a_ticket_batch_answered_in_part_fails_only_the_refused_connection() {
    let h = Harness::start().await;
    let prospect = h.create(ObjectType::Contacts, &[("email", "pat@prospect.test")]);
    let reference = h.create(ObjectType::Contacts, &[("email", "ada@acme.test")]);
    let deal = |name: &str| {
        h.create(
            ObjectType::Deals,
            &[
                ("dealname", name),
                ("dealstage", "appointmentscheduled"),
                ("pipeline", "default"),
            ],
        )
    };
    let (good_deal, bad_deal) = (deal("Good"), deal("Bad"));
    let good = h.command(
        json!({"type": "connection.created", "id": "c-good", "deetoId": "conn-good",
        "prospectContactId": prospect, "referenceContactId": reference, "dealId": good_deal,
        "connectionType": "meeting", "status": "scheduled"}),
    );
    // A reference HubSpot does not have: its ticket's association is refused in the batch.
    let bad = h.command(
        json!({"type": "connection.created", "id": "c-bad", "deetoId": "conn-bad",
        "prospectContactId": prospect, "referenceContactId": 999_997, "dealId": bad_deal,
        "connectionType": "review", "status": "scheduled"}),
    );
    let mark = h.sim.journal_mark();

    let outcome = h.worker.process(vec![good.clone(), bad.clone()]).await;

    let creates: Vec<u16> = h
        .crm_calls_since(mark)
        .iter()
        .filter(|e| e.path.ends_with("/tickets/batch/create"))
        .map(|e| e.status)
        .collect();
    assert_eq!(creates, [207], "one batch, answered in part");
    assert!(
        outcome.failed_ids.is_empty(),
        "nothing to retry: {outcome:?}"
    );
    let reasons: Vec<&str> = outcome
        .permanent
        .iter()
        .map(|(id, why)| {
            assert_eq!(id, &bad.0);
            why.as_str()
        })
        .collect();
    assert_eq!(reasons.len(), 1, "{outcome:?}");
    assert!(
        reasons[0].contains("HubSpot refused the ticket"),
        "{reasons:?}"
    );
    let tickets = h.associated(ObjectType::Deals, good_deal, "tickets");
    assert_eq!(tickets.len(), 1);
    assert!(
        h.associated(ObjectType::Deals, bad_deal, "tickets")
            .is_empty()
    );
    let journal = h.sim.journal(&JournalQuery::default());
    assert_within_write_scope(&journal, &tickets);
}
