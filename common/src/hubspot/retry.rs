//! When to try a HubSpot call again, and how long to wait first: pure functions of the error,
//! the attempt so far and the time, so every rule is unit-tested without a network.

use std::time::Duration;

use super::error::{HubSpotError, HubSpotErrorKind};

/// How hard one `send` tries before handing a retryable error back to its caller (whose queue
/// retries later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// First backoff after a 5xx or timeout; doubles per attempt.
    pub base_backoff: Duration,
    /// Cap on one backoff.
    pub max_backoff: Duration,
    /// No wait starts that would end after this much time since the call began.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    /// Sized for a Lambda handling an SQS batch: a call gives up well before the function's
    /// timeout so the message goes back to the queue instead of dying with the invocation.
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_total: Duration::from_secs(30),
        }
    }
}

/// Where a call stands after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptState {
    /// Attempts made so far (1 after the first).
    pub attempts: u32,
    pub elapsed: Duration,
    /// A 401 already led to a fresh token once.
    pub reauthenticated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Forget the access token and try again at once.
    Reauthenticate,
    RetryAfter(Duration),
    GiveUp,
}

/// HubSpot's rolling window for the per-portal limit, and the search limit's.
const TEN_SECONDS_MS: i64 = 10_000;
const ONE_SECOND_MS: i64 = 1_000;

/// What to do after `err`. `jitter` is uniform in [0, 1): it spreads the callers that were
/// refused together so they do not come back together.
pub fn decide(
    policy: &RetryPolicy,
    err: &HubSpotError,
    state: AttemptState,
    now_ms: i64,
    jitter: f64,
) -> Decision {
    if err.kind == HubSpotErrorKind::Unauthorized {
        // HubSpot says a 401 is not a reliable expiry signal, so one fresh token, no more.
        return if state.reauthenticated {
            Decision::GiveUp
        } else {
            Decision::Reauthenticate
        };
    }
    if !err.is_retryable() || state.attempts >= policy.max_attempts {
        return Decision::GiveUp;
    }
    let wait = match err.kind {
        HubSpotErrorKind::RateLimited => {
            rate_limit_wait(policy, err, state.attempts, now_ms, jitter)
        }
        _ => Some(err.retry_after_ms.map_or_else(
            || backoff(policy, state.attempts, jitter),
            Duration::from_millis,
        )),
    };
    match wait {
        Some(wait) if state.elapsed + wait <= policy.max_total => Decision::RetryAfter(wait),
        _ => Decision::GiveUp,
    }
}

/// The wait a 429 asks for: `Retry-After` wins; otherwise the rest of the limit's window (the
/// budget counts in the same aligned windows) plus jitter. `None` for the daily limit, which
/// no wait inside one call can ride out.
pub fn rate_limit_wait(
    policy: &RetryPolicy,
    err: &HubSpotError,
    attempts: u32,
    now_ms: i64,
    jitter: f64,
) -> Option<Duration> {
    if let Some(ms) = err.retry_after_ms {
        return Some(Duration::from_millis(ms));
    }
    let (window, spread) = match err.rate_limit_policy() {
        Some("TEN_SECONDLY_ROLLING") => (TEN_SECONDS_MS, 1_000.0),
        Some("SECONDLY") => (ONE_SECOND_MS, 250.0),
        Some("DAILY") => return None,
        _ => return Some(backoff(policy, attempts, jitter)),
    };
    let rest = window - now_ms.rem_euclid(window);
    Some(Duration::from_millis(
        rest as u64 + (spread * jitter) as u64,
    ))
}

/// Exponential backoff with "equal jitter": half the step fixed, half random, so waits grow
/// but concurrent callers spread out.
pub fn backoff(policy: &RetryPolicy, attempts: u32, jitter: f64) -> Duration {
    let doublings = attempts.saturating_sub(1).min(16);
    let step = policy
        .base_backoff
        .saturating_mul(1 << doublings)
        .min(policy.max_backoff);
    step / 2 + step.mul_f64(jitter.clamp(0.0, 1.0) / 2.0)
}

#[cfg(test)]
mod tests;
