//! After the soak: what reached Deeto, what was set aside, what was lost or done twice. Each
//! figure comes from the systems themselves (the simulator's deliveries, journal and records,
//! DynamoDB, the outbound and dead-letter queues), checked against the scenario's truth.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Duration;

use common::adapters::dynamodb::records::DynamoRecordStore;
use common::domain::ids::{ObjectId, PortalId};
use common::sync::{CrmObject, DeetoRecord, RecordStore, Role};
use hubspot_sim::store::table::Record;
use hubspot_sim::{JournalQuery, ObjectType, RunningSim};
use integration_tests::TestStack;
use serde_json::Value;

use super::PORTAL;
use super::inbox::{Received, receive};
use super::pump::{PumpState, message_key};
use super::scenario::Scenario;

/// The soak's figures; `lost` and `twice` list each finding.
#[derive(Debug, Default)]
pub struct Tally {
    pub published: u64,
    pub undelivered: u64,
    pub events_sent: usize,
    pub commands_sent: usize,
    pub applied: usize,
    pub dead_letters: BTreeMap<String, usize>,
    pub lost: Vec<String>,
    pub twice: Vec<String>,
    pub unexpected: Vec<String>,
    pub outbound: usize,
    pub outbound_redundant: usize,
    pub hubspot_calls: usize,
    pub answered_429: usize,
    pub injected: BTreeMap<String, usize>,
    pub writes: usize,
}

pub async fn tally(
    stack: &TestStack,
    sim: &RunningSim,
    scenario: &Scenario<'_>,
    pump: &PumpState,
    command_keys: &HashSet<String>,
    outbound: &[Received],
) -> Tally {
    let mut tally = Tally {
        published: sim.events_published(),
        commands_sent: command_keys.len(),
        ..Tally::default()
    };
    let delivered: HashSet<String> = (sim.deliveries().iter())
        .filter(|d| d.succeeded())
        .flat_map(|d| d.event_ids.iter().map(|id| format!("event:{id}")))
        .collect();
    tally.undelivered = tally.published.saturating_sub(delivered.len() as u64);
    tally.events_sent = delivered.len();
    let sent: HashSet<&String> = delivered.iter().chain(command_keys).collect();
    let acked = pump.acked.lock().await;
    tally.applied = sent.iter().filter(|k| acked.contains(k.as_str())).count();
    let dead = drain(stack, &stack.reference("SyncDeadLetterQueue")).await;
    let mut dead_keys = HashSet::new();
    for (body, attributes) in &dead {
        dead_keys.insert(message_key(body));
        let reason = attributes
            .get("reason")
            .cloned()
            .unwrap_or_else(|| "failed 5 deliveries (redrive policy)".into());
        *tally.dead_letters.entry(reason).or_default() += 1;
    }
    for key in &sent {
        if !acked.contains(key.as_str()) && !dead_keys.contains(key.as_str()) {
            tally
                .lost
                .push(format!("{key}: never applied and not in the DLQ"));
        }
    }
    drop(acked);
    check_outbound(outbound, scenario, &mut tally);
    check_hubspot(sim, scenario, &mut tally);
    check_records(stack, sim, scenario, &mut tally).await;
    let journal = sim.journal(&JournalQuery::default());
    tally.hubspot_calls = journal.len();
    tally.answered_429 = journal.iter().filter(|e| e.status == 429).count();
    tally.writes = journal
        .iter()
        .filter(|e| e.is_write() && (200..300).contains(&e.status))
        .count();
    for entry in &journal {
        if let Some(fault) = &entry.fault {
            *tally.injected.entry(fault.clone()).or_default() += 1;
        }
    }
    tally
}

/// Every message left on a queue, read and deleted.
async fn drain(stack: &TestStack, queue: &str) -> Vec<Received> {
    let mut messages = Vec::new();
    let mut empty = 0;
    while empty < 2 {
        let got = receive(&stack.sqs, queue, 1).await;
        empty = if got.is_empty() { empty + 1 } else { 0 };
        messages.extend(got);
    }
    messages
}

