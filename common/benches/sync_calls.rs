//! HubSpot calls the sync worker makes per 1,000 events of a realistic mixed stream, against a
//! one-record-at-a-time baseline that reads each changed record once per event. Also the
//! worker's own time per 1,000 events over in-memory stores (no network), for regressions.
//! Run with `make bench`; prints a table. Counts are deterministic; times are a median.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use common::adapters::memory::{MemoryCommandLedger, MemoryTenantStore, MemoryTicketStore};
use common::domain::ids::{ObjectId, PortalId, TenantId};
use common::ports::{FixedClock, Tenant, TenantStore};
use common::queue::{SyncMessage, WebhookDelivery};
use common::sync::config::DefaultConfigSource;
use common::sync::fake_hubspot::FakeHubSpot;
use common::sync::memory::{MemoryLedger, MemoryOutbox, MemoryRecords};
use common::sync::worker::SyncWorker;
use common::sync::{CrmObject, RecordKey, RecordStore, Role};
use common::webhook::WebhookEvent;
use serde_json::{Value, json};

const PORTAL: u64 = 62515;
const EVENTS: usize = 1_000;
const BATCH: usize = 100;

/// The portal: 2,000 contacts (5% references), 200 companies (10% linked by Deeto),
/// 300 deals (20% tracked). Ids: contacts 1.., companies 10_001.., deals 20_001...
struct Portal {
    references: Vec<u64>,
    tracked_deals: Vec<u64>,
    linked_companies: Vec<u64>,
}

fn portal() -> Portal {
    Portal {
        references: (1..=2_000_u64).filter(|i| i.is_multiple_of(20)).collect(),
        tracked_deals: (20_001..=20_300_u64)
            .filter(|i| i.is_multiple_of(5))
            .collect(),
        linked_companies: (10_001..=10_200_u64)
            .filter(|i| i.is_multiple_of(10))
            .collect(),
    }
}

/// A day of HubSpot activity, as events: users editing contacts (most unknown to Deeto),
/// new contacts (a creation plus a propertyChange per field), deals moving stages, association
/// changes, lifecycle transitions, and HubSpot's duplicate deliveries.
fn stream(portal: &Portal, rng: &mut fastrand::Rng) -> Vec<Value> {
    let mut events = Vec::with_capacity(EVENTS + 8);
    let mut at = 1_764_763_200_000_i64;
    let mut next_contact = 5_000;
    let props = [
        "jobtitle",
        "firstname",
        "lastname",
        "phone",
        "hs_lead_status",
        "company",
    ];
    while events.len() < EVENTS {
        at += 1_000;
        let roll = rng.u32(0..100);
        let mut push = |event: Value| events.push(event);
        match roll {
            // Edits to a reference contact.
            0..=14 => {
                let id = portal.references[rng.usize(..portal.references.len())];
                let property = props[rng.usize(..props.len())];
                push(change("contact", id, property, "value", at));
            }
            // Edits to contacts Deeto does not know.
            15..=54 => {
                let id = rng.u64(1..=2_000);
                let property = props[rng.usize(..props.len())];
                push(change("contact", id, property, "value", at));
            }
            // A new contact: a creation and four property changes in the same second.
            55..=69 => {
                next_contact += 1;
                push(
                    json!({"subscriptionType": "contact.creation", "objectId": next_contact, "occurredAt": at}),
                );
                for property in ["email", "firstname", "lastname", "lifecyclestage"] {
                    push(change("contact", next_contact, property, "lead", at));
                }
            }
            // Deal stage changes, a third of them on deals Deeto tracks.
            70..=79 => {
                let id = if roll.is_multiple_of(3) {
                    portal.tracked_deals[rng.usize(..portal.tracked_deals.len())]
                } else {
                    rng.u64(20_001..=20_300)
                };
                let stage =
                    ["qualifiedtobuy", "presentationscheduled", "closedwon"][rng.usize(..3)];
                push(change("deal", id, "dealstage", stage, at));
            }
            // Company edits.
            80..=87 => {
                let id = rng.u64(10_001..=10_200);
                push(change("company", id, "industry", "COMPUTER_SOFTWARE", at));
            }
            // Contacts joining deals (both sides, as HubSpot sends them).
            88..=93 => {
                let (contact, deal) = (rng.u64(1..=2_000), rng.u64(20_001..=20_300));
                for (kind, from, to) in [
                    ("CONTACT_TO_DEAL", contact, deal),
                    ("DEAL_TO_CONTACT", deal, contact),
                ] {
                    push(
                        json!({"subscriptionType": "contact.associationChange", "associationType": kind,
                        "fromObjectId": from, "toObjectId": to, "associationRemoved": false, "occurredAt": at}),
                    );
                }
            }
            // Lifecycle transitions of known contacts (campaign rules).
            _ => {
                let id = rng.u64(1..=2_000);
                push(change("contact", id, "lifecyclestage", "customer", at));
            }
        }
        // HubSpot delivers at least once: 3% of events arrive twice.
        if rng.u32(0..100) < 3
            && let Some(last) = events.last().cloned()
        {
            events.push(last);
        }
    }
    events.truncate(EVENTS);
    events
}

