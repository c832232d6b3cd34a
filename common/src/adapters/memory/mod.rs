//! In-memory implementations of the ports, for domain and handler tests.

mod card_state;
mod queue;
mod reference_pools;
mod tenants;
mod tokens;
mod writeback;

pub use card_state::MemoryCardState;
pub use queue::{MemoryJobQueue, MemoryQueueBehaviour};
pub use reference_pools::MemoryReferencePools;
pub use tenants::{MemoryOAuthStateStore, MemoryTenantStore};
pub use tokens::*;
pub use writeback::{MemoryCommandLedger, MemoryTicketStore};
