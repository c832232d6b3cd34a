//! The daily reconcile: once a day, every connected portal's Deeto records are re-read from
//! HubSpot and every difference webhooks missed is repaired, through the sync worker's own
//! pipeline and write guard.
//!
//! A run is a chain of page messages on the sync queue, one chain per portal
//! ([`start`] queues the first page; [`page`] works one and queues the next), so portals
//! progress in parallel, each within its own API budget, and no invocation nears Lambda's time
//! limit. The steps ([`Step`]): Deeto's contacts, companies and deals (values, `deeto_id`,
//! deletions, merges, deal contacts), Deeto's tickets, then discovery of the campaign
//! transitions no webhook brought. A checkpoint per portal and day ([`Checkpoint`]) says where
//! the run is and what it found, so a rerun the same day resumes and never repairs twice.

mod calls;
pub mod checkpoint;
pub mod discover;
pub mod drift;
pub mod memory;
pub mod page;
pub mod records;
mod settle;
pub mod start;
pub mod step;
pub mod summary;
pub mod tickets;

pub use checkpoint::{Checkpoint, CheckpointStore, PageClaim, Tally};
pub use start::{Started, Starter, run_id};
pub use step::Step;

/// Records (or connections, or search results) per page: HubSpot's batch and search limit.
pub const PAGE_SIZE: usize = 100;
