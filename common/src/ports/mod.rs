//! The small capabilities the domain needs, named by role. Adapters in `adapters/` implement
//! them for AWS and HubSpot; `adapters::memory` implements some in memory for tests.

mod card;
mod clock;
mod hubspot;
mod page;
mod queue;
mod tenants;
mod tokens;
mod writeback;

pub use card::{BudgetProbe, CardState, ReferencePools};
pub use clock::{Clock, FixedClock, SystemClock};
pub use hubspot::{
    ApiRequest, ApiResponse, CallKind, HttpMethod, HubSpotApi, OAuthApi, TokenInfo, TokenSet,
};
pub use page::Page;
pub use queue::{EntryFailure, JobQueue, QueueCallError, QueueEntry};
pub use tenants::{
    OAuthStateStore, PortalBinding, PortalStatus, StateError, StoreError, Tenant, TenantStatus,
    TenantStore,
};
pub use tokens::{CachedToken, RateBudget, TokenCache, TokenError, TokenProvider, TokenVault};
pub use writeback::{Claim, CommandLedger, DeetoTicket, TicketStore};
