//! In-memory record store, campaign ledger and outbox, for unit tests of the worker and for the
//! benchmark. Same rules as the DynamoDB adapters: strictly newer wins, enrollment once.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;

use super::outbound::OutboundMessage;
use super::ports::{
    AppliedChange, CampaignLedger, FieldChange, MergeResult, OutboundPublisher, RecordStore,
    newer_changes,
};
use super::record::{CrmObject, DeetoRecord, FieldValue, Link, RecordKey, Role};
use crate::domain::ids::{ObjectId, PortalId};
use crate::ports::{Page, StoreError};

#[derive(Debug, Default)]
pub struct MemoryRecords {
    records: Mutex<BTreeMap<RecordKey, DeetoRecord>>,
}

impl MemoryRecords {
    pub fn get(&self, key: RecordKey) -> Option<DeetoRecord> {
        self.lock().get(&key).cloned()
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<RecordKey, DeetoRecord>> {
        self.records.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl RecordStore for MemoryRecords {
    async fn page(
        &self,
        portal: PortalId,
        object: CrmObject,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<DeetoRecord>, StoreError> {
        let after = match after {
            Some(raw) => raw
                .parse()
                .map(ObjectId)
                .map_err(|_| StoreError::Corrupt(format!("bad cursor {raw:?}")))?,
            None => ObjectId(0),
        };
        let records = self.lock();
        let from = RecordKey::new(portal, object, after);
        let mut items: Vec<DeetoRecord> = records
            .range(from..)
            .take_while(|(key, _)| key.portal == portal && key.object == object)
            .filter(|(key, _)| key.object_id > after)
            .take(limit + 1)
            .map(|(_, record)| record.clone())
            .collect();
        let more = items.len() > limit;
        items.truncate(limit);
        let next = more
            .then(|| items.last().map(|r| r.key.object_id.to_string()))
            .flatten();
        Ok(Page { items, next })
    }

    async fn get_many(
        &self,
        portal: PortalId,
        object: CrmObject,
        ids: &[ObjectId],
    ) -> Result<Vec<DeetoRecord>, StoreError> {
        let records = self.lock();
        let found = ids
            .iter()
            .filter_map(|id| records.get(&RecordKey::new(portal, object, *id)).cloned());
        Ok(found.collect())
    }

    async fn apply_changes(
        &self,
        key: RecordKey,
        changes: &[FieldChange],
        synced_at_ms: i64,
    ) -> Result<Vec<AppliedChange>, StoreError> {
        let mut records = self.lock();
        let record = records.entry(key).or_insert_with(|| DeetoRecord::new(key));
        let applied = newer_changes(Some(record), changes);
        for change in &applied {
            let value = FieldValue {
                value: change.new.clone(),
                changed_at_ms: change.changed_at_ms,
            };
            record.fields.insert(change.property.clone(), value);
        }
        record.last_sync_ms = Some(synced_at_ms);
        Ok(applied)
    }

    async fn mark_deleted(&self, key: RecordKey, at_ms: i64) -> Result<bool, StoreError> {
        let mut records = self.lock();
        match records.get_mut(&key) {
            Some(record) if record.deleted_at_ms.is_none() => {
                record.deleted_at_ms = Some(at_ms);
                Ok(true)
            }
            _ => Ok(false),
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
        let mut records = self.lock();
        let survivor_key = RecordKey::new(portal, object, survivor);
        let mut moved = Vec::new();
        let mut target = records
            .get(&survivor_key)
            .cloned()
            .unwrap_or_else(|| DeetoRecord::new(survivor_key));
        for id in merged {
            let Some(gone) = records.get_mut(&RecordKey::new(portal, object, *id)) else {
                continue;
            };
            absorb(&mut target, gone);
            gone.merged_into = Some(survivor);
            moved.push(*id);
        }
        if moved.is_empty() && !records.contains_key(&survivor_key) {
            return Ok(None);
        }
        // The other side of each link now points at the survivor too, as in DynamoDB.
        for ((linked, id), link) in &target.links {
            let other = RecordKey::new(portal, *linked, *id);
            let record = records
                .entry(other)
                .or_insert_with(|| DeetoRecord::new(other));
            let newer = record
                .links
                .get(&(object, survivor))
                .is_none_or(|l| link.changed_at_ms > l.changed_at_ms);
            if newer {
                record.links.insert((object, survivor), *link);
            }
        }
        records.insert(survivor_key, target.clone());
        Ok(Some(MergeResult {
            moved,
            survivor: target,
        }))
    }

    async fn set_link(
        &self,
        a: RecordKey,
        b: RecordKey,
        present: bool,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut records = self.lock();
        let mut changed = false;
        for (this, other) in [(a, b), (b, a)] {
            let record = records
                .entry(this)
                .or_insert_with(|| DeetoRecord::new(this));
            let slot = (other.object, other.object_id);
            let newer = record
                .links
                .get(&slot)
                .is_none_or(|l| at_ms > l.changed_at_ms);
            if newer {
                let link = Link {
                    present,
                    changed_at_ms: at_ms,
                };
                record.links.insert(slot, link);
                changed = true;
            }
        }
        Ok(changed)
    }

    async fn assign_role(
        &self,
        key: RecordKey,
        role: Role,
        deeto_id: Option<&str>,
        _at_ms: i64,
    ) -> Result<(), StoreError> {
        let mut records = self.lock();
        let record = records.entry(key).or_insert_with(|| DeetoRecord::new(key));
        // Prospect is derived from deals, never stored.
        if role != Role::Prospect {
            record.roles.insert(role);
        }
        if let Some(id) = deeto_id {
            record.deeto_id = Some(id.to_owned());
        }
        Ok(())
    }
}

/// The survivor takes the merged record's roles, links, Deeto id (if it has none) and newer fields.
fn absorb(survivor: &mut DeetoRecord, gone: &DeetoRecord) {
    survivor.roles.extend(gone.roles.iter().copied());
    if survivor.deeto_id.is_none() {
        survivor.deeto_id.clone_from(&gone.deeto_id);
    }
    for (slot, link) in &gone.links {
        let newer = survivor
            .links
            .get(slot)
            .is_none_or(|l| link.changed_at_ms > l.changed_at_ms);
        if newer {
            survivor.links.insert(*slot, *link);
        }
    }
    for (name, value) in &gone.fields {
        let newer = survivor
            .fields
            .get(name)
            .is_none_or(|f| value.changed_at_ms > f.changed_at_ms);
        if newer {
            survivor.fields.insert(name.clone(), value.clone());
        }
    }
}

#[derive(Debug, Default)]
pub struct MemoryLedger {
    enrolled: Mutex<BTreeSet<(PortalId, String, ObjectId)>>,
    failing_writes: AtomicBool,
}

impl MemoryLedger {
    /// Recording fails (reads still work), like a throttled table.
    pub fn set_failing_writes(&self, failing: bool) {
        self.failing_writes.store(failing, Ordering::Relaxed);
    }

    pub fn enrolled(&self) -> Vec<(PortalId, String, ObjectId)> {
        let set = self.enrolled.lock().unwrap_or_else(|e| e.into_inner());
        set.iter().cloned().collect()
    }
}

#[async_trait]
impl CampaignLedger for MemoryLedger {
    async fn record_enrollment(
        &self,
        portal: PortalId,
        campaign: &str,
        contact: ObjectId,
    ) -> Result<bool, StoreError> {
        if self.failing_writes.load(Ordering::Relaxed) {
            return Err(StoreError::Unavailable("ledger throttled".into()));
        }
        let mut set = self.enrolled.lock().unwrap_or_else(|e| e.into_inner());
        Ok(set.insert((portal, campaign.to_owned(), contact)))
    }

    async fn is_enrolled(
        &self,
        portal: PortalId,
        campaign: &str,
        contact: ObjectId,
    ) -> Result<bool, StoreError> {
        let set = self.enrolled.lock().unwrap_or_else(|e| e.into_inner());
        Ok(set.contains(&(portal, campaign.to_owned(), contact)))
    }
}

/// Collects published messages; can be told to fail, like an unreachable queue.
#[derive(Debug, Default)]
pub struct MemoryOutbox {
    messages: Mutex<Vec<OutboundMessage>>,
    failing: AtomicBool,
    /// Publishes containing a message about this object fail (a message the queue refuses).
    refused: Mutex<Option<ObjectId>>,
}

impl MemoryOutbox {
    pub fn messages(&self) -> Vec<OutboundMessage> {
        self.messages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::Relaxed);
    }

    pub fn refuse_messages_about(&self, object: Option<ObjectId>) {
        *self.refused.lock().unwrap_or_else(|e| e.into_inner()) = object;
    }
}

#[async_trait]
impl OutboundPublisher for MemoryOutbox {
    async fn publish(&self, messages: &[OutboundMessage]) -> Result<(), StoreError> {
        if self.failing.load(Ordering::Relaxed) {
            return Err(StoreError::Unavailable("outbox switched off".into()));
        }
        let refused = *self.refused.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(object) = refused
            && messages.iter().any(|m| about(m) == Some(object))
        {
            return Err(StoreError::Unavailable("message refused".into()));
        }
        let mut kept = self.messages.lock().unwrap_or_else(|e| e.into_inner());
        kept.extend_from_slice(messages);
        Ok(())
    }
}

/// The object a message is about (records) or for (enrollments, reference requests).
fn about(message: &OutboundMessage) -> Option<ObjectId> {
    match message {
        OutboundMessage::RecordUpdatedV1(m) => Some(m.object_id),
        OutboundMessage::RecordDeletedV1(m) => Some(m.object_id),
        OutboundMessage::RecordMergedV1(m) => Some(m.survivor_id),
        OutboundMessage::CampaignEnrolledV1(m) => Some(m.contact_id),
        OutboundMessage::ReferenceRequestedV1(m) => Some(m.deal_id),
    }
}
