//! Steps 3 and 4: publish, then write — only for records whose plan is whole.

use std::collections::BTreeMap;

use super::{Plan, Run, Slot};
use crate::sync::outbound::OutboundMessage;

impl Run<'_> {
    pub(super) async fn commit(&mut self, mut plan: Plan) {
        plan.retain(|slot| self.ok(slot));
        self.publish(&plan).await;
        plan.retain(|slot| self.ok(slot));
        self.write(plan).await;
    }

    /// One publish for the whole plan; if it fails, one per record, so a single bad message
    /// (e.g. over the queue's size limit) fails only its own record.
    async fn publish(&mut self, plan: &Plan) {
        if plan.messages.is_empty() {
            return;
        }
        let outbound = self.worker.outbound.as_ref();
        let all: Vec<OutboundMessage> = plan.messages.iter().map(|(_, m)| m.clone()).collect();
        if outbound.publish(&all).await.is_ok() {
            return;
        }
        let mut by_slot: BTreeMap<Slot, Vec<OutboundMessage>> = BTreeMap::new();
        for (slot, message) in &plan.messages {
            by_slot.entry(*slot).or_default().push(message.clone());
        }
        for (slot, messages) in by_slot {
            if let Err(err) = outbound.publish(&messages).await {
                self.fail([slot], err);
            }
        }
    }

    /// Enrollments first: once recorded, a retry that no longer sees the transition (its value
    /// is stored) has nothing left to do. A record whose enrollment could not be recorded keeps
    /// its old values, so the retry sees the transition again.
    async fn write(&mut self, plan: Plan) {
        for (slot, (portal, campaign, contact)) in plan.enrollments {
            let ledger = self.worker.ledger.as_ref();
            if let Err(err) = ledger.record_enrollment(portal, &campaign, contact).await {
                self.fail([slot], err);
            }
        }
        let records = self.worker.records.as_ref();
        for (slot, changes) in plan.updates {
            if !self.ok(slot) {
                continue;
            }
            let key = self.key(slot);
            if let Err(err) = records.apply_changes(key, &changes, self.now_ms).await {
                self.fail([slot], err);
            }
        }
        for (slot, at) in plan.deletions {
            if !self.ok(slot) {
                continue;
            }
            if let Err(err) = records.mark_deleted(self.key(slot), at).await {
                self.fail([slot], err);
            }
        }
    }
}