/// Enrollments as the rules call for them, each once; every field change in one message.
/// `messages`: what the Deeto platform read from its inbox.
fn check_outbound(messages: &[Received], scenario: &Scenario<'_>, tally: &mut Tally) {
    tally.outbound = messages.len();
    let mut keys = HashSet::new();
    let mut enrolled = BTreeSet::new();
    // (object, id, field, value, changed at) -> the distinct messages that carried it.
    let mut changes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (body, attributes) in messages {
        let key = attributes.get("dedupeKey").cloned().unwrap_or_default();
        if !keys.insert(key.clone()) {
            tally.outbound_redundant += 1;
            continue;
        }
        let message: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        match message["type"].as_str() {
            Some("campaign.enrolled.v1") => {
                let contact = message["contactId"].as_u64().unwrap_or_default();
                let campaign = message["campaign"].as_str().unwrap_or_default().to_owned();
                enrolled.insert((campaign, contact));
            }
            Some("record.updated.v1") => {
                let record = format!("{} {}", message["objectType"], message["objectId"]);
                for (field, change) in message["changes"].as_object().into_iter().flatten() {
                    let id = format!(
                        "{record} {field}={} at {}",
                        change["value"], change["changedAt"]
                    );
                    changes.entry(id).or_default().insert(key.clone());
                }
            }
            _ => {}
        }
    }
    for expected in &scenario.enrollments {
        if !enrolled.contains(expected) {
            tally
                .lost
                .push(format!("enrollment {expected:?} never sent"));
        }
    }
    for got in enrolled.difference(&scenario.enrollments) {
        tally
            .unexpected
            .push(format!("enrollment {got:?} no rule called for"));
    }
    for (change, carriers) in changes {
        if carriers.len() > 1 {
            tally.twice.push(format!(
                "{change} sent in {} different messages",
                carriers.len()
            ));
        }
    }
}

/// Deeto's writes in HubSpot: one lead per email, one ticket per connection with its last
/// status, the references' and their companies' Deeto ids.
fn check_hubspot(sim: &RunningSim, scenario: &Scenario<'_>, tally: &mut Tally) {
    let live = |object| -> Vec<Record> {
        sim.state()
            .read(PORTAL, |p| {
                Ok(p.table(object)
                    .records
                    .values()
                    .filter(|r| !r.is_archived())
                    .cloned()
                    .collect())
            })
            .expect("portal")
    };
    let contacts = live(ObjectType::Contacts);
    for (email, deeto_id) in &scenario.leads {
        let found: Vec<&Record> = contacts
            .iter()
            .filter(|r| r.get("email") == Some(email))
            .collect();
        match found.as_slice() {
            [] => tally.lost.push(format!("lead {email} never created")),
            [one] if one.get("deeto_id") != Some(deeto_id) => tally.lost.push(format!(
                "lead {email} has deeto_id {:?}",
                one.get("deeto_id")
            )),
            [_] => {}
            many => tally
                .twice
                .push(format!("lead {email} created {} times", many.len())),
        }
    }
    let tickets = live(ObjectType::Tickets);
    for (connection, status) in &scenario.connections {
        let found: Vec<&Record> = (tickets.iter())
            .filter(|r| r.get("deeto_id") == Some(connection))
            .collect();
        match found.as_slice() {
            [] => tally
                .lost
                .push(format!("ticket of {connection} never created")),
            [one] if one.get("deeto_status") != Some(status) => tally.lost.push(format!(
                "ticket of {connection} says {:?}, Deeto's last word was {status}",
                one.get("deeto_status")
            )),
            [_] => {}
            many => tally.twice.push(format!(
                "ticket of {connection} created {} times",
                many.len()
            )),
        }
    }
    let gone = gone_references(scenario);
    let by_id = |records: &[Record], id: u64| records.iter().find(|r| r.id == id).cloned();
    for (contact, deeto_id) in &scenario.references {
        if gone.contains(contact) {
            continue;
        }
        let value = by_id(&contacts, *contact).and_then(|r| r.get("deeto_id").map(str::to_owned));
        if value.as_ref() != Some(deeto_id) {
            tally.lost.push(format!(
                "reference {contact} has deeto_id {value:?} in HubSpot"
            ));
        }
    }
    let companies = live(ObjectType::Companies);
    for (company, deeto_id) in &scenario.reference_companies {
        let value = by_id(&companies, *company).and_then(|r| r.get("deeto_id").map(str::to_owned));
        if value.as_ref() != Some(deeto_id) {
            tally.lost.push(format!(
                "company {company} has deeto_id {value:?} in HubSpot"
            ));
        }
    }
}

