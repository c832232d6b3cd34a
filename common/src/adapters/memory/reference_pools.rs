//! In-memory [`ReferencePools`], with the DynamoDB adapter's semantics, for tests.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::card::pool::ReferencePool;
use crate::domain::ids::PortalId;
use crate::ports::{ReferencePools, StoreError};

#[derive(Debug, Default)]
pub struct MemoryReferencePools {
    pools: Mutex<HashMap<PortalId, ReferencePool>>,
    claims: Mutex<HashMap<PortalId, i64>>,
    changes: Mutex<HashMap<PortalId, i64>>,
}

fn poisoned() -> StoreError {
    StoreError::Unavailable("lock poisoned".into())
}

#[async_trait]
impl ReferencePools for MemoryReferencePools {
    async fn pool(&self, portal: PortalId) -> Result<Option<ReferencePool>, StoreError> {
        let pools = self.pools.lock().map_err(|_| poisoned())?;
        let changed = self.changes.lock().map_err(|_| poisoned())?;
        Ok(pools.get(&portal).cloned().map(|mut pool| {
            pool.changed_at_ms = changed.get(&portal).copied();
            pool
        }))
    }

    async fn mark_changed(&self, portal: PortalId, at_ms: i64) -> Result<(), StoreError> {
        if !self
            .pools
            .lock()
            .map_err(|_| poisoned())?
            .contains_key(&portal)
        {
            return Ok(());
        }
        let mut changes = self.changes.lock().map_err(|_| poisoned())?;
        let at = changes.entry(portal).or_insert(at_ms);
        *at = (*at).max(at_ms);
        Ok(())
    }

    async fn put_pool(&self, portal: PortalId, pool: &ReferencePool) -> Result<(), StoreError> {
        let mut pools = self.pools.lock().map_err(|_| poisoned())?;
        if pools
            .get(&portal)
            .is_some_and(|stored| stored.built_at_ms >= pool.built_at_ms)
        {
            return Ok(());
        }
        pools.insert(portal, pool.clone());
        self.claims.lock().map_err(|_| poisoned())?.remove(&portal);
        Ok(())
    }

    async fn claim_rebuild(
        &self,
        portal: PortalId,
        now_ms: i64,
        cooldown_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut claims = self.claims.lock().map_err(|_| poisoned())?;
        match claims.get(&portal) {
            Some(at) if *at > now_ms - cooldown_ms => Ok(false),
            _ => {
                claims.insert(portal, now_ms);
                Ok(true)
            }
        }
    }
}
