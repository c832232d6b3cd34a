//! One portal's coalesced batch, in four steps:
//! 1. structure: association changes and merges are written first (idempotent on replay);
//! 2. plan: relevance from stored records, HubSpot reads only for relevant records that lack
//!    values, the changes newer than what is stored, the campaign rules they fire;
//! 3. publish every outbound message of the plan;
//! 4. write the plan (conditional writes keyed on the change time).
//!
//! Publishing before writing means a crash or failure in between re-publishes on retry (the
//! consumer dedupes on `dedupeKey`) instead of losing a message. A failure marks only the
//! records it concerns; the caller maps them back to the messages that touched them.

use std::collections::{BTreeMap, BTreeSet};

use super::SyncWorker;
use super::cache::{RecordCache, Slot};
use super::failure::Failure;
use super::plan::{Enrollment, EnrollmentKey, fired_enrollments, merged_changes};
use super::plan::{record_deleted, record_updated};
use crate::domain::ids::{ObjectId, PortalId};
use crate::sync::campaigns::Enroll;
use crate::sync::coalesce::PortalWork;
use crate::sync::config::SyncConfig;
use crate::sync::outbound::{OutboundMessage, RecordMerged};
use crate::sync::ports::{FieldChange, newer_changes};
use crate::sync::reads::{read_deal_contacts, read_records};
use crate::sync::record::{CrmObject, Link, RecordKey, Role};
use crate::sync::relevance::Relevance;

pub async fn run(
    worker: &SyncWorker,
    portal: PortalId,
    config: &SyncConfig,
    work: &PortalWork,
) -> BTreeMap<Slot, Failure> {
    let mut run = Run {
        worker,
        portal,
        config,
        now_ms: worker.clock.now_ms(),
        cache: RecordCache::new(worker.records.as_ref(), portal),
        failed: BTreeMap::new(),
    };
    run.execute(work).await;
    run.failed
}

struct Run<'a> {
    worker: &'a SyncWorker,
    portal: PortalId,
    config: &'a SyncConfig,
    now_ms: i64,
    cache: RecordCache<'a>,
    failed: BTreeMap<Slot, Failure>,
}

/// What step 2 decided: messages (with the record each concerns) and the writes that follow.
#[derive(Default)]
struct Plan {
    messages: Vec<(Slot, OutboundMessage)>,
    updates: Vec<(Slot, Vec<FieldChange>)>,
    enrollments: Vec<(Slot, EnrollmentKey)>,
    deletions: Vec<(Slot, i64)>,
}

impl Plan {
    fn slots(&self) -> BTreeSet<Slot> {
        let messages = self.messages.iter().map(|(s, _)| *s);
        let updates = self.updates.iter().map(|(s, _)| *s);
        let enrollments = self.enrollments.iter().map(|(s, _)| *s);
        let deletions = self.deletions.iter().map(|(s, _)| *s);
        messages
            .chain(updates)
            .chain(enrollments)
            .chain(deletions)
            .collect()
    }
}

impl<'a> Run<'a> {
    fn key(&self, (object, id): Slot) -> RecordKey {
        RecordKey::new(self.portal, object, id)
    }

    fn fail(&mut self, slots: impl IntoIterator<Item = Slot>, failure: impl Into<Failure>) {
        let failure = failure.into();
        for slot in slots {
            let keep = self
                .failed
                .get(&slot)
                .is_some_and(|f| f.rank() >= failure.rank());
            if !keep {
                self.failed.insert(slot, failure.clone());
            }
        }
    }

    fn ok(&self, slot: Slot) -> bool {
        !self.failed.contains_key(&slot)
    }

