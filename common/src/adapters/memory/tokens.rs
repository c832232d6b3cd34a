//! In-memory token vault, token cache and rate budgets, for unit tests.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};

use crate::domain::ids::PortalId;
use crate::hubspot::budget::{BudgetLimit, kind_name, limit_for};
use crate::ports::{CachedToken, CallKind, RateBudget, StoreError, TokenCache, TokenVault};

fn poisoned() -> StoreError {
    StoreError::Unavailable("lock poisoned".into())
}

/// Refresh tokens by portal, counting writes so tests can see a rotation was stored.
#[derive(Debug, Default)]
pub struct MemoryTokenVault {
    secrets: Mutex<HashMap<PortalId, SecretString>>,
    writes: Mutex<usize>,
}

impl MemoryTokenVault {
    /// The stored refresh token, exposed (tests only).
    pub fn stored(&self, portal: PortalId) -> Option<String> {
        self.secrets
            .lock()
            .ok()?
            .get(&portal)
            .map(|s| s.expose_secret().to_owned())
    }

    /// How many times a refresh token was stored.
    pub fn writes(&self) -> usize {
        self.writes.lock().map(|w| *w).unwrap_or_default()
    }
}

#[async_trait]
impl TokenVault for MemoryTokenVault {
    async fn refresh_token(&self, portal: PortalId) -> Result<Option<SecretString>, StoreError> {
        Ok(self
            .secrets
            .lock()
            .map_err(|_| poisoned())?
            .get(&portal)
            .cloned())
    }

    async fn store_refresh_token(
        &self,
        portal: PortalId,
        token: &SecretString,
    ) -> Result<(), StoreError> {
        self.secrets
            .lock()
            .map_err(|_| poisoned())?
            .insert(portal, token.clone());
        *self.writes.lock().map_err(|_| poisoned())? += 1;
        Ok(())
    }

    async fn delete(&self, portal: PortalId) -> Result<(), StoreError> {
        self.secrets.lock().map_err(|_| poisoned())?.remove(&portal);
        Ok(())
    }
}

#[derive(Debug, Default, Clone)]
struct CacheEntry {
    token: Option<CachedToken>,
    lease: Option<(String, i64)>,
    cooldown_until: Option<i64>,
}

/// The shared token cache, lease and cool-down, with the DynamoDB adapter's semantics.
#[derive(Debug, Default)]
pub struct MemoryTokenCache {
    entries: Mutex<HashMap<PortalId, CacheEntry>>,
}

impl MemoryTokenCache {
    /// Who holds the portal's refresh lease, if anyone (tests only).
    pub fn lease_owner(&self, portal: PortalId) -> Option<String> {
        self.entries
            .lock()
            .ok()?
            .get(&portal)?
            .lease
            .as_ref()
            .map(|(owner, _)| owner.clone())
    }
}

#[async_trait]
impl TokenCache for MemoryTokenCache {
    async fn get(&self, portal: PortalId) -> Result<Option<CachedToken>, StoreError> {
        Ok(self
            .entries
            .lock()
            .map_err(|_| poisoned())?
            .get(&portal)
            .and_then(|e| e.token.clone()))
    }

    async fn put(&self, portal: PortalId, token: &CachedToken) -> Result<(), StoreError> {
        self.entries
            .lock()
            .map_err(|_| poisoned())?
            .entry(portal)
            .or_default()
            .token = Some(token.clone());
        Ok(())
    }

    async fn try_lease(
        &self,
        portal: PortalId,
        owner: &str,
        until_ms: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut entries = self.entries.lock().map_err(|_| poisoned())?;
        let entry = entries.entry(portal).or_default();
        let free = entry
            .lease
            .as_ref()
            .is_none_or(|(holder, until)| *until < now_ms || holder == owner);
        if free {
            entry.lease = Some((owner.to_owned(), until_ms));
        }
        Ok(free)
    }

