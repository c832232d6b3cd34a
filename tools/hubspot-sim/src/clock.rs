//! The simulator's clock: wall time plus an offset tests can move forward, so a 30-minute token
//! expiry can be tested in milliseconds. Timestamps leave the simulator as HubSpot writes them:
//! ISO-8601 UTC with milliseconds (`2026-12-03T17:51:00.123Z`).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// Epoch milliseconds as the simulated HubSpot sees them.
    pub fn now_ms(&self) -> i64 {
        wall_ms() + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Moves simulated time forward (token expiry, record timestamps, `occurredAt`).
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

/// Real epoch milliseconds, for what a receiver checks against its own clock (signatures).
pub fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub use common::domain::iso_time::{iso, parse_iso};

pub fn duration_ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}
