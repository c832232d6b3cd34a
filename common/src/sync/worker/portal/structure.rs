//! Step 1: association changes and merges, written before anything is decided, because they
//! change who is relevant.

use std::collections::BTreeSet;

use super::{Plan, Run, Slot};
use crate::ports::StoreError;
use crate::sync::coalesce::{AssociationChange, PortalWork};
use crate::sync::outbound::{OutboundMessage, RecordMerged};
use crate::sync::ports::FieldChange;
use crate::sync::record::{CrmObject, Link, Role};
use crate::sync::worker::plan::record_deleted;

impl Run<'_> {
    /// Writes the association changes relevance needs. A link can make another one needed (a
    /// contact joins a tracked deal, so its company link now matters), so skipped changes are
    /// retried until a pass writes nothing new.
    pub(super) async fn write_links(&mut self, work: &PortalWork) {
        let mut pending: Vec<&AssociationChange> = work.associations.iter().collect();
        loop {
            let before = pending.len();
            let mut skipped = Vec::new();
            for change in pending {
                let contact = (CrmObject::Contact, change.contact);
                let other = (change.other, change.other_id);
                match self.link_matters(change).await {
                    Ok(true) => {}
                    Ok(false) => {
                        skipped.push(change);
                        continue;
                    }
                    Err(err) => {
                        self.fail([contact, other], err);
                        continue;
                    }
                }
                let (a, b) = (self.key(contact), self.key(other));
                let records = self.worker.records.as_ref();
                match records.set_link(a, b, change.present, change.at_ms).await {
                    Ok(changed) => {
                        let link = Link {
                            present: change.present,
                            changed_at_ms: change.at_ms,
                        };
                        self.cache.note_link(a, b, link);
                        if changed && change.present {
                            self.note_newly_relevant(contact, other);
                        }
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

    /// Only links that decide relevance are stored, which keeps records small and stops links
    /// from spreading through the CRM graph: a contact's link to a deal Deeto tracks (it makes
    /// the contact a prospect), a relevant contact's link to its company (it makes the company
    /// relevant), and any change to a link already stored (so removals are seen).
    async fn link_matters(&mut self, change: &AssociationChange) -> Result<bool, StoreError> {
        let contact = (CrmObject::Contact, change.contact);
        let other = (change.other, change.other_id);
        let stored = self
            .cache
            .live(contact)
            .is_some_and(|c| c.links.contains_key(&other));
        if stored {
            return Ok(true);
        }
        if !change.present {
            return Ok(false);
        }
        match change.other {
            CrmObject::Deal => Ok(self
                .cache
                .live(other)
                .is_some_and(|d| d.has_role(Role::Deal))),
            CrmObject::Company => {
                let closed = &self.config.closed_stages;
                let roles = self.cache.roles(&[contact], closed).await?;
                Ok(roles.get(&contact).is_some_and(|r| !r.is_empty()))
            }
            CrmObject::Contact => Ok(false),
        }
    }

    /// A contact that joined a tracked deal only through this link, or a company that a
    /// relevant contact joined, may hold values Deeto never saw: read them.
    fn note_newly_relevant(&mut self, contact: Slot, other: Slot) {
        let has_own_role = |slot: Slot| self.cache.live(slot).is_some_and(|r| !r.roles.is_empty());
        let slot = match other.0 {
            CrmObject::Deal => contact,
            _ => other,
        };
        if !has_own_role(slot) {
            self.newly_relevant.insert(slot);
        }
    }

    /// Moves Deeto links to merge survivors; returns the survivors (their values are re-read).
    pub(super) async fn write_merges(
        &mut self,
        work: &PortalWork,
        plan: &mut Plan,
    ) -> BTreeSet<Slot> {
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

    /// A deletion marks Deeto's record (and tells Deeto if the record mattered). A privacy
    /// deletion (GDPR) also erases every stored value.
    pub(super) fn plan_deletion(
        &mut self,
        slot: Slot,
        roles: &BTreeSet<Role>,
        at: i64,
        erase: bool,
        plan: &mut Plan,
    ) {
        let Some(record) = self.cache.live(slot) else {
            return;
        };
        if !roles.is_empty() {
            plan.messages
                .push((slot, record_deleted(self.key(slot), record, at)));
        }
        if erase {
            // Newer than anything stored, so every value is really overwritten.
            let newest = record.fields.values().map(|f| f.changed_at_ms + 1).max();
            let stamp = newest.unwrap_or(at).max(at);
            let erased = record.fields.keys().map(|property| FieldChange {
                property: property.clone(),
                value: None,
                changed_at_ms: stamp,
            });
            plan.updates.push((slot, erased.collect()));
        }
        plan.deletions.push((slot, at));
    }
}
