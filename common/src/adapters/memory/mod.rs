//! In-memory implementations of the ports, for domain and handler tests.

mod queue;
mod tenants;
mod tokens;

pub use queue::{MemoryJobQueue, MemoryQueueBehaviour};
pub use tenants::{MemoryOAuthStateStore, MemoryTenantStore};
pub use tokens::*;
