//! The records of one object type in one portal, ordered by id so `after` paging walks id order,
//! with an index for every unique property (`email`, custom `hasUniqueValue` properties) so a
//! 100,000-contact portal answers `idProperty=email` without a scan.

use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: u64,
    pub properties: BTreeMap<String, String>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub archived_ms: Option<i64>,
}

impl Record {
    pub fn is_archived(&self) -> bool {
        self.archived_ms.is_some()
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.properties.get(name).map(String::as_str)
    }
}

#[derive(Debug, Default)]
pub struct Table {
    pub records: BTreeMap<u64, Record>,
    /// A merged-away id answers as the record it was merged into, as in HubSpot.
    merged_into: HashMap<u64, u64>,
    unique: HashMap<String, HashMap<String, u64>>,
}

impl Table {
    /// Follows merges: the id a request for `id` is really about.
    pub fn resolve(&self, mut id: u64) -> u64 {
        // Chains are short (A merged into B merged into C); the bound guards against a cycle.
        for _ in 0..16 {
            match self.merged_into.get(&id) {
                Some(next) => id = *next,
                None => break,
            }
        }
        id
    }

    /// A live (not archived) record, following merges.
    pub fn live(&self, id: u64) -> Option<&Record> {
        self.records
            .get(&self.resolve(id))
            .filter(|r| !r.is_archived())
    }

    pub fn live_mut(&mut self, id: u64) -> Option<&mut Record> {
        let id = self.resolve(id);
        self.records.get_mut(&id).filter(|r| !r.is_archived())
    }

    pub fn mark_merged(&mut self, from: u64, into: u64) {
        self.merged_into.insert(from, into);
    }

    pub fn find_unique(&self, property: &str, value: &str) -> Option<u64> {
        self.unique
            .get(property)?
            .get(&value.to_lowercase())
            .copied()
    }

    pub fn is_indexed(&self, property: &str) -> bool {
        self.unique.contains_key(property)
    }

    /// Starts indexing a property (called when a unique property is defined).
    pub fn add_index(&mut self, property: &str) {
        let mut index = HashMap::new();
        for record in self.records.values().filter(|r| !r.is_archived()) {
            if let Some(value) = record.get(property) {
                index.insert(value.to_lowercase(), record.id);
            }
        }
        self.unique.insert(property.to_string(), index);
    }

    /// Keeps the unique indexes in step with one property write.
    pub fn reindex(&mut self, id: u64, property: &str, old: Option<&str>, new: Option<&str>) {
        let Some(index) = self.unique.get_mut(property) else {
            return;
        };
        if let Some(old) = old {
            index.remove(&old.to_lowercase());
        }
        if let Some(new) = new.filter(|v| !v.is_empty()) {
            index.insert(new.to_lowercase(), id);
        }
    }

    /// Drops every unique value of a record (archive, merge).
    pub fn unindex(&mut self, id: u64) {
        let Some(record) = self.records.get(&id) else {
            return;
        };
        for (property, index) in &mut self.unique {
            if let Some(value) = record.properties.get(property) {
                index.remove(&value.to_lowercase());
            }
        }
    }

    pub fn live_count(&self) -> usize {
        self.records.values().filter(|r| !r.is_archived()).count()
    }
}
