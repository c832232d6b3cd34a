//! The Deeto tab's reference pool on the production adapters: one DynamoDB item per portal
//! (moto) that never goes back in time and whose rebuild is claimed once per cool-down; the
//! connection counts from the contact index; and a stale pool's rebuild going through the real
//! SQS sync queue to the sync worker.

use std::time::Duration;

use common::adapters::dynamodb::records::DynamoRecordStore;
use common::adapters::dynamodb::reference_pools::DynamoReferencePools;
use common::adapters::dynamodb::tickets::DynamoTicketStore;
use common::adapters::sync_worker::{WorkerQueues, sync_worker};
use common::card::pool::{POOL_FRESH_MS, PoolKeeper, PooledReference, ReferencePool};
use common::domain::ids::{ObjectId, PortalId};
use common::ports::{DeetoTicket, ReferencePools, TicketStore};
use common::sync::{CrmObject, DeetoRecord, RecordKey, Role};
use hubspot_sim::{SimConfig, Simulator};
use integration_tests::{TestStack, now_ms};

use crate::sim_stack::hubspot_stack;

const PORTAL: PortalId = PortalId(62515);

fn pool(built_at_ms: i64, names: &[&str]) -> ReferencePool {
    let references = (names.iter().enumerate())
        .map(|(n, name)| PooledReference {
            contact_id: ObjectId(n as u64 + 1),
            name: (*name).to_owned(),
            email: None,
            job_title: None,
            company: None,
            industry: Some("RETAIL".into()),
            company_size: Some(40),
            connections: n,
        })
        .collect();
    ReferencePool {
        built_at_ms,
        references,
        changed_at_ms: None,
    }
}

fn reference(id: u64) -> DeetoRecord {
    DeetoRecord::new(RecordKey::new(PORTAL, CrmObject::Contact, ObjectId(id)))
        .with_role(Role::Reference)
        .with_field("firstname", &format!("Ref {id}"), 1)
        .with_field("industry", "RETAIL", 1)
}

#[tokio::test]
async fn a_stored_pool_never_goes_back_in_time_and_its_rebuild_is_claimed_once() {
    let stack = TestStack::new().await;
    let pools = DynamoReferencePools::new(
        aws_sdk_dynamodb::Client::new(&stack.sdk),
        stack.reference("Table"),
    );

    let empty = pools.pool(PORTAL).await.expect("read");
    pools
        .put_pool(PORTAL, &pool(2_000, &["Ada", "Bo"]))
        .await
        .expect("put");
    pools
        .put_pool(PORTAL, &pool(1_000, &["Old"]))
        .await
        .expect("late put");
    let stored = pools.pool(PORTAL).await.expect("read");
    let first = pools
        .claim_rebuild(PORTAL, 5_000, 300)
        .await
        .expect("claim");
    let again = pools
        .claim_rebuild(PORTAL, 5_200, 300)
        .await
        .expect("claim");
    let after_cooldown = pools
        .claim_rebuild(PORTAL, 5_300, 300)
        .await
        .expect("claim");
    pools
        .put_pool(PORTAL, &pool(6_000, &["Cy"]))
        .await
        .expect("rebuilt");
    let after_rebuild = pools
        .claim_rebuild(PORTAL, 6_001, 300)
        .await
        .expect("claim");
    pools.mark_changed(PORTAL, 7_000).await.expect("changed");
    pools.mark_changed(PORTAL, 6_500).await.expect("older");
    pools
        .mark_changed(PortalId(1), 7_000)
        .await
        .expect("no pool");

    assert_eq!(empty, None);
    assert_eq!(stored, Some(pool(2_000, &["Ada", "Bo"])));
    assert_eq!((first, again, after_cooldown), (true, false, true));
    assert!(after_rebuild, "a stored rebuild clears the claim");
    let latest = pools.pool(PORTAL).await.expect("read").expect("stored");
    assert_eq!(latest.built_at_ms, 6_000);
    assert_eq!(
        latest.changed_at_ms,
        Some(7_000),
        "changes only move forward"
    );
    assert!(latest.is_stale(7_001), "built before the change");
    let elsewhere = pools.pool(PortalId(1)).await.expect("read");
    assert_eq!(elsewhere, None, "marking a change creates no pool");
}

#[tokio::test]
async fn connections_are_counted_per_contact_from_the_contact_index() {
    let stack = TestStack::new().await;
    let tickets = DynamoTicketStore::new(
        aws_sdk_dynamodb::Client::new(&stack.sdk),
        stack.reference("Table"),
    );
    for (n, contacts) in [vec![101, 102], vec![101], vec![103]]
        .into_iter()
        .enumerate()
    {
        let ticket = DeetoTicket {
            ticket_id: ObjectId(9000 + n as u64),
            connection: format!("conn-{n}"),
            deal_id: ObjectId(501),
            contacts: contacts.into_iter().map(ObjectId).collect(),
            status: "scheduled".into(),
            kind: "meeting".into(),
            status_order: 0,
            kind_order: 0,
        };
        tickets.put(PORTAL, &ticket).await.expect("put");
    }

    let counts = tickets
        .connection_counts(PORTAL, 1_000)
        .await
        .expect("count");

    let counts: Vec<(u64, usize)> = counts.into_iter().map(|(id, n)| (id.0, n)).collect();
    assert_eq!(counts, [(101, 2), (102, 1), (103, 1)]);
}

#[tokio::test]
async fn a_stale_pool_is_rebuilt_through_the_sync_queue_by_the_worker() {
    let sim = Simulator::start(SimConfig::default())
        .await
        .expect("simulator");
    let stack = TestStack::new().await;
    stack.connect_tenant("acme", PORTAL.0).await;
    let table = stack.reference("Table");
    let (outbound, sync) = (
        stack.reference("OutboundQueue"),
        stack.reference("SyncQueue"),
    );
    let queues = WorkerQueues {
        outbound: &outbound,
        sync: &sync,
    };
    let worker = sync_worker(&stack.sdk, &hubspot_stack(&stack, &sim), &table, queues);
    let records = DynamoRecordStore::new(aws_sdk_dynamodb::Client::new(&stack.sdk), &table);
    records.import(&[reference(101)]).await.expect("seed");
    let keeper = PoolKeeper {
        records: worker.records.as_ref(),
        tickets: worker.tickets.as_ref(),
        pools: worker.pools.as_ref(),
        sync_queue: worker.sync_queue.as_ref(),
    };
    let built_at = now_ms() - POOL_FRESH_MS;
    keeper.rebuild(PORTAL, built_at).await.expect("first build");
    records
        .import(&[reference(102)])
        .await
        .expect("a new reference");

    // A tab finds it stale: served as it is, and one rebuild queued.
    let served = keeper.current(PORTAL, now_ms()).await.expect("served");
    keeper
        .current(PORTAL, now_ms())
        .await
        .expect("served again");
    let queued = stack.receive(&sync, 2, Duration::from_secs(3)).await;
    let messages: Vec<(String, String)> = (queued.iter().enumerate())
        .map(|(n, body)| (n.to_string(), body.to_string()))
        .collect();
    let outcome = worker.process(messages).await;
    let rebuilt = worker.pools.pool(PORTAL).await.expect("read");

    let ids = |pool: &ReferencePool| -> Vec<u64> {
        pool.references.iter().map(|r| r.contact_id.0).collect()
    };
    assert_eq!(ids(&served), [101]);
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0]["type"], "card.pool.rebuild.v1");
    assert_eq!(outcome, Default::default());
    assert_eq!(rebuilt.as_ref().map(ids), Some(vec![101, 102]));
}