    async fn execute(&mut self, work: &PortalWork) {
        let mut all: BTreeSet<Slot> = work.records.keys().copied().collect();
        for merge in &work.merges {
            all.insert((merge.object, merge.survivor));
            all.extend(merge.merged.iter().map(|id| (merge.object, *id)));
        }
        for change in &work.associations {
            all.insert((CrmObject::Contact, change.contact));
            all.insert((change.other, change.other_id));
        }
        if let Err(err) = self.cache.load(all.iter().copied()).await {
            return self.fail(all, err);
        }
        self.write_links(work).await;
        let mut plan = Plan::default();
        let survivors = self.write_merges(work, &mut plan).await;

        // Step 2: whom Deeto cares about now.
        let candidates: Vec<Slot> = all.iter().copied().filter(|s| self.ok(*s)).collect();
        let roles = match self
            .cache
            .roles(&candidates, &self.config.closed_stages)
            .await
        {
            Ok(roles) => roles,
            Err(err) => return self.fail(candidates, err),
        };
        let no_roles = BTreeSet::new();
        let roles_of = |slot: &Slot| roles.get(slot).unwrap_or(&no_roles);
        let mut decided = Vec::new();
        for slot in &candidates {
            let record_work = work.records.get(slot);
            if let Some(at) = record_work.and_then(|w| w.deleted_at_ms) {
                self.plan_deletion(*slot, roles_of(slot), at, &mut plan);
                continue;
            }
            let watched = record_work.is_some_and(|w| {
                let watched: BTreeSet<&str> = self.config.rules.watched(slot.0).collect();
                w.changes.keys().any(|p| watched.contains(p.as_str()))
            });
            match Relevance::decide(roles_of(slot).clone(), watched) {
                Relevance::Irrelevant => {
                    tracing::debug!(object = %slot.0, id = %slot.1, "not relevant to Deeto");
                }
                relevance => decided.push((*slot, relevance)),
            }
        }
        let reads = self.read_missing(work, &decided, &survivors).await;
        let mut enrollments = Vec::new();
        for (slot, relevance) in &decided {
            if !self.ok(*slot) {
                continue;
            }
            let from_events = work.records.get(slot).map(|w| w.changes.clone());
            let from_read = reads.get(slot).map(Vec::as_slice).unwrap_or_default();
            let changes = merged_changes(
                slot.0,
                relevance,
                self.config,
                &from_events.unwrap_or_default(),
                from_read,
            );
            let stored = self.cache.stored(*slot);
            let applied = newer_changes(stored, &changes);
            if applied.is_empty() {
                continue;
            }
            let key = self.key(*slot);
            if let Relevance::Relevant { roles } = relevance {
                let message =
                    record_updated(key, stored, roles, &applied, self.config, self.now_ms);
                plan.messages.extend(message.map(|m| (*slot, m)));
            }
            enrollments.extend(fired_enrollments(key, &applied, self.config));
            let changed: BTreeSet<&str> = applied.iter().map(|a| a.property.as_str()).collect();
            let updates = changes
                .into_iter()
                .filter(|c| changed.contains(c.property.as_str()));
            plan.updates.push((*slot, updates.collect()));
        }
        self.plan_enrollments(enrollments, &mut plan).await;

        // Step 3: publish; step 4: write.
        let messages: Vec<OutboundMessage> = plan.messages.iter().map(|(_, m)| m.clone()).collect();
        if !messages.is_empty()
            && let Err(err) = self.worker.outbound.publish(&messages).await
        {
            return self.fail(plan.slots(), err);
        }
        self.write_plan(plan).await;
    }

    /// Writes the association changes that touch a record Deeto knows. A link can make the
    /// other side known (a contact joins a tracked deal, then its company matters), so skipped
    /// changes are retried until a pass writes nothing new.
    async fn write_links(&mut self, work: &PortalWork) {
        let mut pending: Vec<_> = work.associations.iter().collect();
        loop {
            let before = pending.len();
            let mut skipped = Vec::new();
            for change in pending {
                let contact = (CrmObject::Contact, change.contact);
                let other = (change.other, change.other_id);
                // A link matters only if Deeto knows one side; otherwise it costs nothing.
                if self.cache.live(contact).is_none() && self.cache.live(other).is_none() {
                    skipped.push(change);
                    continue;
                }
                let (a, b) = (self.key(contact), self.key(other));
                let records = self.worker.records.as_ref();
                match records.set_link(a, b, change.present, change.at_ms).await {
                    Ok(_) => {
                        let link = Link {
                            present: change.present,
                            changed_at_ms: change.at_ms,
                        };
                        self.cache.note_link(a, b, link);
                    }
                    Err(err) => self.fail([contact, other], err),
                }
            }
            if skipped.is_empty() || skipped.len() == before {
                return;
            }
            pending = skipped;
        }
    }

    /// Moves Deeto links to merge survivors; returns the survivors (their values are re-read).
    async fn write_merges(&mut self, work: &PortalWork, plan: &mut Plan) -> BTreeSet<Slot> {
        let mut survivors = BTreeSet::new();
        for merge in &work.merges {
            let slots: Vec<Slot> = std::iter::once(merge.survivor)
                .chain(merge.merged.iter().copied())
                .map(|id| (merge.object, id))
                .collect();
            if slots.iter().all(|s| self.cache.stored(*s).is_none()) {
                continue;
            }
            let records = self.worker.records.as_ref();
            let (object, at) = (merge.object, merge.at_ms);
            let result = records
                .merge(self.portal, object, merge.survivor, &merge.merged, at)
                .await;
            match result {
                Ok(Some(result)) => {
                    let message = OutboundMessage::RecordMergedV1(RecordMerged {
                        portal_id: self.portal,
                        object_type: object,
                        survivor_id: merge.survivor,
                        merged_ids: result.moved.clone(),
                        deeto_id: result.survivor.deeto_id.clone(),
                        roles: result.survivor.roles.iter().copied().collect(),
                        occurred_at: at,
                    });
                    plan.messages.push(((object, merge.survivor), message));
                    survivors.insert((object, merge.survivor));
                    slots.iter().for_each(|s| self.cache.forget(*s));
                }
                Ok(None) => {}
                Err(err) => self.fail(slots, err),
            }
        }
        survivors
    }

