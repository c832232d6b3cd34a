//! The per-portal API budget's arithmetic, shared by the DynamoDB and in-memory budgets.
//!
//! HubSpot counts 110 requests per *rolling* 10 s per portal (search: 5 per second). A store
//! can cheaply count per aligned window, so the budget approximates the rolling window the
//! usual way: the previous window's count is assumed spread evenly, and the part of it that
//! still overlaps the rolling window counts against the current one.
//!
//! That assumption only holds if windows really are filled evenly: a window that spent its 110
//! in its first second still holds them all a second into the next one, and HubSpot answers
//! 429 (each costing a retry delay). So a window is also paced: a small burst at once, then
//! the rest spread over the window, and the burst is kept as headroom below HubSpot's maximum
//! (the most an evenly paced window can be off the approximation). Steady throughput stays
//! within 5 % of HubSpot's, and a long job such as the daily reconcile never hogs a portal's
//! whole window ahead of real-time sync.

use crate::ports::CallKind;

/// One limit: at most `max` requests per `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetLimit {
    pub max: u32,
    pub window_ms: i64,
}

/// HubSpot's limits for a public (OAuth) app, per installing portal.
pub fn limit_for(kind: CallKind) -> BudgetLimit {
    match kind {
        CallKind::Standard => BudgetLimit {
            max: 110,
            window_ms: 10_000,
        },
        CallKind::Search => BudgetLimit {
            max: 5,
            window_ms: 1_000,
        },
    }
}

/// The name a store keys the kind's windows by.
pub fn kind_name(kind: CallKind) -> &'static str {
    match kind {
        CallKind::Standard => "standard",
        CallKind::Search => "search",
    }
}

impl BudgetLimit {
    /// Start of the aligned window holding `now_ms`.
    pub fn window_start(&self, now_ms: i64) -> i64 {
        now_ms - now_ms.rem_euclid(self.window_ms)
    }

    /// Slots of the current window the previous window's requests still occupy at `now_ms`.
    pub fn carried_over(&self, previous: u32, now_ms: i64) -> u32 {
        let left = self.window_ms - now_ms.rem_euclid(self.window_ms);
        let carried = (i64::from(previous) * left + self.window_ms - 1) / self.window_ms;
        u32::try_from(carried).unwrap_or(u32::MAX)
    }

    /// Requests granted at once at a window's start, ahead of the even pace.
    pub fn burst(&self) -> u32 {
        (self.max / 20).max(1)
    }

    /// The most one window holds: HubSpot's maximum less the burst, kept as headroom. A
    /// limit as small as search's (5) keeps none: the carry-over's rounding up already leaves
    /// a slot free.
    pub fn ceiling(&self) -> u32 {
        if self.max >= 20 {
            self.max - self.burst()
        } else {
            self.max
        }
    }

    /// How many requests the pace allows by `now_ms` in its window: the burst, plus the
    /// ceiling spread evenly over the window.
    pub fn paced(&self, now_ms: i64) -> u32 {
        let into = now_ms.rem_euclid(self.window_ms);
        let spread = i64::from(self.ceiling()) * into / self.window_ms;
        self.burst() + u32::try_from(spread).unwrap_or(u32::MAX)
    }

    /// How many requests the current window may hold in all at `now_ms`.
    pub fn allowance(&self, previous: u32, now_ms: i64) -> u32 {
        let rolling = self
            .ceiling()
            .saturating_sub(self.carried_over(previous, now_ms));
        rolling.min(self.paced(now_ms))
    }