    async fn release_lease(&self, portal: PortalId, owner: &str) -> Result<(), StoreError> {
        let mut entries = self.entries.lock().map_err(|_| poisoned())?;
        if let Some(entry) = entries.get_mut(&portal)
            && entry
                .lease
                .as_ref()
                .is_some_and(|(holder, _)| holder == owner)
        {
            entry.lease = None;
        }
        Ok(())
    }

    async fn set_cooldown(&self, portal: PortalId, until_ms: i64) -> Result<(), StoreError> {
        self.entries
            .lock()
            .map_err(|_| poisoned())?
            .entry(portal)
            .or_default()
            .cooldown_until = Some(until_ms);
        Ok(())
    }

    async fn cooldown_until(&self, portal: PortalId) -> Result<Option<i64>, StoreError> {
        Ok(self
            .entries
            .lock()
            .map_err(|_| poisoned())?
            .get(&portal)
            .and_then(|e| e.cooldown_until))
    }
}

/// HubSpot's per-portal limits counted in memory (one process only).
#[derive(Debug, Default)]
pub struct MemoryRateBudget {
    /// Requests per (portal, kind, window start).
    windows: Mutex<HashMap<(PortalId, &'static str, i64), u32>>,
}

#[async_trait]
impl RateBudget for MemoryRateBudget {
    async fn try_acquire(
        &self,
        portal: PortalId,
        kind: CallKind,
        now_ms: i64,
    ) -> Result<Option<u64>, StoreError> {
        let limit: BudgetLimit = limit_for(kind);
        let start = limit.window_start(now_ms);
        let name = kind_name(kind);
        let mut windows = self.windows.lock().map_err(|_| poisoned())?;
        let previous = windows
            .get(&(portal, name, start - limit.window_ms))
            .copied()
            .unwrap_or(0);
        let current = windows.entry((portal, name, start)).or_default();
        if *current < limit.allowance(previous, now_ms) {
            *current += 1;
            return Ok(None);
        }
        Ok(Some(limit.wait_ms(previous, *current, now_ms)))
    }
}

/// A budget that always grants: for tests that are not about the budget.
#[derive(Debug, Default, Clone, Copy)]
pub struct UnlimitedRateBudget;

#[async_trait]
impl RateBudget for UnlimitedRateBudget {
    async fn try_acquire(
        &self,
        _: PortalId,
        _: CallKind,
        _: i64,
    ) -> Result<Option<u64>, StoreError> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_memory_budget_fills_a_window_to_its_ceiling_then_says_how_long_to_wait() {
        let budget = MemoryRateBudget::default();
        let (portal, limit) = (PortalId(1), limit_for(CallKind::Standard));
        let window_end = 29_999;

        let mut granted = 0;
        while granted < 200
            && budget
                .try_acquire(portal, CallKind::Standard, window_end)
                .await
                == Ok(None)
        {
            granted += 1;
        }
        let next_window = budget.try_acquire(portal, CallKind::Standard, 30_000).await;

        assert_eq!(
            granted,
            limit.ceiling(),
            "HubSpot's 110 less the burst's headroom"
        );
        assert_eq!(
            next_window,
            Ok(Some(limit.wait_ms(limit.ceiling(), 0, 30_000))),
            "a full window carries over into the next"
        );
        assert_eq!(
            budget
                .try_acquire(portal, CallKind::Search, window_end)
                .await,
            Ok(None),
            "search has its own budget"
        );
    }

    #[tokio::test]
    async fn a_lease_is_exclusive_until_released_or_expired() {
        let cache = MemoryTokenCache::default();
        let portal = PortalId(1);

        let first = cache.try_lease(portal, "a", 1_000, 0).await;
        let second = cache.try_lease(portal, "b", 1_000, 500).await;
        cache.release_lease(portal, "b").await.expect("release");
        let after_expiry = cache.try_lease(portal, "b", 3_000, 1_001).await;

        assert_eq!(
            (first, second, after_expiry),
            (Ok(true), Ok(false), Ok(true))
        );
        assert_eq!(cache.lease_owner(portal).as_deref(), Some("b"));
    }
}
