//! DynamoDB adapters over the single table (`pk`/`sk`, TTL attribute `expires_at`).
//!
//! Key layout (one place, so every adapter agrees):
//!
//! | item | pk | sk |
//! |---|---|---|
//! | tenant | `TENANT#{tenant_id}` | `TENANT` |
//! | licence key → tenant | `LICENSE#{sha256 hex of the key}` | `LICENSE` |
//! | portal → tenant, status | `PORTAL#{portal_id}` | `TENANT` |
//! | OAuth install state | `OAUTHSTATE#{state}` | `STATE` |
//! | access token cache, refresh lease, cool-down | `PORTAL#{portal_id}` | `TOKEN` |
//! | API budget window | `PORTAL#{portal_id}` | `BUDGET#{kind}#{window_start_ms}` |

mod item;
pub mod oauth_state;
pub mod rate_budget;
pub mod tenants;
pub mod token_cache;

/// The partition key of a portal's items.
pub fn portal_pk(portal: crate::domain::ids::PortalId) -> String {
    format!("PORTAL#{portal}")
}
