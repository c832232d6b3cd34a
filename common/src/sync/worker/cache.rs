//! The stored records one batch looks at, loaded at most once each and in one `get_many` per
//! object type, and the relevance rules evaluated over them.

use std::collections::{BTreeMap, BTreeSet};

use crate::domain::ids::{ObjectId, PortalId};
use crate::ports::StoreError;
use crate::sync::ports::RecordStore;
use crate::sync::record::{CrmObject, DeetoRecord, Link, RecordKey, Role};
use crate::sync::relevance::{
    ClosedStages, company_roles, contact_roles, deal_roles, is_active_tracked_deal,
};

pub type Slot = (CrmObject, ObjectId);

pub struct RecordCache<'a> {
    store: &'a dyn RecordStore,
    portal: PortalId,
    known: BTreeMap<Slot, Option<DeetoRecord>>,
}

impl<'a> RecordCache<'a> {
    pub fn new(store: &'a dyn RecordStore, portal: PortalId) -> Self {
        Self {
            store,
            portal,
            known: BTreeMap::new(),
        }
    }

    /// Loads every slot not loaded yet.
    pub async fn load(&mut self, slots: impl IntoIterator<Item = Slot>) -> Result<(), StoreError> {
        let mut missing: BTreeMap<CrmObject, BTreeSet<ObjectId>> = BTreeMap::new();
        for slot in slots {
            if !self.known.contains_key(&slot) {
                missing.entry(slot.0).or_default().insert(slot.1);
            }
        }
        for (object, ids) in missing {
            let ids: Vec<ObjectId> = ids.into_iter().collect();
            let found = self.store.get_many(self.portal, object, &ids).await?;
            for id in ids {
                self.known.insert((object, id), None);
            }
            for record in found {
                let slot = (object, record.key.object_id);
                self.known.insert(slot, Some(record));
            }
        }
        Ok(())
    }

    /// The stored record, gone or not (must have been loaded).
    pub fn stored(&self, slot: Slot) -> Option<&DeetoRecord> {
        self.known.get(&slot).and_then(Option::as_ref)
    }

    /// The stored record unless deleted or merged away.
    pub fn live(&self, slot: Slot) -> Option<&DeetoRecord> {
        self.stored(slot).filter(|r| !r.is_gone())
    }

    /// Mirrors a link just written (both sides), so later decisions in the batch see it
    /// without reading the records again.
    pub fn note_link(&mut self, a: RecordKey, b: RecordKey, link: Link) {
        for (this, other) in [(a, b), (b, a)] {
            let slot = (this.object, this.object_id);
            let record = self
                .known
                .entry(slot)
                .or_insert(None)
                .get_or_insert_with(|| DeetoRecord::new(this));
            let newer = record
                .links
                .get(&(other.object, other.object_id))
                .is_none_or(|l| link.changed_at_ms > l.changed_at_ms);
            if newer {
                record.links.insert((other.object, other.object_id), link);
            }
        }
    }

    /// Drops a slot after a write, so the next load reads it again.
    pub fn forget(&mut self, slot: Slot) {
        self.known.remove(&slot);
    }

    /// What each slot is to Deeto now, loading the linked records the rules look through
    /// (a contact's deals; a company's contacts and their deals).
    pub async fn roles(
        &mut self,
        slots: &[Slot],
        closed: &ClosedStages,
    ) -> Result<BTreeMap<Slot, BTreeSet<Role>>, StoreError> {
        self.load(slots.iter().copied()).await?;
        let contacts_of_companies: Vec<Slot> = slots
            .iter()
            .filter(|s| s.0 == CrmObject::Company)
            .flat_map(|s| self.linked(*s, CrmObject::Contact))
            .collect();
        self.load(contacts_of_companies.iter().copied()).await?;
        let deals: Vec<Slot> = slots
            .iter()
            .chain(&contacts_of_companies)
            .filter(|s| s.0 == CrmObject::Contact)
            .flat_map(|s| self.linked(*s, CrmObject::Deal))
            .collect();
        self.load(deals).await?;
        Ok(slots
            .iter()
            .map(|slot| (*slot, self.roles_loaded(*slot, closed)))
            .collect())
    }

    fn roles_loaded(&self, slot: Slot, closed: &ClosedStages) -> BTreeSet<Role> {
        let record = self.stored(slot);
        match slot.0 {
            CrmObject::Contact => contact_roles(record, self.active_deals(slot, closed)),
            CrmObject::Deal => deal_roles(record),
            CrmObject::Company => {
                let relevant = self
                    .linked(slot, CrmObject::Contact)
                    .into_iter()
                    .filter(|c| {
                        let deals = self.active_deals(*c, closed);
                        !contact_roles(self.stored(*c), deals).is_empty()
                    })
                    .count();
                company_roles(record, relevant)
            }
        }
    }

    fn active_deals(&self, contact: Slot, closed: &ClosedStages) -> usize {
        self.linked(contact, CrmObject::Deal)
            .into_iter()
            .filter_map(|deal| self.stored(deal))
            .filter(|deal| is_active_tracked_deal(deal, closed))
            .count()
    }

    fn linked(&self, slot: Slot, object: CrmObject) -> Vec<Slot> {
        self.live(slot)
            .map(|r| {
                r.linked(object)
                    .into_iter()
                    .map(|id| (object, id))
                    .collect()
            })
            .unwrap_or_default()
    }
}
