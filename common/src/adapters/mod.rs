//! Implementations of the ports, one folder per technology.

pub mod aws;
pub mod dynamodb;
pub mod http;
pub mod hubspot_stack;
pub mod memory;
pub mod secrets;
pub mod sqs;
pub mod sync_worker;
