//! A portal's run, as the checkpoint store keeps it: where it is (page number, step, cursor),
//! what it found and repaired so far, and a short lease on the page being worked, so a page
//! delivered twice is carried out once and a rerun resumes where the last one stopped.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::step::Step;
use crate::domain::ids::PortalId;
use crate::ports::StoreError;

/// Kinds of drift, as counted in checkpoints, logs and metrics.
pub mod kind {
    /// A record with mapped values that changed in HubSpot without a webhook (counted once
    /// per record, however many of its values).
    pub const FIELD: &str = "field";
    /// `deeto_id` missing or wrong in HubSpot: written again.
    pub const DEETO_ID: &str = "deeto_id";
    /// A record archived or deleted in HubSpot: marked deleted.
    pub const DELETED: &str = "deleted";
    /// A record merged into another in HubSpot: its link moved to the survivor.
    pub const MERGED: &str = "merged";
    /// A connection's ticket someone removed: re-created.
    pub const TICKET: &str = "ticket";
    /// A contact (dis)associated with a tracked deal without a webhook.
    pub const ASSOCIATION: &str = "association";
    /// A watched property (campaign rules) whose change no webhook brought.
    pub const TRANSITION: &str = "transition";

    pub const ALL: [&str; 7] = [
        FIELD,
        DEETO_ID,
        DELETED,
        MERGED,
        TICKET,
        ASSOCIATION,
        TRANSITION,
    ];
}

/// What one page, or a whole run, checked, found and repaired.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    pub records_checked: u64,
    /// HubSpot calls made (reads and repairs).
    pub api_calls: u64,
    pub found: BTreeMap<String, u64>,
    pub repaired: BTreeMap<String, u64>,
}

impl Tally {
    /// `n` drifts of `kind`, found and repaired.
    pub fn repaired(&mut self, kind: &str, n: u64) {
        if n > 0 {
            *self.found.entry(kind.to_owned()).or_default() += n;
            *self.repaired.entry(kind.to_owned()).or_default() += n;
        }
    }

    /// `n` drifts of `kind` found that could not be repaired (refused, with a logged reason).
    pub fn unrepaired(&mut self, kind: &str, n: u64) {
        if n > 0 {
            *self.found.entry(kind.to_owned()).or_default() += n;
        }
    }

    pub fn add(&mut self, other: &Tally) {
        self.records_checked += other.records_checked;
        self.api_calls += other.api_calls;
        for (kind, n) in &other.found {
            *self.found.entry(kind.clone()).or_default() += n;
        }
        for (kind, n) in &other.repaired {
            *self.repaired.entry(kind.clone()).or_default() += n;
        }
    }

    pub fn total_found(&self) -> u64 {
        self.found.values().sum()
    }

    pub fn total_repaired(&self) -> u64 {
        self.repaired.values().sum()
    }
}

/// One portal's run of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Checkpoint {
    pub portal: PortalId,
    /// The run's id: its UTC day, `YYYY-MM-DD` (so runs sort by date).
    pub run: String,
    pub started_at_ms: i64,
    /// Discovery looks at objects modified from here (the previous run's start) up to
    /// `started_at_ms`.
    pub window_from_ms: i64,
    /// Pages finished; the next page to work has this number.
    pub pages_done: u64,
    /// Where the next page starts: its step, and the cursor in it (`None` at its beginning).
    pub step: Step,
    pub cursor: Option<String>,
    /// True once the message for page `pages_done` is on the sync queue.
    pub next_sent: bool,
    /// A page is being worked until then.
    pub lease_until_ms: Option<i64>,
    pub tally: Tally,
    pub finished_at_ms: Option<i64>,
}

impl Checkpoint {
    pub fn new(portal: PortalId, run: String, started_at_ms: i64, window_from_ms: i64) -> Self {
        Self {
            portal,
            run,
            started_at_ms,
            window_from_ms,
            pages_done: 0,
            step: Step::FIRST,
            cursor: None,
            next_sent: false,
            lease_until_ms: None,
            tally: Tally::default(),
            finished_at_ms: None,
        }
    }

    pub fn is_finished(&self) -> bool {
        self.finished_at_ms.is_some()
    }

    /// The run after page `pages_done` was worked: moved to `step`/`cursor`, the page's tally
    /// added, the lease released; reaching [`Step::Done`] finishes it.
    pub fn advanced(&self, step: Step, cursor: Option<String>, page: &Tally, now_ms: i64) -> Self {
        let mut next = self.clone();
        next.pages_done += 1;
        next.step = step;
        next.cursor = cursor;
        next.next_sent = false;
        next.lease_until_ms = None;
        next.tally.add(page);
        if step == Step::Done {
            next.finished_at_ms = Some(now_ms);
        }
        next
    }

