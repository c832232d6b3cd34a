//! The per-portal API budget's arithmetic, shared by the DynamoDB and in-memory budgets.
//!
//! HubSpot counts 110 requests per *rolling* 10 s per portal (search: 5 per second). A store
//! can cheaply count per aligned window, so the budget approximates the rolling window the
//! usual way: the previous window's count is assumed spread evenly, and the part of it that
//! still overlaps the rolling window counts against the current one.

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

    /// How many requests the current window may hold in all at `now_ms`.
    pub fn allowance(&self, previous: u32, now_ms: i64) -> u32 {
        self.max.saturating_sub(self.carried_over(previous, now_ms))
    }

    /// How long until one more request fits, given the previous and current windows' counts.
    /// Never zero, never past the current window's end.
    pub fn wait_ms(&self, previous: u32, current: u32, now_ms: i64) -> u64 {
        let into = now_ms.rem_euclid(self.window_ms);
        let rest = self.window_ms - into;
        let free_after_current = i64::from(self.max) - i64::from(current) - 1;
        if free_after_current < 0 || previous == 0 {
            return rest.max(1) as u64;
        }
        // The carry falls to `free_after_current` once `into' >= W - free*W/previous`.
        let needed = self.window_ms - free_after_current * self.window_ms / i64::from(previous);
        (needed - into).clamp(1, rest) as u64
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
    fn a_quiet_previous_window_leaves_the_whole_allowance() {
        assert_eq!(STANDARD.allowance(0, 12_000), 110);
    }

    #[test]
    fn a_busy_previous_window_carries_over_in_proportion_to_its_overlap() {
        // 2 s into the window, 80 % of the previous 100 requests are still inside the last 10 s.
        assert_eq!(STANDARD.carried_over(100, 12_000), 80);
        assert_eq!(STANDARD.allowance(100, 12_000), 30);
        assert_eq!(STANDARD.allowance(100, 19_999), 109);
    }

    #[test]
    fn a_full_window_waits_for_its_end() {
        assert_eq!(STANDARD.wait_ms(0, 110, 13_000), 7_000);
    }

    #[test]
    fn a_carry_over_waits_until_enough_of_it_has_rolled_out() {
        // 30 allowed at 12 s with 100 carried from before; the 31st fits once the carry is 79.
        let wait = STANDARD.wait_ms(100, 30, 12_000);

        assert_eq!(wait, 100);
        assert_eq!(STANDARD.allowance(100, 12_000 + wait as i64), 31);
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
