//! Step 2's HubSpot and ledger lookups: the values events did not carry, and who a fired
//! campaign rule enrolls.

use std::collections::{BTreeMap, BTreeSet};

use super::{Plan, Run, Slot};
use crate::domain::ids::ObjectId;
use crate::sync::campaigns::Enroll;
use crate::sync::coalesce::PortalWork;
use crate::sync::ports::FieldChange;
use crate::sync::reads::{read_deal_contacts, read_records};
use crate::sync::record::CrmObject;
use crate::sync::relevance::Relevance;
use crate::sync::worker::plan::Enrollment;

impl Run<'_> {
    /// Reads the tracked values of relevant records that were created, survived a merge, just
    /// became relevant through a link, or lack a mapped property (new to Deeto, or a property
    /// the tenant just mapped): one batch read per object type. A read stores every tracked
    /// property, empty ones as `None`, so a record is read in full once and then kept current
    /// by the events alone.
    pub(super) async fn read_missing(
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
            let reason = created
                || incomplete
                || survivors.contains(slot)
                || self.newly_relevant.contains(slot);
            if relevance.is_relevant() && reason {
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

    /// Resolves who each fired rule enrolls and keeps those not enrolled before. A failed
    /// lookup fails the record whose change fired the rule, so nothing of it is written and
    /// the retry sees the same transition again.
    pub(super) async fn plan_enrollments(&mut self, enrollments: Vec<Enrollment>, plan: &mut Plan) {
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
}