    fn plan_deletion(&mut self, slot: Slot, roles: &BTreeSet<Role>, at: i64, plan: &mut Plan) {
        let Some(record) = self.cache.live(slot) else {
            return;
        };
        if !roles.is_empty() {
            plan.messages
                .push((slot, record_deleted(self.key(slot), record, at)));
        }
        plan.deletions.push((slot, at));
    }

    /// Reads the tracked values of relevant records that were created, survived a merge, or
    /// lack a mapped property (new to Deeto, or a property the tenant just mapped): one batch
    /// read per object type. A read stores every tracked property, empty ones as `None`, so a
    /// record is read in full once and then kept current by the events alone.
    async fn read_missing(
        &mut self,
        work: &PortalWork,
        decided: &[(Slot, Relevance)],
        survivors: &BTreeSet<Slot>,
    ) -> BTreeMap<Slot, Vec<FieldChange>> {
        let mut wanted: BTreeMap<CrmObject, Vec<ObjectId>> = BTreeMap::new();
        for (slot, relevance) in decided {
            let created = work
                .records
                .get(slot)
                .is_some_and(|w| w.created_at_ms.is_some());
            let incomplete = self.cache.live(*slot).is_none_or(|r| {
                !self
                    .config
                    .mapping
                    .properties(slot.0)
                    .all(|p| r.fields.contains_key(p))
            });
            if relevance.is_relevant() && (created || incomplete || survivors.contains(slot)) {
                wanted.entry(slot.0).or_default().push(slot.1);
            }
        }
        let mut reads = BTreeMap::new();
        for (object, ids) in wanted {
            let properties = self.config.tracked(object);
            let api = self.worker.hubspot.as_ref();
            match read_records(api, self.portal, object, &ids, &properties, self.now_ms).await {
                Ok(records) => {
                    reads.extend(records.into_iter().map(|r| ((object, r.id), r.changes)));
                }
                Err(err) => self.fail(ids.into_iter().map(|id| (object, id)), err),
            }
        }
        reads
    }

    /// Resolves who each fired rule enrolls and keeps those not enrolled before.
    async fn plan_enrollments(&mut self, enrollments: Vec<Enrollment>, plan: &mut Plan) {
        if enrollments.is_empty() {
            return;
        }
        let deals: BTreeSet<ObjectId> = enrollments
            .iter()
            .filter(|e| e.rule.enroll == Enroll::DealContacts)
            .map(|e| e.trigger.object_id)
            .collect();
        let mut deal_contacts = BTreeMap::new();
        if !deals.is_empty() {
            let deals: Vec<ObjectId> = deals.into_iter().collect();
            let api = self.worker.hubspot.as_ref();
            match read_deal_contacts(api, self.portal, &deals).await {
                Ok(found) => deal_contacts = found,
                Err(err) => self.fail(deals.into_iter().map(|d| (CrmObject::Deal, d)), err),
            }
        }
        let mut seen = BTreeSet::new();
        for enrollment in enrollments {
            let trigger = (enrollment.trigger.object, enrollment.trigger.object_id);
            if !self.ok(trigger) {
                continue;
            }
            let contacts = match enrollment.direct_contact() {
                Some(contact) => vec![contact],
                None => deal_contacts
                    .get(&enrollment.trigger.object_id)
                    .cloned()
                    .unwrap_or_default(),
            };
            for contact in contacts {
                let key = (self.portal, enrollment.rule.campaign.clone(), contact);
                if !seen.insert(key.clone()) {
                    continue;
                }
                let ledger = self.worker.ledger.as_ref();
                match ledger.is_enrolled(self.portal, &key.1, contact).await {
                    Ok(true) => {}
                    Ok(false) => {
                        plan.messages.push((trigger, enrollment.message(contact)));
                        plan.enrollments.push((trigger, key));
                    }
                    Err(err) => self.fail([trigger], err),
                }
            }
        }
    }

    async fn write_plan(&mut self, plan: Plan) {
        let records = self.worker.records.as_ref();
        for (slot, changes) in plan.updates {
            if let Err(err) = records
                .apply_changes(self.key(slot), &changes, self.now_ms)
                .await
            {
                self.fail([slot], err);
            }
        }
        for (slot, (portal, campaign, contact)) in plan.enrollments {
            let ledger = self.worker.ledger.as_ref();
            if let Err(err) = ledger.record_enrollment(portal, &campaign, contact).await {
                self.fail([slot], err);
            }
        }
        for (slot, at) in plan.deletions {
            if let Err(err) = records.mark_deleted(self.key(slot), at).await {
                self.fail([slot], err);
            }
        }
    }
}
