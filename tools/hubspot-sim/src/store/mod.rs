//! The simulated HubSpot data: portals and everything in them. Pure in-memory state with no
//! I/O; the HTTP layer locks it, calls one operation, and forwards the recorded changes.

pub mod assoc_types;
pub mod change;
pub mod filter;
pub mod graph;
mod merge;
pub mod pipelines;
pub mod portal;
mod portal_assoc;
mod portal_schema;
pub mod schema;
pub mod search;
pub mod table;
pub mod validate;

use std::collections::BTreeMap;

pub use change::{Change, ChangeKind, Source};
pub use portal::{Portal, Props};

use crate::error::{ApiError, ApiResult};

#[derive(Debug, Default)]
pub struct Store {
    pub portals: BTreeMap<u64, Portal>,
}

impl Store {
    pub fn portal(&self, id: u64) -> ApiResult<&Portal> {
        self.portals.get(&id).ok_or_else(|| missing_portal(id))
    }

    pub fn portal_mut(&mut self, id: u64) -> ApiResult<&mut Portal> {
        self.portals.get_mut(&id).ok_or_else(|| missing_portal(id))
    }

    /// The portal, created empty (default schema and pipelines) if it does not exist yet.
    pub fn ensure(&mut self, id: u64, now_ms: i64) -> &mut Portal {
        self.portals
            .entry(id)
            .or_insert_with(|| Portal::new(id, now_ms))
    }
}

fn missing_portal(id: u64) -> ApiError {
    ApiError::not_found(format!("Portal {id} does not exist"))
}
