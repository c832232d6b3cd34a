//! The timings of token caching and refresh, in one place.

/// How long tokens are trusted and how refreshes wait for each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSettings {
    /// A token is refreshed this long before it expires, so no call starts with a token that
    /// dies in flight.
    pub refresh_margin_ms: i64,
    /// How long the refresh lease is held at most: longer than one refresh call can take, short
    /// enough that a crashed holder does not stall the portal for long.
    pub lease_ms: i64,
    /// How often a process that lost the lease re-reads the cache.
    pub poll_ms: u64,
    /// How long a process waits for another's refresh before giving up (retryable).
    pub max_wait_ms: i64,
    /// No refresh is tried for this long after one failed.
    pub cooldown_ms: i64,
    /// `invalidate` keeps a token that replaced a refused one less than this long ago: the
    /// refused request most likely carried the old token (the port does not say which).
    pub invalidate_grace_ms: i64,
}

impl Default for TokenSettings {
    fn default() -> Self {
        Self {
            refresh_margin_ms: 5 * 60 * 1000,
            lease_ms: 20_000,
            poll_ms: 150,
            max_wait_ms: 25_000,
            cooldown_ms: 60_000,
            invalidate_grace_ms: 10_000,
        }
    }
}
