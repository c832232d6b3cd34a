//! Driving the simulator: in-process operations and the `/_sim` HTTP admin API.

pub mod ops;
pub mod routes;

pub use ops::{AssociationChange, PortalSummary, all_scopes};
