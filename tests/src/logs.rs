//! Capturing this thread's log lines, with the production filter at its most verbose, to prove
//! that no secret is ever logged.

use std::sync::{Arc, Mutex};

/// Everything logged while the capture lives.
pub struct LogCapture {
    buffer: Captured,
    _guard: tracing::subscriber::DefaultGuard,
}

impl std::fmt::Debug for LogCapture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogCapture")
    }
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures on this thread (use a current-thread runtime) with `RUST_LOG=trace` through the
/// functions' own filter, so the caps on the AWS SDK's body logging are part of what is tested.
pub fn capture_logs() -> LogCapture {
    let buffer = Captured::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(true)
        .with_env_filter(common::telemetry::filter(Some("trace")))
        .with_writer(move || writer.clone())
        .finish();
    LogCapture {
        buffer,
        _guard: tracing::subscriber::set_default(subscriber),
    }
}

impl LogCapture {
    pub fn text(&self) -> String {
        self.buffer
            .0
            .lock()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// Fails when nothing was logged (the capture did not work) or a secret appears.
    pub fn assert_no_secret(&self, secrets: &[&str]) {
        let text = self.text();
        assert!(
            text.contains("\"level\":\"DEBUG\"") || text.contains("\"level\":\"INFO\""),
            "the scenario logged something to check"
        );
        for (i, secret) in secrets.iter().enumerate() {
            // The message names the secret by position only: the point is not to print it.
            assert!(!text.contains(secret), "secret #{i} appears in a log line");
        }
    }
}
