//! The daily reconcile of a portal with 100,000 Deeto records (70,000 contacts, 10,000 companies,
//! 20,000 tracked deals) against the HubSpot simulator with HubSpot's limits on (110 requests
//! per 10 s, search 5 per second): the HubSpot calls it makes and its wall time, against the
//! bound the limit sets (calls / 11 per second). Stores are in memory so the figure is HubSpot's
//! side alone. `RECONCILE_RECORDS=N` scales the portal down (N contacts-equivalent records).
//!
//! Run with `make bench` (or `cargo bench -p integration-tests --bench reconcile_budget`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use common::adapters::memory::{
    MemoryCommandLedger, MemoryJobQueue, MemoryRateBudget, MemoryTenantStore, MemoryTicketStore,
};
use common::domain::ids::{ObjectId, PortalId, TenantId};
use common::hubspot::client::{ReqwestHubSpot, http_client};
use common::hubspot::guard::WriteGuard;
use common::hubspot::retry::RetryPolicy;
use common::ports::{Clock, SystemClock, Tenant, TenantStore, TokenError, TokenProvider};
use common::reconcile::memory::MemoryCheckpoints;
use common::reconcile::{Checkpoint, CheckpointStore, Starter, run_id};
use common::sync::config::DefaultConfigSource;
use common::sync::memory::{MemoryLedger, MemoryOutbox, MemoryRecords};
use common::sync::record::Link;
use common::sync::worker::SyncWorker;
use common::sync::{CrmObject, DeetoRecord, FieldValue, RecordKey, RecordStore, Role, SyncConfig};
use hubspot_sim::{GenerateSpec, ObjectType, RunningSim, SimConfig, Simulator};
use secrecy::SecretString;

const PORTAL: u64 = 62515;

/// The simulator's token for the portal: the bench measures reconciling, not OAuth.
struct StaticToken(String);

#[async_trait]
impl TokenProvider for StaticToken {
    async fn access_token(&self, _: PortalId) -> Result<SecretString, TokenError> {
        Ok(SecretString::from(self.0.clone()))
    }
    async fn invalidate(&self, _: PortalId) {}
}

/// Deeto's records of `ids`, holding exactly what HubSpot holds (a day without drift).
fn records_of(sim: &RunningSim, object: CrmObject, ids: std::ops::Range<u64>) -> Vec<DeetoRecord> {
    let (kind, role) = match object {
        CrmObject::Contact => (ObjectType::Contacts, Role::Reference),
        CrmObject::Company => (ObjectType::Companies, Role::Company),
        CrmObject::Deal => (ObjectType::Deals, Role::Deal),
    };
    let tracked = SyncConfig::repo_default().tracked(object);
    ids.map(|id| {
        let key = RecordKey::new(PortalId(PORTAL), object, ObjectId(id));
        let mut record = DeetoRecord::new(key).with_role(role);
        let found = sim.record(PORTAL, kind, id).unwrap_or_default();
        if object == CrmObject::Deal {
            let contacts = found["associations"]["contacts"]["results"].as_array();
            for contact in contacts.into_iter().flatten() {
                let Some(contact) = contact["id"].as_str().and_then(|c| c.parse().ok()) else {
                    continue;
                };
                let link = Link {
                    present: true,
                    changed_at_ms: 1,
                };
                record
                    .links
                    .insert((CrmObject::Contact, ObjectId(contact)), link);
            }
        }
        for property in &tracked {
            let value = found["properties"][property].as_str().map(str::to_owned);
            let field = FieldValue {
                value,
                changed_at_ms: 1,
            };
            record.fields.insert(property.clone(), field);
        }
        record
    })
    .collect()
}

async fn seed(sim: &RunningSim, records: &MemoryRecords, scale: usize) -> usize {
    let spec = GenerateSpec {
        contacts: scale,
        companies: scale / 10,
        deals: scale / 5,
        tickets: 0,
        seed: 42,
    };
    let report = sim.generate(PORTAL, spec);
    let contacts = report.contact_ids.0..report.contact_ids.0 + (scale as u64 * 7 / 10);
    let mut all = records_of(sim, CrmObject::Contact, contacts);
    all.extend(records_of(
        sim,
        CrmObject::Company,
        report.company_ids.0..report.company_ids.1,
    ));
    all.extend(records_of(
        sim,
        CrmObject::Deal,
        report.deal_ids.0..report.deal_ids.1,
    ));
    for record in &all {
        let key = record.key;
        let role = *record.roles.iter().next().unwrap_or(&Role::Reference);
        records.assign_role(key, role, None, 1).await.ok();
        let changes: Vec<common::sync::FieldChange> = record
            .fields
            .iter()
            .map(|(property, f)| common::sync::FieldChange {
                property: property.clone(),
                value: f.value.clone(),
                changed_at_ms: f.changed_at_ms,
            })
            .collect();
        records.apply_changes(key, &changes, 1).await.ok();
        for (object, id) in record.links.keys() {
            let other = RecordKey::new(key.portal, *object, *id);
            records.set_link(other, key, true, 1).await.ok();
        }
    }
    all.len()
}