    /// Whether the page numbered `page` may be worked now, and by whom.
    pub fn claim_decision(&self, page: u64, now_ms: i64) -> PageClaim {
        if self.is_finished() || self.pages_done > page {
            return PageClaim::Stale(self.clone());
        }
        if self.pages_done < page || self.lease_until_ms.is_some_and(|until| until > now_ms) {
            return PageClaim::Held;
        }
        PageClaim::Won(self.clone())
    }
}

/// The answer to claiming a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageClaim {
    /// This attempt works the page (the run as it was claimed).
    Won(Checkpoint),
    /// The run is past this page (a duplicate or late delivery): nothing to do but make sure
    /// the run's next page is on its way.
    Stale(Checkpoint),
    /// Another attempt holds the page right now, or the page before is not finished yet: come
    /// back later.
    Held,
    /// No such run (never started, or expired).
    Unknown,
}

#[async_trait]
pub trait CheckpointStore: Send + Sync {
    async fn get(&self, portal: PortalId, run: &str) -> Result<Option<Checkpoint>, StoreError>;
    /// The portal's newest run before `run`, finished or not.
    async fn previous(&self, portal: PortalId, run: &str)
    -> Result<Option<Checkpoint>, StoreError>;
    /// Starts a run; `false` when one with this id exists already.
    async fn create(&self, checkpoint: &Checkpoint) -> Result<bool, StoreError>;
    /// Takes page `page` for `lease_ms` if [`Checkpoint::claim_decision`] allows it (a
    /// conditional write: of two attempts, one wins).
    async fn claim(
        &self,
        portal: PortalId,
        run: &str,
        page: u64,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<PageClaim, StoreError>;
    /// Stores `next` (see [`Checkpoint::advanced`]) if the run still has `next.pages_done - 1`
    /// pages done; `false` when another attempt got there first.
    async fn advance(&self, next: &Checkpoint) -> Result<bool, StoreError>;
    /// Records that the message for page `page` is on the queue.
    async fn mark_sent(&self, portal: PortalId, run: &str, page: u64) -> Result<(), StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run() -> Checkpoint {
        Checkpoint::new(PortalId(7), "2026-12-04".into(), 1_000, 0)
    }

    #[test]
    fn the_current_page_is_won_when_nobody_holds_it() {
        assert!(matches!(run().claim_decision(0, 5), PageClaim::Won(_)));
    }

    #[test]
    fn a_page_under_lease_is_held_until_the_lease_runs_out() {
        let mut cp = run();
        cp.lease_until_ms = Some(100);
        assert_eq!(cp.claim_decision(0, 99), PageClaim::Held);
        assert!(matches!(cp.claim_decision(0, 100), PageClaim::Won(_)));
    }

    #[test]
    fn a_page_already_done_is_stale_and_one_ahead_of_the_run_is_held() {
        let cp = run().advanced(Step::FIRST, Some("9".into()), &Tally::default(), 5);
        assert!(matches!(cp.claim_decision(0, 5), PageClaim::Stale(_)));
        assert_eq!(cp.claim_decision(2, 5), PageClaim::Held);
    }

    #[test]
    fn reaching_done_finishes_the_run_and_every_page_becomes_stale() {
        let mut page = Tally::default();
        page.repaired(kind::FIELD, 2);
        page.records_checked = 100;
        let cp = run().advanced(Step::Done, None, &page, 42);
        assert_eq!(cp.finished_at_ms, Some(42));
        assert_eq!(cp.tally.total_repaired(), 2);
        assert!(matches!(cp.claim_decision(1, 50), PageClaim::Stale(_)));
    }

    #[test]
    fn tallies_add_up_and_unrepaired_drift_counts_as_found_only() {
        let mut a = Tally::default();
        a.repaired(kind::DELETED, 1);
        a.unrepaired(kind::DELETED, 2);
        let mut b = Tally::default();
        b.repaired(kind::DELETED, 3);
        b.repaired(kind::TICKET, 0);
        a.add(&b);
        assert_eq!(a.found.get(kind::DELETED), Some(&6));
        assert_eq!(a.repaired.get(kind::DELETED), Some(&4));
        assert!(!a.found.contains_key(kind::TICKET));
    }
}
