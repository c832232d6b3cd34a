//! The sync worker's DynamoDB adapters on moto through the real SDK: the conditions that make
//! record updates order-safe, the campaign ledger's once-only put, and stored sync overrides.

mod ledger_and_config;
mod links_and_merges;
mod reads;

use std::sync::Arc;

use common::adapters::dynamodb::records::DynamoRecordStore;
use common::domain::ids::{ObjectId, PortalId};
use common::sync::{CrmObject, FieldChange, FieldValue, RecordKey, RecordStore};
use integration_tests::TestStack;

const PORTAL: PortalId = PortalId(62515);

struct Records {
    stack: TestStack,
    dynamo: aws_sdk_dynamodb::Client,
    table: String,
    store: Arc<DynamoRecordStore>,
}

impl Records {
    async fn start() -> Self {
        let stack = TestStack::new().await;
        let dynamo = aws_sdk_dynamodb::Client::new(&stack.sdk);
        let table = stack.reference("Table");
        let store = Arc::new(DynamoRecordStore::new(dynamo.clone(), &table));
        Self {
            stack,
            dynamo,
            table,
            store,
        }
    }

    async fn get(&self, key: RecordKey) -> Option<common::sync::DeetoRecord> {
        let found = self
            .store
            .get_many(key.portal, key.object, &[key.object_id])
            .await
            .expect("read");
        found.into_iter().next()
    }
}

fn key(object: CrmObject, id: u64) -> RecordKey {
    RecordKey::new(PORTAL, object, ObjectId(id))
}

fn change(property: &str, value: Option<&str>, changed_at_ms: i64) -> FieldChange {
    FieldChange {
        property: property.into(),
        value: value.map(str::to_owned),
        changed_at_ms,
    }
}

#[tokio::test]
async fn a_newer_change_replaces_the_value_and_reports_the_one_it_replaced() {
    let t = Records::start().await;
    let contact = key(CrmObject::Contact, 101);

    let first = t
        .store
        .apply_changes(contact, &[change("email", Some("a@x"), 10)], 1_000)
        .await;
    let second = t
        .store
        .apply_changes(contact, &[change("email", Some("b@x"), 20)], 2_000)
        .await;

    let first = first.expect("applied");
    assert_eq!((first.len(), first[0].old.as_deref()), (1, None));
    let second = second.expect("applied");
    assert_eq!(second.len(), 1);
    assert_eq!(
        (second[0].old.as_deref(), second[0].new.as_deref()),
        (Some("a@x"), Some("b@x"))
    );
    let stored = t.get(contact).await.expect("stored");
    assert_eq!(
        stored.fields["email"],
        FieldValue {
            value: Some("b@x".into()),
            changed_at_ms: 20
        }
    );
    assert_eq!(stored.last_sync_ms, Some(2_000));
}

#[tokio::test]
async fn an_older_or_duplicate_change_changes_nothing() {
    let t = Records::start().await;
    let contact = key(CrmObject::Contact, 102);
    let store = &t.store;
    store
        .apply_changes(contact, &[change("email", Some("new@x"), 20)], 1)
        .await
        .expect("applied");

    let older = store
        .apply_changes(contact, &[change("email", Some("old@x"), 10)], 2)
        .await;
    let duplicate = store
        .apply_changes(contact, &[change("email", Some("new@x"), 20)], 3)
        .await;
    let cleared = store
        .apply_changes(contact, &[change("email", None, 30)], 4)
        .await;

    assert_eq!(older.expect("ran"), vec![]);
    assert_eq!(duplicate.expect("ran"), vec![]);
    let cleared = cleared.expect("ran");
    assert_eq!(
        (cleared[0].old.as_deref(), cleared[0].new.as_deref()),
        (Some("new@x"), None)
    );
    let stored = t.get(contact).await.expect("stored");
    assert_eq!(
        stored.fields["email"],
        FieldValue {
            value: None,
            changed_at_ms: 30
        }
    );
}

#[tokio::test]
async fn property_names_are_data_never_expression_syntax() {
    let t = Records::start().await;
    let contact = key(CrmObject::Contact, 103);
    let names = ["name", "status", "a.b", "x#y", "with space", ":v", "fields"];
    let changes: Vec<FieldChange> = names.iter().map(|n| change(n, Some(n), 5)).collect();

    let applied = t
        .store
        .apply_changes(contact, &changes, 1)
        .await
        .expect("applied");

    assert_eq!(applied.len(), names.len());
    let stored = t.get(contact).await.expect("stored");
    for name in names {
        assert_eq!(stored.field(name), Some(name), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_changes_of_one_field_always_end_with_the_newest() {
    let t = Records::start().await;
    let contact = key(CrmObject::Contact, 104);

    for round in 0..25_i64 {
        let property = format!("p{round}");
        let (older, newer) = (round * 10 + 1, round * 10 + 2);
        // Alternate which write starts first, so both interleavings are exercised.
        let order = if round % 2 == 0 {
            [older, newer]
        } else {
            [newer, older]
        };
        let tasks = order.map(|at| {
            let (store, property) = (t.store.clone(), property.clone());
            tokio::spawn(async move {
                let value = at.to_string();
                let changes = [change(&property, Some(&value), at)];
                (
                    at,
                    store
                        .apply_changes(contact, &changes, at)
                        .await
                        .expect("applied"),
                )
            })
        });

        for task in tasks {
            let (at, applied) = task.await.expect("task");
            if at == newer {
                assert_eq!(
                    applied.len(),
                    1,
                    "round {round}: the newest change always applies"
                );
            }
        }
        let stored = t.get(contact).await.expect("stored");
        assert_eq!(
            stored.fields[&property].changed_at_ms, newer,
            "round {round}"
        );
        assert_eq!(stored.field(&property), Some(newer.to_string().as_str()));
    }
}

#[tokio::test]
async fn a_record_is_marked_deleted_once_and_unknown_ones_not_at_all() {
    let t = Records::start().await;
    let contact = key(CrmObject::Contact, 105);
    t.store
        .apply_changes(contact, &[change("email", Some("x"), 1)], 1)
        .await
        .expect("applied");

    let unknown = t.store.mark_deleted(key(CrmObject::Contact, 999), 10).await;
    let first = t.store.mark_deleted(contact, 10).await;
    let second = t.store.mark_deleted(contact, 20).await;

    assert_eq!((unknown, first, second), (Ok(false), Ok(true), Ok(false)));
    let stored = t.get(contact).await.expect("stored");
    assert_eq!(stored.deleted_at_ms, Some(10));
    assert!(stored.is_gone());
    assert!(t.get(key(CrmObject::Contact, 999)).await.is_none());
}
