//! DynamoDB adapters over the single table (`pk`/`sk`, TTL attribute `expires_at`).
//!
//! Key layout (one place, so every adapter agrees):
//!
//! | item | pk | sk |
//! |---|---|---|
//! | tenant | `TENANT#{tenant_id}` | `TENANT` |
//! | the list of tenants (one entry each) | `TENANTS` | `TENANT#{tenant_id}` |
//! | licence key → tenant | `LICENSE#{sha256 hex of the key}` | `LICENSE` |
//! | portal → tenant, status | `PORTAL#{portal_id}` | `TENANT` |
//! | OAuth install state | `OAUTHSTATE#{state}` | `STATE` |
//! | access token cache, refresh lease, cool-down | `PORTAL#{portal_id}` | `TOKEN` |
//! | API budget window | `PORTAL#{portal_id}` | `BUDGET#{kind}#{window_start_ms}` |
//! | Deeto's record of a HubSpot object | `PORTAL#{portal_id}` | `RECORD#{contact\|company\|deal}#{object_id}` |
//! | campaign enrollment (once per contact) | `PORTAL#{portal_id}` | `ENROLLED#{campaign}#{contact_id}` |
//! | tenant's sync configuration overrides | `TENANT#{tenant_id}` | `SYNCCONFIG` |
//! | command from Deeto carried out (`done_at`) | `PORTAL#{portal_id}` | `COMMAND#{command_id}` |
//! | ticket Deeto created (what the write guard asks) | `PORTAL#{portal_id}` | `TICKET#ID#{ticket_id}` |
//! | a connection's current ticket | `PORTAL#{portal_id}` | `TICKET#CONN#{connection_id}` |
//! | a daily reconcile run's checkpoint | `PORTAL#{portal_id}` | `RECONCILE#{YYYY-MM-DD}` |
//! | role index: a record holds a Deeto role | `PORTAL#{portal_id}` | `ROLE#{role}#{object}#{object_id}` |
//! | connection index: by deal, by contact | `PORTAL#{portal_id}` | `CONN#DEAL#{deal}#{connection}`, `CONN#CONTACT#{contact}#{connection}` |
//! | Deeto tab: a record's on-demand sync claim | `PORTAL#{portal_id}` | `CARD#REFRESH#{object}#{object_id}` |
//! | Deeto tab: a reference requested for a deal | `PORTAL#{portal_id}` | `CARD#REQUEST#{deal}#{contact}` |
//! | Deeto tab: the portal's reference pool | `PORTAL#{portal_id}` | `CARD#POOL` |
//!
//! Record attributes: `roles` (string set), `deeto_id`, `fields` (property → `{v, t}`: value or
//! NULL, HubSpot's change time in ms), `links` (`{object}#{id}` → `{p, t}`: present, change
//! time), `deleted_at`, `merged_into`, `last_sync`. The change times make every write
//! conditional on being newer, so concurrent and late deliveries cannot undo newer state.
//!
//! Ticket items: the ownership item holds `ticket_id` and `connection`; the connection item holds
//! `ticket_id`, `deal_id`, `contact_ids` (list of numbers), `status` and `kind` (the last
//! `deeto_status` and `deeto_type` written). The ownership item is written first.

pub mod campaigns;
pub mod card_state;
pub mod checkpoints;
pub mod commands;
mod item;
pub mod oauth_state;
mod query;
pub mod rate_budget;
pub mod records;
pub mod reference_pools;
pub mod sync_config;
pub mod tenants;
pub mod tickets;
pub mod token_cache;

/// The partition key of a portal's items.
pub fn portal_pk(portal: crate::domain::ids::PortalId) -> String {
    format!("PORTAL#{portal}")
}

/// The partition key of a tenant's items.
pub fn tenant_pk(tenant: &crate::domain::ids::TenantId) -> String {
    format!("TENANT#{tenant}")
}