    /// How long until one more request fits, given the previous and current windows' counts:
    /// until both the pace and the carry-over allow `current + 1`. Never zero, never past the
    /// current window's end.
    pub fn wait_ms(&self, previous: u32, current: u32, now_ms: i64) -> u64 {
        let w = self.window_ms;
        let into = now_ms.rem_euclid(w);
        let rest = w - into;
        let wanted = i64::from(current) + 1;
        let ceiling = i64::from(self.ceiling());
        // Pace: burst + floor(ceiling * t / W) >= wanted.
        let ahead = wanted - i64::from(self.burst());
        let pace_at = if ahead <= 0 {
            into
        } else {
            (ahead * w + ceiling - 1) / ceiling
        };
        // Carry-over: ceil(previous * (W - t) / W) <= ceiling - wanted.
        let free = ceiling - wanted;
        let carry_at = match (free, previous) {
            (f, _) if f < 0 => w,
            (_, 0) => into,
            (f, p) => w - f * w / i64::from(p),
        };
        (pace_at.max(carry_at) - into).clamp(1, rest) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STANDARD: BudgetLimit = BudgetLimit {
        max: 110,
        window_ms: 10_000,
    };

    #[test]
    fn a_quiet_window_grants_a_burst_at_once_then_an_even_pace_up_to_its_ceiling() {
        assert_eq!((STANDARD.burst(), STANDARD.ceiling()), (5, 105));
        assert_eq!(STANDARD.allowance(0, 10_000), 5, "the burst at the start");
        assert_eq!(
            STANDARD.allowance(0, 12_000),
            5 + 21,
            "2 s of 10.5 per second"
        );
        assert_eq!(
            STANDARD.allowance(0, 19_999),
            105,
            "the ceiling, not HubSpot's 110"
        );
    }

    #[test]
    fn a_busy_previous_window_carries_over_in_proportion_to_its_overlap() {
        // 2 s into the window, 80 % of the previous 100 requests are still inside the last 10 s.
        assert_eq!(STANDARD.carried_over(100, 12_000), 80);
        assert_eq!(STANDARD.allowance(100, 12_000), 25);
        assert_eq!(STANDARD.allowance(100, 19_999), 104);
    }

    #[test]
    fn a_full_window_waits_for_its_end() {
        assert_eq!(STANDARD.wait_ms(0, 105, 13_000), 7_000);
        assert_eq!(STANDARD.wait_ms(0, 110, 13_000), 7_000);
    }

    #[test]
    fn a_carry_over_waits_until_enough_of_it_has_rolled_out() {
        // 25 allowed at 12 s with 100 carried from before; the 26th fits once the carry is 79.
        let wait = STANDARD.wait_ms(100, 25, 12_000);

        assert_eq!(STANDARD.allowance(100, 12_000 + wait as i64), 26);
        assert_eq!(STANDARD.allowance(100, 12_000 + wait as i64 - 1), 25);
    }

    #[test]
    fn the_wait_is_exactly_until_the_next_request_fits_or_the_window_ends() {
        // Every case against a search of the window, millisecond by millisecond.
        for limit in [STANDARD, limit_for(CallKind::Search)] {
            let w = limit.window_ms;
            let step = (w / 50).max(1);
            for previous in [0, 3, 50, limit.max] {
                for into in (0..w).step_by(step as usize) {
                    let now = 5 * w + into;
                    let granted = limit.allowance(previous, now);
                    for current in [granted, granted + 1, limit.max] {
                        let first_fit = (into + 1..w)
                            .find(|t| limit.allowance(previous, 5 * w + t) > current)
                            .map_or(w - into, |t| t - into);
                        let wait = limit.wait_ms(previous, current, now) as i64;
                        assert_eq!(
                            wait,
                            first_fit.max(1),
                            "{limit:?} p={previous} into={into} c={current}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn an_evenly_paced_run_never_exceeds_hubspots_rolling_maximum() {
        // Requests as fast as the budget grants them, for a minute: the true rolling count.
        for limit in [STANDARD, limit_for(CallKind::Search)] {
            let w = limit.window_ms;
            let (mut counts, mut granted) = (std::collections::BTreeMap::new(), Vec::new());
            let mut now = 0;
            while now < 60_000 {
                let start = limit.window_start(now);
                let previous = counts.get(&(start - w)).copied().unwrap_or(0);
                let current = counts.entry(start).or_insert(0);
                if *current < limit.allowance(previous, now) {
                    *current += 1;
                    granted.push(now);
                } else {
                    now += limit.wait_ms(previous, *current, now) as i64;
                }
            }
            for (i, at) in granted.iter().enumerate() {
                let in_window = granted[..=i].iter().filter(|t| **t > at - w).count();
                assert!(
                    in_window as u32 <= limit.max,
                    "{limit:?}: {in_window} at {at}"
                );
            }
            // The carry-over rounds up, so one slot per window stays unused: 1 % of 110, but
            // 20 % of search's 5.
            let rate = granted.len() as f64 * w as f64 / 60_000.0;
            let floor = f64::from(limit.max.min(limit.ceiling()) - 1) * 0.99;
            assert!(rate >= floor, "{limit:?}: {rate:.1} per window");
        }
    }

    #[test]
    fn windows_align_to_multiples_of_their_length() {
        assert_eq!(STANDARD.window_start(1_234_567), 1_230_000);
        assert_eq!(
            limit_for(CallKind::Search).window_start(1_234_567),
            1_234_000
        );
    }
}