fn change(object: &str, id: u64, property: &str, value: &str, at: i64) -> Value {
    json!({"subscriptionType": format!("{object}.propertyChange"), "objectId": id,
        "propertyName": property, "propertyValue": value, "occurredAt": at})
}

/// Records each event changes: one for most, two for an association change.
fn changed_records(event: &Value) -> usize {
    if event.get("fromObjectId").is_some() {
        2
    } else {
        1
    }
}

async fn worker(portal: &Portal) -> (SyncWorker, Arc<FakeHubSpot>) {
    let tenants = Arc::new(MemoryTenantStore::default());
    let tenant = Tenant::pending(TenantId("bench".into()), "Bench");
    let _ = tenants.create_tenant(&tenant, "hash").await;
    let _ = tenants
        .bind_portal(&tenant.id, PortalId(PORTAL), &[], 0)
        .await;
    let records = Arc::new(MemoryRecords::default());
    let roles = [
        (CrmObject::Contact, &portal.references, Role::Reference),
        (CrmObject::Deal, &portal.tracked_deals, Role::Deal),
        (CrmObject::Company, &portal.linked_companies, Role::Company),
    ];
    for (object, ids, role) in roles {
        for id in ids {
            let key = RecordKey::new(PortalId(PORTAL), object, ObjectId(*id));
            let _ = records.assign_role(key, role, Some("deeto"), 0).await;
        }
    }
    let hubspot = Arc::new(FakeHubSpot::default());
    let worker = SyncWorker {
        tenants,
        configs: Arc::new(DefaultConfigSource::default()),
        records,
        ledger: Arc::new(MemoryLedger::default()),
        outbound: Arc::new(MemoryOutbox::default()),
        hubspot: hubspot.clone(),
        clock: Arc::new(FixedClock(1_800_000_000_000)),
        tickets: Arc::new(MemoryTicketStore::default()),
        commands: Arc::new(MemoryCommandLedger::default()),
        checkpoints: Arc::new(common::reconcile::memory::MemoryCheckpoints::default()),
        sync_queue: Arc::new(common::adapters::memory::MemoryJobQueue::default()),
        pools: Arc::new(common::adapters::memory::MemoryReferencePools::default()),
    };
    (worker, hubspot)
}

fn messages(events: &[Value]) -> Vec<Vec<(String, String)>> {
    let bodies: Vec<(String, String)> = events
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let mut event = json!({"eventId": i, "subscriptionId": 1, "portalId": PORTAL});
            if let (Some(base), Some(extra)) = (event.as_object_mut(), raw.as_object()) {
                base.extend(extra.clone());
            }
            let event: WebhookEvent =
                serde_json::from_value(event).unwrap_or_else(|e| panic!("{e}"));
            let message = SyncMessage::HubSpotWebhookV1(WebhookDelivery {
                received_at: 0,
                event,
            });
            (
                format!("m{i}"),
                serde_json::to_string(&message).unwrap_or_default(),
            )
        })
        .collect();
    bodies.chunks(BATCH).map(<[_]>::to_vec).collect()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    let portal = portal();
    let events = stream(&portal, &mut fastrand::Rng::with_seed(7));
    let batches = messages(&events);
    let baseline: usize = events.iter().map(changed_records).sum();

    let (calls, by_path) = runtime.block_on(async {
        let (worker, hubspot) = worker(&portal).await;
        for batch in &batches {
            let outcome = worker.process(batch.clone()).await;
            assert!(outcome.failed_ids.is_empty(), "{outcome:?}");
        }
        let calls = hubspot.calls();
        let mut by_path: BTreeMap<String, usize> = BTreeMap::new();
        for call in &calls {
            *by_path.entry(call.clone()).or_default() += 1;
        }
        (calls.len(), by_path)
    });

    let mut times = Vec::new();
    for _ in 0..15 {
        let elapsed = runtime.block_on(async {
            let (worker, _) = worker(&portal).await;
            let started = Instant::now();
            for batch in &batches {
                worker.process(batch.clone()).await;
            }
            started.elapsed()
        });
        times.push(elapsed);
    }
    times.sort();

    println!("HubSpot calls per {EVENTS} events (mixed stream, SQS batches of {BATCH})");
    println!("| strategy | HubSpot calls |");
    println!("|---|---:|");
    println!("| one record at a time (read each changed record per event) | {baseline} |");
    println!("| sync worker (relevance from DynamoDB, coalesced batch reads) | {calls} |");
    let ratio = baseline as f64 / calls.max(1) as f64;
    // One row for BENCHMARKS.md's plot of API calls against the baseline.
    let out = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/benchmarks/api-calls-sync-worker.csv"
    );
    let row =
        format!("scenario,ours,baseline\nsync worker per {EVENTS} events,{calls},{baseline}\n");
    if let Err(err) = std::fs::write(out, row) {
        eprintln!("{out} not written: {err}");
    }
    println!("\nthe worker makes {ratio:.0}x fewer calls; its calls:");
    for (path, count) in by_path {
        println!("  {count:>4}  {path}");
    }
    println!(
        "\nworker time per {EVENTS} events over in-memory stores: median {:?} (min {:?}, max {:?})",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
