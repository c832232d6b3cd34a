//! The Deeto platform's commands as an in-AWS producer puts them straight on the sync queue:
//! the committed sample (`events/sync-worker/commands.json`) through `cargo lambda invoke`
//! against a simulator seeded with `events/sync-worker/commands-portal.json`.

use common::install::properties::{GROUP, owned_properties};
use hubspot_sim::{JournalQuery, ObjectType, Simulator};
use integration_tests::{LambdaWatch, TestStack, repo_root};
use serde_json::{Value, json};

use crate::sync_runtime::{connect, sim_config};
use crate::write_scope::assert_within_write_scope;

const PORTAL: u64 = 62515;

/// The ids the sample commands name: what the simulator gives the seeded records, in order.
const BEN: u64 = 1_515_000;
const PAT: u64 = 1_515_001;
const ACME: u64 = 1_515_002;
const DEAL: u64 = 1_515_003;

#[tokio::test]
async fn the_command_sample_runs_in_the_lambda_runtime_and_writes_only_deetos_fields() {
    let stack = TestStack::new().await;
    let sim = Simulator::start(sim_config()).await.expect("simulator");
    let fixture =
        std::fs::read_to_string(repo_root().join("events/sync-worker/commands-portal.json"))
            .expect("fixture");
    let seeded = sim.load_fixture_json(PORTAL, &fixture).expect("seeded");
    let ids = [
        "contacts:ben",
        "contacts:pat",
        "companies:acme",
        "deals:open",
    ]
    .map(|r| seeded.id(r));
    assert_eq!(
        ids,
        [Some(BEN), Some(PAT), Some(ACME), Some(DEAL)],
        "the sample's ids no longer match the fixture: regenerate events/sync-worker/commands.json"
    );
    let mut env = stack.function_env("SyncWorkerFunction");
    env.push(("HUBSPOT_API_BASE".into(), sim.base_url()));
    connect(&stack, &sim, &env).await;
    sim.load_fixture_json(PORTAL, &deeto_properties().to_string())
        .expect("Deeto's properties, as the install creates them");
    let watch = LambdaWatch::start(|_| env.clone()).await;
    let sample = repo_root().join("events/sync-worker/commands.json");
    let mark = sim.journal_mark();

    let first = watch.invoke("sync-worker", &sample).await;
    let after_first = sim.journal_mark();
    let replay = watch.invoke("sync-worker", &sample).await;

    assert_eq!(first["batchItemFailures"], serde_json::json!([]), "{first}");
    assert_eq!(
        replay["batchItemFailures"],
        serde_json::json!([]),
        "{replay}"
    );
    let record = |object, id| sim.record(PORTAL, object, id).expect("record");
    let prop = |object, id, name: &str| record(object, id)["properties"][name].clone();
    assert_eq!(prop(ObjectType::Contacts, BEN, "deeto_id"), "ref-ben");
    assert_eq!(prop(ObjectType::Companies, ACME, "deeto_id"), "co-acme");
    assert_eq!(
        prop(ObjectType::Deals, DEAL, "deeto_id"),
        "conn-1",
        "the prospect's open deal"
    );
    let tickets: Vec<u64> = record(ObjectType::Deals, DEAL)["associations"]["tickets"]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r["id"].as_str()?.parse().ok())
        .collect::<std::collections::BTreeSet<u64>>()
        .into_iter()
        .collect();
    assert_eq!(
        tickets.len(),
        1,
        "one ticket, whatever the replays: {tickets:?}"
    );
    assert_eq!(
        prop(ObjectType::Tickets, tickets[0], "deeto_status"),
        "completed"
    );
    assert_eq!(
        prop(ObjectType::Tickets, tickets[0], "deeto_type"),
        "reference_call"
    );
    let leads: Vec<Value> = sim
        .journal(&JournalQuery {
            since: Some(mark),
            ..JournalQuery::default()
        })
        .iter()
        .filter(|e| e.path.ends_with("/contacts/batch/create"))
        .filter_map(|e| e.json_body())
        .collect();
    assert_eq!(leads.len(), 1, "{leads:?}");
    assert_eq!(
        leads[0]["inputs"][0]["properties"]["email"],
        "cy@prospect.test"
    );
    let replay_writes: Vec<String> = sim
        .journal(&JournalQuery {
            since: Some(after_first),
            ..JournalQuery::default()
        })
        .iter()
        .filter(|e| e.is_write())
        .map(|e| format!("{} {}", e.method, e.path))
        .collect();
    assert!(
        replay_writes.is_empty(),
        "a replayed batch writes nothing: {replay_writes:?}"
    );
    let journal = sim.journal(&JournalQuery {
        since: Some(mark),
        ..JournalQuery::default()
    });
    assert_within_write_scope(&journal, &tickets);
    sim.shutdown().await;
}

/// Deeto's own properties as a simulator fixture: what the install leaves in a portal.
pub(crate) fn deeto_properties() -> Value {
    let mut groups = serde_json::Map::new();
    let mut properties = serde_json::Map::new();
    for spec in owned_properties() {
        groups.insert(
            spec.object_type.into(),
            json!([{"name": GROUP, "label": "Deeto"}]),
        );
        let options: Vec<Value> = spec
            .options
            .iter()
            .map(|(value, label)| json!({"value": value, "label": label}))
            .collect();
        let list = properties
            .entry(spec.object_type)
            .or_insert_with(|| json!([]));
        list.as_array_mut().expect("list").push(json!({
            "name": spec.name, "label": spec.label, "type": spec.kind,
            "fieldType": spec.field_type, "groupName": GROUP, "options": options,
        }));
    }
    json!({"groups": groups, "properties": properties})
}
