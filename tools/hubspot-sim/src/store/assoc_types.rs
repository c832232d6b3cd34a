//! HubSpot-defined association types between the four objects (fact sheet §4.3): each id, its
//! inverse, and whether it is the "Primary" label.

use crate::object_type::ObjectType::{self, Companies, Contacts, Deals, Tickets};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssocType {
    pub from: ObjectType,
    pub to: ObjectType,
    pub id: u32,
    pub inverse: u32,
    pub primary: bool,
}

const fn t(from: ObjectType, to: ObjectType, id: u32, inverse: u32, primary: bool) -> AssocType {
    AssocType {
        from,
        to,
        id,
        inverse,
        primary,
    }
}

/// Unlabelled types come before the primary one of the same pair: the first match is the default.
const TYPES: [AssocType; 20] = [
    t(Contacts, Companies, 279, 280, false),
    t(Companies, Contacts, 280, 279, false),
    t(Contacts, Companies, 1, 2, true),
    t(Companies, Contacts, 2, 1, true),
    t(Deals, Contacts, 3, 4, false),
    t(Contacts, Deals, 4, 3, false),
    t(Tickets, Contacts, 16, 15, false),
    t(Contacts, Tickets, 15, 16, false),
    t(Tickets, Deals, 28, 27, false),
    t(Deals, Tickets, 27, 28, false),
    t(Tickets, Companies, 339, 340, false),
    t(Companies, Tickets, 340, 339, false),
    t(Tickets, Companies, 26, 25, true),
    t(Companies, Tickets, 25, 26, true),
    t(Deals, Companies, 341, 342, false),
    t(Companies, Deals, 342, 341, false),
    t(Deals, Companies, 5, 6, true),
    t(Companies, Deals, 6, 5, true),
    t(Contacts, Contacts, 449, 449, false),
    t(Tickets, Tickets, 452, 452, false),
];

pub fn lookup(from: ObjectType, to: ObjectType, id: u32) -> Option<AssocType> {
    TYPES
        .iter()
        .copied()
        .find(|a| a.from == from && a.to == to && a.id == id)
}

pub fn default_type(from: ObjectType, to: ObjectType) -> Option<AssocType> {
    TYPES.iter().copied().find(|a| a.from == from && a.to == to)
}

pub fn label(kind: AssocType) -> Option<&'static str> {
    kind.primary.then_some("Primary")
}

/// `contact_to_company` / `contact_to_company_unlabeled`, the names v3-style reads use.
pub fn v3_name(kind: AssocType) -> String {
    let base = format!("{}_to_{}", kind.from.singular(), kind.to.singular());
    let has_primary = TYPES
        .iter()
        .any(|a| a.from == kind.from && a.to == kind.to && a.primary);
    if has_primary && !kind.primary {
        format!("{base}_unlabeled")
    } else {
        base
    }
}

/// `CONTACT_TO_COMPANY`, the `associationType` of an associationChange event.
pub fn event_name(kind: AssocType) -> String {
    format!("{}_TO_{}", kind.from.singular(), kind.to.singular()).to_uppercase()
}

/// The type with this id starting at `from`, whatever it points to (create-with-associations
/// names only the type id and the target id).
pub fn lookup_from(from: ObjectType, id: u32) -> Option<AssocType> {
    TYPES.iter().copied().find(|a| a.from == from && a.id == id)
}

/// Every HubSpot-defined type from one object type to another (the `labels` endpoint).
pub fn between(from: ObjectType, to: ObjectType) -> Vec<AssocType> {
    TYPES
        .iter()
        .copied()
        .filter(|a| a.from == from && a.to == to)
        .collect()
}
