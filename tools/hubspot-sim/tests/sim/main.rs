//! The simulator's own tests, one binary: endpoint shapes, search, limits, faults, webhooks.

mod associations;
mod batch;
mod faults;
mod journal;
mod oauth;
mod objects;
mod rate_limits;
mod schema;
mod search;
mod seed;
mod support;
mod webhook_options;
mod webhooks;
