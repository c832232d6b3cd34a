//! The Deeto tab inside HubSpot records: what the app card shows for a contact, a company or a
//! deal, read from Deeto's stores; the on-demand sync an open triggers; and the "Request
//! reference" action. The `crm-card` function verifies HubSpot's signature and calls
//! [`CardService`]; `hubspot-app/` holds the React card that reads [`view`]'s JSON.

pub mod classic;
pub mod person;
pub mod pool;
pub mod query;
pub mod read;
pub mod refresh;
pub mod service;
pub mod suggest;
pub mod view;

pub use classic::classic_card;
pub use query::{
    CardQuery, CardUser, MatchCriteria, QueryError, Shape, parse_caller, parse_card_query, parse_id,
};
pub use refresh::RefreshPolicy;
pub use service::{CardError, CardService};
pub use view::{CardAnswer, RequestAnswer};

#[cfg(test)]
mod tests;