#[tokio::main]
async fn main() {
    let scale: usize = std::env::var("RECONCILE_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let sim = Simulator::start(SimConfig::default())
        .await
        .expect("simulator");
    let token = sim.issue_token(PORTAL).access_token;
    let records = Arc::new(MemoryRecords::default());
    let seeded = seed(&sim, &records, scale).await;
    let tenants = Arc::new(MemoryTenantStore::default());
    let tenant = Tenant::pending(TenantId("bench".into()), "Bench");
    tenants
        .create_tenant(&tenant, "hash")
        .await
        .expect("tenant");
    let now = SystemClock.now_ms();
    tenants
        .bind_portal(&tenant.id, PortalId(PORTAL), &[], now)
        .await
        .expect("bound");
    let tickets = Arc::new(MemoryTicketStore::default());
    let base = url::Url::parse(&sim.base_url()).expect("url");
    let client = ReqwestHubSpot::new(
        base,
        http_client(Duration::from_secs(30)).expect("http"),
        Arc::new(StaticToken(token)),
        Arc::new(MemoryRateBudget::default()),
        Arc::new(SystemClock),
        RetryPolicy::default(),
    );
    let checkpoints = Arc::new(MemoryCheckpoints::default());
    let queue = Arc::new(MemoryJobQueue::default());
    let worker = SyncWorker {
        tenants: tenants.clone(),
        configs: Arc::new(DefaultConfigSource::default()),
        records,
        ledger: Arc::new(MemoryLedger::default()),
        outbound: Arc::new(MemoryOutbox::default()),
        hubspot: Arc::new(WriteGuard::new(Arc::new(client), tickets.clone())),
        clock: Arc::new(SystemClock),
        tickets,
        commands: Arc::new(MemoryCommandLedger::default()),
        checkpoints: checkpoints.clone(),
        sync_queue: queue.clone(),
        pools: Arc::new(common::adapters::memory::MemoryReferencePools::default()),
    };
    let starter = Starter {
        tenants: tenants.as_ref(),
        checkpoints: checkpoints.as_ref(),
        sync_queue: queue.as_ref(),
    };
    let mark = sim.journal_mark();
    let started = Instant::now();
    starter.start(now, None).await.expect("started");
    loop {
        let messages: Vec<(String, String)> = queue
            .take()
            .into_iter()
            .enumerate()
            .map(|(i, e)| (format!("m{i}"), e.body))
            .collect();
        if messages.is_empty() {
            break;
        }
        let outcome = worker.process(messages).await;
        assert!(outcome.permanent.is_empty(), "{outcome:?}");
        assert!(outcome.failed_ids.is_empty(), "{outcome:?}");
    }
    let wall = started.elapsed();
    let run: Checkpoint = checkpoints
        .get(PortalId(PORTAL), &run_id(now))
        .await
        .expect("store")
        .expect("run");
    assert!(run.is_finished(), "the run finished");
    let journal = sim.journal(&hubspot_sim::JournalQuery {
        since: Some(mark),
        path_prefix: Some("/crm".into()),
        ..Default::default()
    });
    let calls = journal.len();
    let throttled = journal.iter().filter(|e| e.status == 429).count();
    let first_at = journal.first().map_or(0, |e| e.at_ms);
    let steady = journal
        .iter()
        .filter(|e| e.status == 429 && e.at_ms > first_at + 20_000)
        .count();
    let bound = calls as f64 / 11.0;
    let wall_s = wall.as_secs_f64();
    println!("daily reconcile, simulator at 110 requests / 10 s (search 5 / s), stores in memory");
    println!(
        "| Deeto records seeded | records checked | pages | HubSpot calls | calls / 100 records checked | 429s (after the first 20 s) | wall time (s) | bound: calls / 11 per s (s) | wall / bound |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {seeded} | {} | {} | {calls} | {:.2} | {throttled} ({steady}) | {wall_s:.1} | {bound:.1} | {:.2} |",
        run.tally.records_checked,
        run.pages_done,
        calls as f64 * 100.0 / run.tally.records_checked.max(1) as f64,
        wall_s / bound
    );
    // One row for BENCHMARKS.md's plot: against reading each record checked on its own.
    let out = integration_tests::repo_root().join("docs/benchmarks/api-calls-reconcile.csv");
    let row = format!(
        "scenario,ours,baseline\ndaily reconcile of {} records,{calls},{}\n",
        run.tally.records_checked, run.tally.records_checked
    );
    if let Err(err) = std::fs::write(&out, row) {
        eprintln!("{} not written: {err}", out.display());
    }
    sim.shutdown().await;
}
