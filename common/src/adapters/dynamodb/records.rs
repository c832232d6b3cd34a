//! [`RecordStore`] over DynamoDB: one item per HubSpot object (`PORTAL#{portal}` /
//! `RECORD#{object}#{id}`). Every field and link carries HubSpot's change time and is written
//! by its own conditional update ("strictly newer than what is stored"), so concurrent workers
//! and late or duplicate deliveries converge on the newest state without locks or reads first.

mod batch;
mod codec;
mod merge;
mod writes;

use std::collections::BTreeSet;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::KeysAndAttributes;
use futures::{StreamExt, TryStreamExt};

use self::codec::{
    DELETED_AT, record_from, record_item, record_prefix, record_sk, role_index_prefix,
    role_index_sk, role_name,
};
use self::writes::Init;
use super::item::{Item, is_condition_failure, n, s, unavailable};
use super::portal_pk;
use super::query::{PageQuery, page_by_prefix};
use crate::domain::ids::{ObjectId, PortalId};
use crate::ports::{Page, StoreError};
use crate::sync::ports::{AppliedChange, FieldChange, MergeResult, RecordStore};
use crate::sync::record::{CrmObject, DeetoRecord, Link, RecordKey, Role};

/// Field writes of one record in flight at once: concurrent, so a record's latency is not the
/// sum of its fields'; bounded, so a wide mapping does not open dozens of connections.
const FIELD_WRITES_IN_FLIGHT: usize = 8;

#[derive(Debug, Clone)]
pub struct DynamoRecordStore {
    client: Client,
    table: String,
}

