//! Association writes on a portal. Each new or removed association records one change per
//! side (`CONTACT_TO_COMPANY` and `COMPANY_TO_CONTACT`), as HubSpot's events do.

use super::assoc_types::{self, AssocType};
use super::change::ChangeKind;
use super::portal::Portal;
use crate::error::{ApiError, ApiResult};
use crate::object_type::ObjectType;

impl Portal {
    /// Associates two live records with `type_id`, or with the pair's default type.
    pub fn associate(
        &mut self,
        from: ObjectType,
        from_id: u64,
        to: ObjectType,
        to_id: u64,
        type_id: Option<u32>,
    ) -> ApiResult<AssocType> {
        let kind = match type_id {
            Some(id) => assoc_types::lookup(from, to, id),
            None => assoc_types::default_type(from, to),
        }
        .ok_or_else(|| {
            ApiError::validation(format!(
                "{} is not a valid association type between {} and {}",
                type_id.map(|t| t.to_string()).unwrap_or_default(),
                from.plural(),
                to.plural()
            ))
        })?;
        let from_id = self.live_id(from, from_id)?;
        let to_id = self.live_id(to, to_id)?;
        if self.graph.add((from, from_id), (to, to_id), kind) {
            self.emit_association(kind, from_id, to_id, false);
        }
        Ok(kind)
    }

    /// Removes every association between two records; returns the types removed.
    pub fn dissociate(
        &mut self,
        from: ObjectType,
        from_id: u64,
        to: ObjectType,
        to_id: u64,
    ) -> Vec<AssocType> {
        let from_id = self.table(from).resolve(from_id);
        let to_id = self.table(to).resolve(to_id);
        let removed = self.graph.remove_pair((from, from_id), (to, to_id));
        for kind in &removed {
            self.emit_association(*kind, from_id, to_id, true);
        }
        removed
    }

    fn emit_association(&mut self, kind: AssocType, from_id: u64, to_id: u64, removed: bool) {
        let forward = ChangeKind::AssociationChange {
            to: kind.to,
            to_id,
            type_id: kind.id,
            removed,
            primary: kind.primary,
        };
        self.emit(kind.from, from_id, forward);
        let inverse = ChangeKind::AssociationChange {
            to: kind.from,
            to_id: from_id,
            type_id: kind.inverse,
            removed,
            primary: kind.primary,
        };
        self.emit(kind.to, to_id, inverse);
    }

    pub(crate) fn live_id(&self, object: ObjectType, id: u64) -> ApiResult<u64> {
        let table = self.table(object);
        table
            .live(id)
            .map(|r| r.id)
            .ok_or_else(|| ApiError::object_not_found(&id.to_string()))
    }
}
