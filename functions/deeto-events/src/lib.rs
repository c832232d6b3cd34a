//! `POST /deeto/events`: the Deeto platform sends commands (a reference was created, a lead,
//! a connection) for the HubSpot portal its licence key is connected to. The key is checked,
//! the commands validated and put on the sync queue; the sync worker carries them out.
//! Nothing else happens here, so the answer comes in milliseconds.

mod auth;
mod handler;
mod rejection;

pub use auth::AuthFailure;
pub use handler::{DeetoEvents, EVENTS_ROUTE, MAX_BODY_BYTES, RETRY_AFTER_SECONDS, handle};
pub use rejection::Rejection;
