//! Pure rules and types: no AWS, no HTTP.

pub mod ids;
