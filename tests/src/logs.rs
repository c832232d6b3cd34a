//! Capturing this thread's log lines, with the production filter at its most verbose, to prove
//! that no secret is ever logged.
//!
//! One global subscriber (installed once) formats every event and hands it to the buffer of the
//! capture active on the emitting thread, if any. A per-thread default subscriber would be
//! simpler, but tracing caches each call site's interest process-wide: a test thread without a
//! subscriber can make a call site "never enabled" for the capturing thread too, and the
//! capture silently misses lines.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, OnceLock};

/// Everything logged on this thread while the capture lives.
pub struct LogCapture {
    buffer: Captured,
}

impl std::fmt::Debug for LogCapture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogCapture")
    }
}

impl Drop for LogCapture {
    fn drop(&mut self) {
        ACTIVE.with(|active| active.borrow_mut().take());
    }
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

thread_local! {
    static ACTIVE: RefCell<Option<Captured>> = const { RefCell::new(None) };
}

/// Writes to the capture of the current thread; elsewhere the line is dropped.
struct ThreadSink;

impl std::io::Write for ThreadSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        ACTIVE.with(|active| {
            if let Some(captured) = active.borrow().as_ref() {
                captured
                    .0
                    .lock()
                    .map_err(|_| std::io::Error::other("poisoned"))?
                    .extend_from_slice(buf);
            }
            Ok(buf.len())
        })
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures this thread's lines (use a current-thread runtime) with `RUST_LOG=trace` through
/// the functions' own filter, so the caps on the AWS SDK's body logging are part of what is
/// tested.
pub fn capture_logs() -> LogCapture {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        use tracing_subscriber::layer::SubscriberExt;
        use tracing_subscriber::{Layer, filter, fmt, registry};
        // Only threads that capture pay for formatting: the thread check is dynamic (never
        // cached), the production filter decides the rest.
        let capturing = filter::filter_fn(|_| ACTIVE.with(|active| active.borrow().is_some()));
        let layer = fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .with_writer(|| ThreadSink)
            .with_filter(common::telemetry::filter(Some("trace")))
            .with_filter(capturing);
        tracing::subscriber::set_global_default(registry().with(layer))
            .expect("no other global subscriber in a test binary that captures logs");
    });
    let buffer = Captured::default();
    ACTIVE.with(|active| *active.borrow_mut() = Some(buffer.clone()));
    LogCapture { buffer }
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