impl DynamoRecordStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    fn key_item(key: RecordKey) -> Item {
        Item::from([
            ("pk".to_owned(), s(portal_pk(key.portal))),
            ("sk".to_owned(), s(record_sk(key.object, key.object_id))),
        ])
    }

    fn update(&self, key: RecordKey) -> UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key_item(key)))
    }

    async fn get_one(&self, key: RecordKey) -> Result<Option<DeetoRecord>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(Self::key_item(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        out.item.as_ref().map(record_from).transpose()
    }

    /// Writes whole records as they are (no ordering conditions): for seeding a portal's
    /// records in bulk (tests, benchmarks, a migration), never for sync. 25 items per
    /// BatchWriteItem call; what DynamoDB leaves unprocessed is sent again.
    pub async fn import(&self, records: &[DeetoRecord]) -> Result<(), StoreError> {
        use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
        // Each record, and the role index entries the sync path would have written with it.
        let items: Vec<Item> = (records.iter())
            .flat_map(|record| {
                let key = record.key;
                let index = (record.roles.iter().filter(|r| **r != Role::Prospect)).map(move |r| {
                    Item::from([
                        ("pk".to_owned(), s(portal_pk(key.portal))),
                        (
                            "sk".to_owned(),
                            s(role_index_sk(role_name(*r), key.object, key.object_id)),
                        ),
                    ])
                });
                std::iter::once(record_item(record)).chain(index)
            })
            .collect();
        for chunk in items.chunks(25) {
            let mut requests = chunk
                .iter()
                .map(|item| {
                    let put = PutRequest::builder()
                        .set_item(Some(item.clone()))
                        .build()
                        .map_err(|e| StoreError::Rejected(format!("bad item: {e}")))?;
                    Ok(WriteRequest::builder().put_request(put).build())
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            for _attempt in 0..10 {
                if requests.is_empty() {
                    break;
                }
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, requests)
                    .send()
                    .await
                    .map_err(|e| unavailable("BatchWriteItem", e))?;
                requests = out
                    .unprocessed_items
                    .and_then(|mut u| u.remove(&self.table))
                    .unwrap_or_default();
            }
            if !requests.is_empty() {
                return Err(StoreError::Unavailable(
                    "BatchWriteItem kept items unprocessed".into(),
                ));
            }
        }
        Ok(())
    }

    /// One BatchGetItem request: the items found and the keys left unprocessed.
    async fn batch_get(&self, keys: Vec<Item>) -> Result<(Vec<Item>, Vec<Item>), StoreError> {
        let request = KeysAndAttributes::builder()
            .set_keys(Some(keys))
            // The worker decides on what it reads: it must see its own and others' last writes.
            .consistent_read(true)
            .build()
            .map_err(|e| StoreError::Unavailable(format!("request could not be built: {e}")))?;
        let out = self
            .client
            .batch_get_item()
            .request_items(&self.table, request)
            .send()
            .await
            .map_err(|e| unavailable("BatchGetItem", e))?;
        let found = out.responses.and_then(|mut r| r.remove(&self.table));
        let unprocessed = out.unprocessed_keys.and_then(|mut u| u.remove(&self.table));
        Ok((
            found.unwrap_or_default(),
            unprocessed.map(|k| k.keys).unwrap_or_default(),
        ))
    }
}

/// One change per property, the newest: an older one in the same list would be overwritten at
/// once, so only the step from the stored value to the newest is written and reported.
fn newest_per_property(changes: &[FieldChange]) -> Vec<&FieldChange> {
    let mut newest: Vec<&FieldChange> = Vec::with_capacity(changes.len());
    for change in changes {
        match newest.iter_mut().find(|c| c.property == change.property) {
            Some(kept) if change.changed_at_ms > kept.changed_at_ms => *kept = change,
            Some(_) => {}
            None => newest.push(change),
        }
    }
    newest
}

#[async_trait]
impl RecordStore for DynamoRecordStore {
    async fn page(
        &self,
        portal: PortalId,
        object: CrmObject,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<DeetoRecord>, StoreError> {
        let (pk, prefix) = (portal_pk(portal), record_prefix(object));
        let query = PageQuery {
            pk: &pk,
            prefix: &prefix,
            after,
            limit,
        };
        page_by_prefix(&self.client, &self.table, query, |_, item| {
            record_from(item)
        })
        .await
    }

    async fn get_many(
        &self,
        portal: PortalId,
        object: CrmObject,
        ids: &[ObjectId],
    ) -> Result<Vec<DeetoRecord>, StoreError> {
        // BatchGetItem refuses duplicate keys.
        let ids: BTreeSet<ObjectId> = ids.iter().copied().collect();
        let keys: Vec<Item> = (ids.into_iter())
            .map(|id| Self::key_item(RecordKey::new(portal, object, id)))
            .collect();
        let items = batch::get_all(&keys, |keys| self.batch_get(keys)).await?;
        let mut records = items
            .iter()
            .map(record_from)
            .collect::<Result<Vec<_>, _>>()?;
        records.sort_by_key(|r| r.key.object_id);
        Ok(records)
    }

    async fn with_role(
        &self,
        portal: PortalId,
        object: CrmObject,
        role: Role,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<ObjectId>, StoreError> {
        let (pk, prefix) = (
            portal_pk(portal),
            role_index_prefix(role_name(role), object),
        );
        let query = PageQuery {
            pk: &pk,
            prefix: &prefix,
            after,
            limit,
        };
        page_by_prefix(&self.client, &self.table, query, |rest, _| {
            rest.parse().map(ObjectId).map_err(|_| {
                StoreError::Corrupt(format!("role index entry `{prefix}{rest}` names no id"))
            })
        })
        .await
    }

    async fn apply_changes(
        &self,
        key: RecordKey,
        changes: &[FieldChange],
        synced_at_ms: i64,
    ) -> Result<Vec<AppliedChange>, StoreError> {
        let init = Init {
            last_sync_ms: Some(synced_at_ms),
            ..Init::default()
        };
        self.init(key, init).await?;
        let writes = (newest_per_property(changes).into_iter())
            .map(|change| self.apply_change(key, change))
            .collect::<Vec<_>>();
        let applied: Vec<Option<AppliedChange>> = futures::stream::iter(writes)
            .buffered(FIELD_WRITES_IN_FLIGHT)
            .try_collect()
            .await?;
        Ok(applied.into_iter().flatten().collect())
    }

    async fn mark_deleted(&self, key: RecordKey, at_ms: i64) -> Result<bool, StoreError> {
        let result = self
            .update(key)
            .update_expression("SET #deleted = :at")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(#deleted)")
            .expression_attribute_names("#deleted", DELETED_AT)
            .expression_attribute_values(":at", n(at_ms))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(unavailable("UpdateItem", err)),
        }
    }

    async fn merge(
        &self,
        portal: PortalId,
        object: CrmObject,
        survivor: ObjectId,
        merged: &[ObjectId],
        _at_ms: i64,
    ) -> Result<Option<MergeResult>, StoreError> {
        // Ordering comes from the change times of what moves, not from the merge's own time.
        self.merge_records(RecordKey::new(portal, object, survivor), merged)
            .await
    }

    async fn assign_role(
        &self,
        key: RecordKey,
        role: Role,
        deeto_id: Option<&str>,
        _at_ms: i64,
    ) -> Result<(), StoreError> {
        let init = Init {
            roles: BTreeSet::from([role]),
            deeto_id,
            ..Init::default()
        };
        self.init(key, init).await
    }

    async fn set_link(
        &self,
        a: RecordKey,
        b: RecordKey,
        present: bool,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        let link = Link {
            present,
            changed_at_ms: at_ms,
        };
        let side = |key: RecordKey, other: RecordKey| async move {
            self.init(key, Init::default()).await?;
            self.write_link(key, other, link).await
        };
        // Each side has its own condition: a retry after a half-done write completes it.
        let (a_changed, b_changed) = futures::try_join!(side(a, b), side(b, a))?;
        Ok(a_changed || b_changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(property: &str, at: i64) -> FieldChange {
        FieldChange {
            property: property.into(),
            value: Some(at.to_string()),
            changed_at_ms: at,
        }
    }

    #[test]
    fn only_the_newest_change_of_each_property_is_written_in_first_seen_order() {
        let changes = [
            change("a", 2),
            change("b", 1),
            change("a", 5),
            change("a", 3),
        ];

        let kept: Vec<(&str, i64)> = newest_per_property(&changes)
            .into_iter()
            .map(|c| (c.property.as_str(), c.changed_at_ms))
            .collect();

        assert_eq!(kept, [("a", 5), ("b", 1)]);
    }
}
