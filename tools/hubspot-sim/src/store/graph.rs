//! Associations between records, kept in both directions: writing `ticket -> deal` (28) also
//! stores `deal -> ticket` (27), as HubSpot does.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::assoc_types::{self, AssocType};
use crate::object_type::ObjectType;

pub type Node = (ObjectType, u64);

#[derive(Debug, Default)]
pub struct Graph {
    edges: HashMap<Node, BTreeMap<Node, BTreeSet<u32>>>,
}

impl Graph {
    /// Adds `kind` and its inverse; true when the association did not exist yet.
    pub fn add(&mut self, from: Node, to: Node, kind: AssocType) -> bool {
        let added = self
            .edges
            .entry(from)
            .or_default()
            .entry(to)
            .or_default()
            .insert(kind.id);
        self.edges
            .entry(to)
            .or_default()
            .entry(from)
            .or_default()
            .insert(kind.inverse);
        added
    }

    /// Removes every type between two records, returning the types removed from `from`'s side.
    pub fn remove_pair(&mut self, from: Node, to: Node) -> Vec<AssocType> {
        let removed = self.take(from, to);
        self.take(to, from);
        removed
            .into_iter()
            .filter_map(|id| assoc_types::lookup(from.0, to.0, id))
            .collect()
    }

    fn take(&mut self, from: Node, to: Node) -> BTreeSet<u32> {
        let Some(targets) = self.edges.get_mut(&from) else {
            return BTreeSet::new();
        };
        let removed = targets.remove(&to).unwrap_or_default();
        if targets.is_empty() {
            self.edges.remove(&from);
        }
        removed
    }

    /// Records of `to_type` associated with `from`, in id order, with their type ids.
    pub fn targets(&self, from: Node, to_type: ObjectType) -> Vec<(u64, Vec<AssocType>)> {
        let Some(targets) = self.edges.get(&from) else {
            return Vec::new();
        };
        targets
            .range((to_type, 0)..=(to_type, u64::MAX))
            .map(|((_, id), types)| {
                let kinds = types
                    .iter()
                    .filter_map(|t| assoc_types::lookup(from.0, to_type, *t));
                (*id, kinds.collect())
            })
            .collect()
    }

    /// Every record associated with `from`, whatever its type.
    pub fn neighbours(&self, from: Node) -> Vec<Node> {
        self.edges
            .get(&from)
            .map(|t| t.keys().copied().collect())
            .unwrap_or_default()
    }

    pub fn edge_count(&self) -> usize {
        self.edges
            .values()
            .map(|t| t.values().map(BTreeSet::len).sum::<usize>())
            .sum()
    }
}
