//! The Deeto tab's backend. `GET /card` answers what the app card shows for the record a rep
//! opened (and triggers its on-demand sync); `POST /card/actions/request-reference` asks Deeto
//! for a reference. Both are called by HubSpot's `hubspot.fetch`, which signs each request
//! with the app's v3 signature: nothing unsigned gets past [`handle`].

mod body;
mod handler;
mod rejection;

pub use handler::{ACTION_ROUTE, CARD_ROUTE, CrmCard, MAX_BODY_BYTES, handle};
pub use rejection::Rejection;
