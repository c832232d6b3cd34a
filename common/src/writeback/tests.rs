//! The write path's decisions without HubSpot: what is sent, what is skipped, how failures are
//! classified. The flows themselves run against the simulator in
//! `tests/tests/integration/sync_worker/commands.rs`.

use serde_json::json;

use super::*;
use crate::adapters::memory::{MemoryCommandLedger, MemoryTicketStore};
use crate::domain::ids::ObjectId;
use crate::hubspot::HubSpotErrorKind;
use crate::ports::DeetoTicket;
use crate::sync::fake_hubspot::FakeHubSpot;
use crate::sync::memory::MemoryRecords;

const PORTAL: PortalId = PortalId(7);

struct Fixture {
    api: FakeHubSpot,
    records: MemoryRecords,
    tickets: MemoryTicketStore,
    ledger: MemoryCommandLedger,
    config: SyncConfig,
}

impl Fixture {
    fn new() -> Self {
        Self {
            api: FakeHubSpot::default(),
            records: MemoryRecords::default(),
            tickets: MemoryTicketStore::default(),
            ledger: MemoryCommandLedger::default(),
            config: SyncConfig::repo_default(),
        }
    }

    fn writer(&self) -> Writer<'_> {
        Writer {
            api: &self.api,
            records: &self.records,
            tickets: &self.tickets,
            ledger: &self.ledger,
            config: &self.config,
            portal: PORTAL,
            now_ms: 1_000,
        }
    }
}

fn command(raw: serde_json::Value) -> DeetoCommand {
    serde_json::from_value(raw).expect("valid command")
}

fn reference(id: &str) -> DeetoCommand {
    command(json!({"type": "reference.created", "id": id, "contactId": 11, "deetoId": "d-11"}))
}

#[tokio::test]
async fn a_command_already_done_is_acknowledged_without_calling_hubspot() {
    let f = Fixture::new();
    let done = reference("cmd-1");
    f.ledger
        .mark_done(PORTAL, done.id(), 1)
        .await
        .expect("recorded");

    let outcomes = f
        .writer()
        .carry_out(vec![("m1".into(), Said::at(1), done)])
        .await;

    assert_eq!(outcomes["m1"], Ok(()));
    assert!(f.api.calls().is_empty());
}

#[tokio::test]
async fn a_hubspot_outage_fails_the_commands_transiently_and_records_nothing() {
    let f = Fixture::new();
    f.api.fail_with(Some(HubSpotErrorKind::Upstream));

    let outcomes = f
        .writer()
        .carry_out(vec![("m1".into(), Said::at(1), reference("cmd-1"))])
        .await;

    assert!(
        matches!(outcomes["m1"], Err(Failure::Transient(_))),
        "{outcomes:?}"
    );
    assert_eq!(f.ledger.done_at(PORTAL, &CommandId("cmd-1".into())), None);
    assert!(f.records.is_empty());
}

#[tokio::test]
async fn an_update_of_an_unknown_connection_waits_then_is_refused_without_calling_hubspot() {
    let f = Fixture::new();
    let update = command(
        json!({"type": "connection.updated", "id": "u1", "deetoId": "never", "status": "done"}),
    );

    let long_ago = 1_000 - 16 * 60_000;
    let fresh = f
        .writer()
        .carry_out(vec![("m1".into(), Said::at(1_000), update.clone())])
        .await;
    let stale = f
        .writer()
        .carry_out(vec![("m1".into(), Said::at(long_ago), update)])
        .await;

    assert!(
        matches!(&fresh["m1"], Err(Failure::Transient(_))),
        "may have overtaken its creation: {fresh:?}"
    );
    let Err(Failure::Permanent(reason)) = &stale["m1"] else {
        panic!("{stale:?}");
    };
    assert!(reason.contains("unknown connection never"), "{reason}");
    assert!(f.api.calls().is_empty());
}

#[test]
fn a_new_ticket_goes_to_the_tenants_pipeline_and_is_associated_with_deal_and_contacts() {
    let mut f = Fixture::new();
    f.config.tickets = crate::sync::config::TicketSettings {
        pipeline: "777".into(),
        stage: "778".into(),
    };
    let ticket = DeetoTicket {
        ticket_id: ObjectId(0),
        connection: "conn-1".into(),
        deal_id: ObjectId(40),
        contacts: vec![ObjectId(11), ObjectId(12)],
        status: "scheduled".into(),
        kind: "video_testimonial".into(),
        status_order: 0,
        kind_order: 0,
    };

    let input = f.writer().ticket_input(&ticket, None);

    let props = &input["properties"];
    assert_eq!(props["hs_pipeline"], "777");
    assert_eq!(props["hs_pipeline_stage"], "778");
    assert_eq!(props["deeto_id"], "conn-1");
    assert_eq!(props["deeto_type"], "video_testimonial");
    assert_eq!(
        props["subject"],
        "Deeto reference connection (video testimonial)"
    );
    let links: Vec<(String, u64)> = input["associations"]
        .as_array()
        .expect("associations")
        .iter()
        .map(|a| {
            let to = a["to"]["id"].as_str().unwrap_or_default().to_owned();
            (
                to,
                a["types"][0]["associationTypeId"]
                    .as_u64()
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        links,
        [("40".into(), 28), ("11".into(), 16), ("12".into(), 16)]
    );
}

#[test]
fn a_lead_is_created_with_its_fields_and_nothing_absent() {
    let DeetoCommand::LeadCreated(lead) = command(json!({"type": "lead.created", "id": "l1",
        "deetoId": "dl", "email": "cy@x.test", "firstName": "Cy", "lastName": "Young"}))
    else {
        panic!("a lead");
    };

    let props = leads::lead_properties(&lead);

    let names: Vec<&str> = props.keys().map(String::as_str).collect();
    assert_eq!(names, ["deeto_id", "email", "firstname", "lastname"]);
}

#[tokio::test]
async fn a_command_delivered_twice_in_one_batch_is_done_once() {
    let f = Fixture::new();
    f.api.fail_with(Some(HubSpotErrorKind::Upstream));

    let outcomes = f
        .writer()
        .carry_out(vec![
            ("m1".into(), Said::at(1), reference("cmd-1")),
            ("m2".into(), Said::at(1), reference("cmd-1")),
        ])
        .await;

    assert_eq!(outcomes["m1"], outcomes["m2"]);
    assert_eq!(f.api.calls().len(), 1, "one attempt for both copies");
}
