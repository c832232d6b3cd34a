//! What happened to a portal, recorded by every write path (API, admin, fixture) and turned
//! into webhook events by `webhooks::events`.

use crate::object_type::ObjectType;

/// Who made a change: HubSpot reports it as `changeSource` (+ `sourceId`) on events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub change_source: &'static str,
    pub source_id: Option<String>,
}

impl Source {
    /// A write through the public API by the app.
    pub fn integration(app_id: u64) -> Self {
        Self {
            change_source: "INTEGRATION",
            source_id: Some(app_id.to_string()),
        }
    }

    /// A change a user made in HubSpot's UI (admin calls, merges).
    pub fn user(user_id: u64) -> Self {
        Self {
            change_source: "CRM_UI",
            source_id: Some(format!("userId:{user_id}")),
        }
    }

    /// A fixture load, which HubSpot would see as an import.
    pub fn import() -> Self {
        Self {
            change_source: "IMPORT",
            source_id: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    Creation,
    Deletion,
    PropertyChange {
        name: String,
        value: String,
    },
    Merge {
        merged: Vec<u64>,
        new_id: u64,
        moved: u64,
    },
    AssociationChange {
        to: ObjectType,
        to_id: u64,
        type_id: u32,
        removed: bool,
        primary: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub portal_id: u64,
    pub object: ObjectType,
    pub object_id: u64,
    pub at_ms: i64,
    pub kind: ChangeKind,
    pub source: Source,
}
