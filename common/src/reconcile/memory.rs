//! In-memory checkpoints, for unit tests and the benchmark; the same rules as DynamoDB's.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;

use super::checkpoint::{Checkpoint, CheckpointStore, PageClaim};
use crate::domain::ids::PortalId;
use crate::ports::StoreError;

#[derive(Debug, Default)]
pub struct MemoryCheckpoints {
    runs: Mutex<BTreeMap<(PortalId, String), Checkpoint>>,
}

impl MemoryCheckpoints {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<(PortalId, String), Checkpoint>> {
        self.runs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl CheckpointStore for MemoryCheckpoints {
    async fn get(&self, portal: PortalId, run: &str) -> Result<Option<Checkpoint>, StoreError> {
        Ok(self.lock().get(&(portal, run.to_owned())).cloned())
    }

    async fn previous(
        &self,
        portal: PortalId,
        run: &str,
    ) -> Result<Option<Checkpoint>, StoreError> {
        let runs = self.lock();
        let before = runs
            .range((portal, String::new())..(portal, run.to_owned()))
            .next_back();
        Ok(before.map(|(_, cp)| cp.clone()))
    }

    async fn create(&self, checkpoint: &Checkpoint) -> Result<bool, StoreError> {
        let mut runs = self.lock();
        let key = (checkpoint.portal, checkpoint.run.clone());
        if runs.contains_key(&key) {
            return Ok(false);
        }
        runs.insert(key, checkpoint.clone());
        Ok(true)
    }

    async fn claim(
        &self,
        portal: PortalId,
        run: &str,
        page: u64,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<PageClaim, StoreError> {
        let mut runs = self.lock();
        let Some(cp) = runs.get_mut(&(portal, run.to_owned())) else {
            return Ok(PageClaim::Unknown);
        };
        let decision = cp.claim_decision(page, now_ms);
        if let PageClaim::Won(_) = decision {
            cp.lease_until_ms = Some(now_ms + lease_ms);
        }
        Ok(decision)
    }

    async fn advance(&self, next: &Checkpoint) -> Result<bool, StoreError> {
        let mut runs = self.lock();
        let Some(cp) = runs.get_mut(&(next.portal, next.run.clone())) else {
            return Ok(false);
        };
        if cp.pages_done + 1 != next.pages_done {
            return Ok(false);
        }
        *cp = next.clone();
        Ok(true)
    }

    async fn mark_sent(&self, portal: PortalId, run: &str, page: u64) -> Result<(), StoreError> {
        if let Some(cp) = self.lock().get_mut(&(portal, run.to_owned()))
            && cp.pages_done == page
        {
            cp.next_sent = true;
        }
        Ok(())
    }
}
