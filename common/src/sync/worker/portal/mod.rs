//! One portal's coalesced batch, in four steps:
//! 1. structure ([`structure`]): association changes and merges are written first (idempotent
//!    on replay);
//! 2. plan (here and [`lookups`]): relevance from stored records, HubSpot reads only for
//!    relevant records that lack values, the changes newer than what is stored, the campaign
//!    rules the events fire;
//! 3. publish every outbound message of the plan ([`commit`]);
//! 4. write the plan: enrollments, then values, then deletions (conditional writes keyed on
//!    the change time).
//!
//! Publishing before writing means a crash or failure in between re-publishes on retry (the
//! consumer dedupes on `dedupeKey`) instead of losing a message. A failure marks only the
//! records it concerns, and nothing more is written for them, so the retry redoes their whole
//! plan; the caller maps them back to the messages that touched them.

mod commit;
mod lookups;
mod structure;

use std::collections::{BTreeMap, BTreeSet};

use super::SyncWorker;
use super::cache::{RecordCache, Slot};
use super::failure::Failure;
use super::plan::{EnrollmentKey, fired_enrollments, merged_changes, record_updated};
use crate::domain::ids::PortalId;
use crate::sync::coalesce::PortalWork;
use crate::sync::config::SyncConfig;
use crate::sync::outbound::OutboundMessage;
use crate::sync::ports::{FieldChange, event_transitions, newer_changes};
use crate::sync::record::{CrmObject, RecordKey};
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
        newly_relevant: BTreeSet::new(),
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
    /// Records a link written in this batch may have made relevant: their values are read,
    /// since events about them may have been ignored while they were not.
    newly_relevant: BTreeSet<Slot>,
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
    /// Drops everything about records that failed: a retry redoes their whole plan.
    fn retain(&mut self, ok: impl Fn(Slot) -> bool) {
        self.messages.retain(|(s, _)| ok(*s));
        self.updates.retain(|(s, _)| ok(*s));
        self.enrollments.retain(|(s, _)| ok(*s));
        self.deletions.retain(|(s, _)| ok(*s));
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
        let closed = &self.config.closed_stages;
        let roles = match self.cache.roles(&candidates, closed).await {
            Ok(roles) => roles,
            Err(err) => return self.fail(candidates, err),
        };
        let mut decided = Vec::new();
        for slot in &candidates {
            let roles = roles.get(slot).cloned().unwrap_or_default();
            let record_work = work.records.get(slot);
            if let Some(at) = record_work.and_then(|w| w.deleted_at_ms) {
                let erase = record_work.is_some_and(|w| w.erase);
                self.plan_deletion(*slot, &roles, at, erase, &mut plan);
                continue;
            }
            // Deleted or merged away: no longer Deeto's business, not even for campaigns.
            if self.cache.stored(*slot).is_some_and(|r| r.is_gone()) {
                continue;
            }
            let watched = record_work.is_some_and(|w| {
                let watched: BTreeSet<&str> = self.config.rules.watched(slot.0).collect();
                w.changes.keys().any(|p| watched.contains(p.as_str()))
            });
            match Relevance::decide(roles, watched) {
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
            let from_events = work
                .records
                .get(slot)
                .map(|w| w.changes.clone())
                .unwrap_or_default();
            let from_read = reads.get(slot).map(Vec::as_slice).unwrap_or_default();
            let changes = merged_changes(slot.0, relevance, self.config, &from_events, from_read);
            let stored = self.cache.stored(*slot);
            let key = self.key(*slot);
            // Campaign rules see only what the events carried: a value read from HubSpot says
            // what a property is, not that it just became so.
            let event_changes = merged_changes(slot.0, relevance, self.config, &from_events, &[]);
            let transitions = event_transitions(stored, &event_changes);
            enrollments.extend(fired_enrollments(key, &transitions, self.config));
            let applied = newer_changes(stored, &changes);
            if applied.is_empty() {
                continue;
            }
            if let Relevance::Relevant { roles } = relevance {
                let message =
                    record_updated(key, stored, roles, &applied, self.config, self.now_ms);
                plan.messages.extend(message.map(|m| (*slot, m)));
            }
            let changed: BTreeSet<&str> = applied.iter().map(|a| a.property.as_str()).collect();
            let updates = changes
                .into_iter()
                .filter(|c| changed.contains(c.property.as_str()));
            plan.updates.push((*slot, updates.collect()));
        }
        self.plan_enrollments(enrollments, &mut plan).await;
        self.commit(plan).await;
    }
}
