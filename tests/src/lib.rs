//! Test harness: the local AWS stack (moto, resources from template.yaml) and the real Lambda
//! runtime (cargo-lambda). `scripts/test.sh` starts moto and exports `AWS_ENDPOINT_URL`.

pub mod lambda;
pub mod logs;
pub mod stack;
pub mod webhook_sink;

pub use lambda::LambdaWatch;
pub use stack::TestStack;
pub use webhook_sink::WebhookSink;

use std::path::PathBuf;

/// The documented client secret of the local HubSpot app.
pub const LOCAL_CLIENT_SECRET: &str = "deeto-local-test-secret";

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from(".."))
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    common::ports::Clock::now_ms(&common::ports::SystemClock)
}
