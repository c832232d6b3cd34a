//! Everything the Deeto HubSpot functions share: pure domain rules, the webhook protocol, the
//! queue message format, the small traits (ports) the rules need, and the AWS adapters behind
//! them. Lambda crates under `functions/` only wire these together.

pub mod adapters;
pub mod config;
pub mod domain;
pub mod ports;
pub mod queue;
pub mod telemetry;
pub mod webhook;
