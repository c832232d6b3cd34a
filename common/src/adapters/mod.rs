//! Implementations of the ports, one folder per technology.

pub mod aws;
pub mod memory;
pub mod secrets;
pub mod sqs;
