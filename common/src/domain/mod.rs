//! Pure rules and types: no AWS, no HTTP.

pub mod ids;
pub mod iso_time;
