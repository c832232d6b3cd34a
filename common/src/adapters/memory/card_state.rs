//! In-memory [`CardState`], with the DynamoDB adapter's semantics, for handler tests.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;

use crate::domain::ids::{ObjectId, PortalId};
use crate::ports::{CardState, StoreError};
use crate::sync::record::RecordKey;

#[derive(Debug, Default)]
pub struct MemoryCardState {
    claims: Mutex<HashMap<RecordKey, i64>>,
    requests: Mutex<HashMap<(PortalId, ObjectId, ObjectId), i64>>,
}

fn poisoned() -> StoreError {
    StoreError::Unavailable("lock poisoned".into())
}

#[async_trait]
impl CardState for MemoryCardState {
    async fn claim_refresh(
        &self,
        key: RecordKey,
        now_ms: i64,
        cooldown_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut claims = self.claims.lock().map_err(|_| poisoned())?;
        match claims.get(&key) {
            Some(at) if *at > now_ms - cooldown_ms => Ok(false),
            _ => {
                claims.insert(key, now_ms);
                Ok(true)
            }
        }
    }

    async fn release_refresh(&self, key: RecordKey, claimed_at_ms: i64) -> Result<(), StoreError> {
        let mut claims = self.claims.lock().map_err(|_| poisoned())?;
        if claims.get(&key) == Some(&claimed_at_ms) {
            claims.remove(&key);
        }
        Ok(())
    }

    async fn requested_references(
        &self,
        portal: PortalId,
        deal: ObjectId,
    ) -> Result<BTreeSet<ObjectId>, StoreError> {
        let requests = self.requests.lock().map_err(|_| poisoned())?;
        Ok((requests.keys())
            .filter(|(p, d, _)| *p == portal && *d == deal)
            .map(|(_, _, reference)| *reference)
            .collect())
    }

    async fn is_requested(
        &self,
        portal: PortalId,
        deal: ObjectId,
        reference: ObjectId,
    ) -> Result<bool, StoreError> {
        let requests = self.requests.lock().map_err(|_| poisoned())?;
        Ok(requests.contains_key(&(portal, deal, reference)))
    }

    async fn record_request(
        &self,
        portal: PortalId,
        deal: ObjectId,
        reference: ObjectId,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let mut requests = self.requests.lock().map_err(|_| poisoned())?;
        requests.entry((portal, deal, reference)).or_insert(at_ms);
        Ok(())
    }
}
