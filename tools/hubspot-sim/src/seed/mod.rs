//! Filling portals: JSON fixtures for tests, generated large portals for benchmarks.

pub mod fixture;
pub mod generate;

pub use fixture::{Fixture, FixtureReport};
pub use generate::{GenerateReport, GenerateSpec};
