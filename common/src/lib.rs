//! Everything the Deeto HubSpot functions share: pure domain rules, the webhook protocol, the
//! queue message format, the small traits (ports) the rules need, and the AWS adapters behind
//! them. Lambda crates under `functions/` only wire these together.

pub mod adapters;
pub mod card;
pub mod commands;
pub mod config;
pub mod domain;
pub mod hubspot;
pub mod install;
pub mod ports;
pub mod queue;
pub mod reconcile;
pub mod sync;
pub mod telemetry;
pub mod tokens;
pub mod webhook;
pub mod writeback;
