//! The daily reconcile at portal scale on moto and the simulator (rate limits on): 25,000 Deeto
//! records and, since the last run, more than 10,000 objects modified with a watched value, so
//! discovery must page past HubSpot's 10,000-results cap of one search.

use std::collections::BTreeSet;

use common::reconcile::checkpoint::kind;
use common::reconcile::{Checkpoint, CheckpointStore, Step};
use common::sync::FieldValue;
use hubspot_sim::GenerateSpec;

use super::*;

const DEETO_RECORDS: u64 = 25_000;
/// Contacts HubSpot has that Deeto does not know.
const UNKNOWN: u64 = 100;

/// HubSpot's value of a contact's property, as the simulator holds it.
fn value(h: &Harness, id: u64, property: &str) -> Option<String> {
    let record = h.sim.record(PORTAL, ObjectType::Contacts, id)?;
    record["properties"][property].as_str().map(str::to_owned)
}

#[tokio::test]
async fn a_portal_of_25000_records_with_over_10000_modified_since_the_last_run_is_reconciled() {
    let h = Harness::start().await;
    let mut settings = h.sim.webhook_settings();
    settings.target_url = None;
    h.sim.set_webhooks(settings);
    let spec = GenerateSpec {
        companies: 0,
        contacts: (DEETO_RECORDS + UNKNOWN) as usize,
        deals: 0,
        tickets: 0,
        seed: 7,
    };
    let (first, end) = h.sim.generate(PORTAL, spec).contact_ids;
    // Most contacts become customers today, unseen by webhooks.
    for id in (first..end).filter(|id| id % 5 != 0) {
        if value(&h, id, "lifecyclestage").as_deref() != Some("customer") {
            h.update(ObjectType::Contacts, id, &[("lifecyclestage", "customer")]);
        }
    }
    let customers: BTreeSet<u64> = (first..end)
        .filter(|id| value(&h, *id, "lifecyclestage").as_deref() == Some("customer"))
        .collect();
    assert!(customers.len() > 10_000, "{} customers", customers.len());

    // Deeto's records of the first 25,000, as the last run left them; some have drifted since.
    let tracked = SyncConfig::repo_default().tracked(CrmObject::Contact);
    let deeto_end = first + DEETO_RECORDS;
    let stale_titles: BTreeSet<u64> = (first..deeto_end).step_by(500).collect();
    let stale_stages: BTreeSet<u64> = customers
        .iter()
        .copied()
        .filter(|id| *id < deeto_end && id % 600 == 1)
        .collect();
    let records: Vec<DeetoRecord> = (first..deeto_end)
        .map(|id| {
            let key = RecordKey::new(PortalId(PORTAL), CrmObject::Contact, ObjectId(id));
            let mut record = DeetoRecord::new(key)
                .with_role(Role::Reference)
                .with_deeto_id(format!("ref-{id}"));
            for property in &tracked {
                let mut stored = value(&h, id, property);
                if property == "jobtitle" && stale_titles.contains(&id) {
                    stored = Some("Stale".into());
                }
                if property == "lifecyclestage" && stale_stages.contains(&id) {
                    stored = Some("lead".into());
                }
                let field = FieldValue {
                    value: stored,
                    changed_at_ms: 1,
                };
                record.fields.insert(property.clone(), field);
            }
            record
        })
        .collect();
    h.records.import(&records).await.expect("imported");
    // HubSpot holds every `deeto_id` already (written back when they became references).
    for id in first..deeto_end {
        h.update(
            ObjectType::Contacts,
            id,
            &[("deeto_id", &format!("ref-{id}"))],
        );
    }
    // The previous run started long ago: the window covers every modification.
    let mut previous = Checkpoint::new(PortalId(PORTAL), "2000-01-01".into(), 0, 0);
    previous = previous.advanced(Step::Done, None, &Default::default(), 1);
    assert!(h.checkpoints().create(&previous).await.expect("created"));
    let mark = h.sim.journal_mark();

    let run = h.reconcile(now_ms()).await;

    let unknown_customers = customers.iter().filter(|id| **id >= deeto_end).count() as u64;
    assert_eq!(
        run.tally.records_checked,
        DEETO_RECORDS + customers.len() as u64,
        "every record, and every customer the window holds, checked once"
    );
    let records = run.tally.repaired.get(kind::FIELD).copied();
    let expected = (stale_titles.len() + stale_stages.len()) as u64;
    assert_eq!(records, Some(expected), "{:?}", run.tally);
    let transitions = run.tally.repaired.get(kind::TRANSITION).copied();
    assert_eq!(transitions, Some(unknown_customers), "{:?}", run.tally);
    assert_eq!(run.tally.found, run.tally.repaired);
    let searches: Vec<JournalEntry> = h
        .crm_calls_since(mark)
        .into_iter()
        .filter(|e| e.path.ends_with("/search"))
        .collect();
    assert!(searches.len() > 100, "{} searches", searches.len());
    assert!(
        searches.iter().all(|e| e.status == 200),
        "paging by id never hits the 10,000 cap"
    );
    assert_eq!(h.count_429(), 0, "no 429 at steady state");
    // Deeto's inbox: one update per repaired record, one enrollment per transition.
    let updated: BTreeSet<u64> = stale_titles.union(&stale_stages).copied().collect();
    let enrollments = stale_stages.len() + unknown_customers as usize;
    let wait = Duration::from_secs(120);
    let inbox = h
        .stack
        .receive(&h.outbound_url, updated.len() + enrollments, wait)
        .await;
    let count = |kind: &str| inbox.iter().filter(|m| m["type"] == kind).count();
    assert_eq!(count("record.updated.v1"), updated.len());
    assert_eq!(count("campaign.enrolled.v1"), enrollments);
}
