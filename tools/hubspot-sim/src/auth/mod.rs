//! OAuth: the authorize page, tokens, and the bearer-token check on CRM requests.

pub mod extract;
pub mod oauth;
pub mod tokens;

pub use extract::Caller;
