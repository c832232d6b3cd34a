//! HubSpot's rate limits for OAuth apps: 110 requests per rolling 10 seconds per portal for the
//! normal API, and a separate 5 requests per second for search.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitSettings {
    pub enabled: bool,
    pub per_ten_seconds: u32,
    pub search_per_second: u32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            per_ten_seconds: 110,
            search_per_second: 5,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    TenSecondly,
    Search,
}

impl Bucket {
    fn window(self) -> Duration {
        match self {
            Self::TenSecondly => Duration::from_secs(10),
            Self::Search => Duration::from_secs(1),
        }
    }

    /// `policyName` in the 429 body.
    pub fn policy(self) -> &'static str {
        match self {
            Self::TenSecondly => "TEN_SECONDLY_ROLLING",
            Self::Search => "SECONDLY",
        }
    }

    pub fn interval_ms(self) -> u128 {
        self.window().as_millis()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Allowed; `remaining` after this request.
    Allowed {
        max: u32,
        remaining: u32,
    },
    Limited {
        max: u32,
    },
    /// Limits are switched off.
    Unlimited,
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    pub settings: RateLimitSettings,
    windows: HashMap<(u64, Bucket), VecDeque<Instant>>,
}

impl RateLimiter {
    pub fn new(settings: RateLimitSettings) -> Self {
        Self {
            settings,
            windows: HashMap::new(),
        }
    }

    /// Counts one request of `portal` against `bucket`; refused requests are not counted.
    pub fn check(&mut self, portal: u64, bucket: Bucket, now: Instant) -> Verdict {
        if !self.settings.enabled {
            return Verdict::Unlimited;
        }
        let max = match bucket {
            Bucket::TenSecondly => self.settings.per_ten_seconds,
            Bucket::Search => self.settings.search_per_second,
        };
        let window = self.windows.entry((portal, bucket)).or_default();
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= bucket.window())
        {
            window.pop_front();
        }
        if window.len() >= max as usize {
            return Verdict::Limited { max };
        }
        window.push_back(now);
        Verdict::Allowed {
            max,
            remaining: max.saturating_sub(window.len() as u32),
        }
    }

    pub fn reset(&mut self) {
        self.windows.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_rolls_rather_than_resetting_on_a_boundary() {
        let mut limiter = RateLimiter::new(RateLimitSettings {
            enabled: true,
            per_ten_seconds: 2,
            search_per_second: 1,
        });
        let start = Instant::now();
        assert!(matches!(
            limiter.check(1, Bucket::TenSecondly, start),
            Verdict::Allowed { remaining: 1, .. }
        ));
        let later = start + Duration::from_secs(6);
        assert!(matches!(
            limiter.check(1, Bucket::TenSecondly, later),
            Verdict::Allowed { remaining: 0, .. }
        ));
        assert_eq!(
            limiter.check(1, Bucket::TenSecondly, later),
            Verdict::Limited { max: 2 }
        );
        // The first request leaves the window 10 s after it was made, not at a fixed boundary.
        let after_first = start + Duration::from_secs(10);
        assert!(matches!(
            limiter.check(1, Bucket::TenSecondly, after_first),
            Verdict::Allowed { .. }
        ));
        assert_eq!(
            limiter.check(2, Bucket::Search, start),
            Verdict::Allowed {
                max: 1,
                remaining: 0
            }
        );
    }
}
