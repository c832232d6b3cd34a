//! Reading records: BatchGetItem's limits, and items the store cannot understand.

use aws_sdk_dynamodb::types::AttributeValue;
use common::domain::ids::ObjectId;
use common::ports::StoreError;
use common::sync::{CrmObject, RecordStore, Role};

use super::{PORTAL, Records, key};

#[tokio::test]
async fn more_than_a_hundred_records_are_read_in_batches() {
    let t = Records::start().await;
    for id in 0..105 {
        t.store
            .assign_role(key(CrmObject::Deal, id), Role::Deal, None, 1)
            .await
            .expect("stored");
    }
    let mut ids: Vec<ObjectId> = (0..150).map(ObjectId).collect();
    ids.push(ObjectId(3));

    let found = t
        .store
        .get_many(PORTAL, CrmObject::Deal, &ids)
        .await
        .expect("read");

    assert_eq!(found.len(), 105);
    assert!(
        found
            .iter()
            .all(|r| r.has_role(Role::Deal) && r.key.object == CrmObject::Deal)
    );
}

#[tokio::test]
async fn an_item_the_store_cannot_read_is_reported_as_corrupt() {
    let t = Records::start().await;
    t.dynamo
        .put_item()
        .table_name(&t.table)
        .item("pk", AttributeValue::S(format!("PORTAL#{PORTAL}")))
        .item("sk", AttributeValue::S("RECORD#contact#106".into()))
        .item("fields", AttributeValue::S("not a map".into()))
        .send()
        .await
        .expect("put");

    let read = t
        .store
        .get_many(PORTAL, CrmObject::Contact, &[ObjectId(106)])
        .await;

    assert!(
        matches!(&read, Err(StoreError::Corrupt(m)) if m.contains("fields")),
        "{read:?}"
    );
    let _ = &t.stack;
}