/// References deleted or merged during the soak: their own checks cover them.
fn gone_references(scenario: &Scenario<'_>) -> BTreeSet<u64> {
    let mut gone = scenario.deleted_references.clone();
    for (survivor, merged) in &scenario.reference_merges {
        gone.insert(*survivor);
        gone.extend(merged);
    }
    gone
}

/// Deeto's records: every field users changed on a reference or its company as HubSpot has
/// it now; deleted references gone; merged ones carried over to the survivor.
async fn check_records(
    stack: &TestStack,
    sim: &RunningSim,
    scenario: &Scenario<'_>,
    tally: &mut Tally,
) {
    let store = DynamoRecordStore::new(
        aws_sdk_dynamodb::Client::new(&stack.sdk),
        stack.reference("Table"),
    );
    let read = async |object: CrmObject, ids: Vec<u64>| -> BTreeMap<u64, DeetoRecord> {
        let ids: Vec<ObjectId> = ids.into_iter().map(ObjectId).collect();
        let mut found = BTreeMap::new();
        for chunk in ids.chunks(100) {
            for record in store
                .get_many(PortalId(PORTAL), object, chunk)
                .await
                .expect("records read")
            {
                found.insert(record.key.object_id.0, record);
            }
        }
        found
    };
    let gone = gone_references(scenario);
    let mut contact_ids: Vec<u64> = scenario.references.keys().copied().collect();
    for (survivor, merged) in &scenario.reference_merges {
        contact_ids.push(*survivor);
        contact_ids.extend(merged);
    }
    let contacts = read(CrmObject::Contact, contact_ids).await;
    let companies = read(
        CrmObject::Company,
        scenario.reference_companies.keys().copied().collect(),
    )
    .await;
    for (object, id, field) in &scenario.tracked_changes {
        if gone.contains(id) {
            continue;
        }
        let (stored, kind) = match object {
            ObjectType::Contacts => (contacts.get(id), "contact"),
            _ => (companies.get(id), "company"),
        };
        let truth = sim.record(PORTAL, *object, *id);
        let want = truth.as_ref().and_then(|r| r["properties"][field].as_str());
        let have = stored.and_then(|r| r.field(field));
        if have != want {
            tally.lost.push(format!(
                "{kind} {id} {field}: Deeto has {have:?}, HubSpot {want:?}"
            ));
        }
    }
    for contact in scenario.references.keys().filter(|c| !gone.contains(c)) {
        if !contacts
            .get(contact)
            .is_some_and(|r| r.has_role(Role::Reference) && !r.is_gone())
        {
            tally.lost.push(format!(
                "reference {contact} is not a live reference in Deeto"
            ));
        }
    }
    for contact in &scenario.deleted_references {
        if !contacts.get(contact).is_some_and(DeetoRecord::is_gone) {
            tally
                .lost
                .push(format!("deleted reference {contact} still live in Deeto"));
        }
    }
    for (survivor, merged) in &scenario.reference_merges {
        if !contacts
            .get(survivor)
            .is_some_and(|r| r.has_role(Role::Reference) && !r.is_gone())
        {
            tally.lost.push(format!(
                "merge survivor {survivor} is not a live reference in Deeto"
            ));
        }
        for id in merged {
            if !contacts.get(id).is_none_or(DeetoRecord::is_gone) {
                tally
                    .lost
                    .push(format!("merged contact {id} still live in Deeto"));
            }
        }
    }
}

/// Waits until nothing is left to do: the simulator has delivered everything and the sync
/// queue is empty, twice in a row.
pub async fn settle(
    stack: &TestStack,
    sim: &RunningSim,
    pump: &PumpState,
    limit: Duration,
) -> bool {
    let started = std::time::Instant::now();
    let queue = stack.reference("SyncQueue");
    let mut quiet = 0;
    while started.elapsed() < limit {
        let idle = sim.webhooks_idle(Duration::from_secs(1)).await
            && super::pump::queue_depth(&stack.sqs, &queue).await == 0
            && pump.in_flight.load(std::sync::atomic::Ordering::SeqCst) == 0;
        quiet = if idle { quiet + 1 } else { 0 };
        if quiet >= 3 {
            return true;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    false
}
