//! The slow path of [`TokenManager`]: the shared cache, the refresh lease, the refresh itself,
//! and what a refused or failed refresh does to the portal.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::manager::TokenManager;
use crate::domain::ids::PortalId;
use crate::hubspot::retry::{AttemptState, Decision, RetryPolicy, decide};
use crate::hubspot::{HubSpotError, HubSpotErrorKind};
use crate::ports::{CachedToken, StoreError, TokenError, TokenSet};

/// Tries of the refresh call itself before a cool-down: a 429 or 5xx from HubSpot's token
/// endpoint is usually gone a moment later, while a cool-down stalls every call of the portal.
/// No wait starts after 8 s, so the refresh ends well inside its lease (20 s).
const REFRESH_RETRY: RetryPolicy = RetryPolicy {
    max_attempts: 3,
    base_backoff: Duration::from_millis(250),
    max_backoff: Duration::from_secs(4),
    max_total: Duration::from_secs(8),
};

fn unavailable(err: StoreError) -> TokenError {
    TokenError::Unavailable(err.to_string())
}

impl TokenManager {
    async fn shared_fresh(&self, portal: PortalId) -> Result<Option<CachedToken>, TokenError> {
        let cached = self.cache.get(portal).await.map_err(unavailable)?;
        Ok(cached.filter(|t| self.is_fresh(t)))
    }

    /// A fresh token from the shared cache, or from a refresh this process makes while holding
    /// the portal's lease; processes that lose the lease wait and re-read.
    pub(super) async fn shared_token(&self, portal: PortalId) -> Result<CachedToken, TokenError> {
        let deadline = self.clock.now_ms() + self.settings.max_wait_ms;
        loop {
            if let Some(token) = self.shared_fresh(portal).await? {
                return Ok(token);
            }
            let now = self.clock.now_ms();
            if let Some(until) = self
                .cache
                .cooldown_until(portal)
                .await
                .map_err(unavailable)?
                && until > now
            {
                // A refused refresh also cools down: say "disconnected" when that is why.
                self.ensure_connected(portal).await?;
                return Err(TokenError::CoolingDown { until_ms: until });
            }
            let until = now + self.settings.lease_ms;
            if self
                .cache
                .try_lease(portal, &self.owner, until, now)
                .await
                .map_err(unavailable)?
            {
                let result = self.refresh_holding_lease(portal).await;
                if let Err(err) = self.cache.release_lease(portal, &self.owner).await {
                    // The lease expires on its own; others wait at most `lease_ms`.
                    tracing::warn!(error = %err, "could not release the refresh lease");
                }
                return result;
            }
            if now >= deadline {
                return Err(TokenError::Unavailable(
                    "timed out waiting for another process's token refresh".into(),
                ));
            }
            let jitter = fastrand::u64(0..=self.settings.poll_ms / 2);
            tokio::time::sleep(Duration::from_millis(self.settings.poll_ms + jitter)).await;
        }
    }

    async fn refresh_holding_lease(&self, portal: PortalId) -> Result<CachedToken, TokenError> {
        // Another holder may have refreshed between our read and our lease.
        if let Some(token) = self.shared_fresh(portal).await? {
            return Ok(token);
        }
        let Some(refresh_token) = self
            .vault
            .refresh_token(portal)
            .await
            .map_err(unavailable)?
        else {
            return Err(self.disconnect(portal, "no refresh token stored").await);
        };
        match self.refresh_retrying(&refresh_token).await {
            Ok(set) => Ok(self.keep(portal, &refresh_token, set).await),
            Err(err) if err.kind == HubSpotErrorKind::InvalidGrant => {
                let reason = format!("HubSpot refused the refresh token: {}", err.message);
                Err(self.disconnect(portal, &reason).await)
            }
            Err(err) => {
                let until_ms = self.clock.now_ms() + self.settings.cooldown_ms;
                tracing::warn!(kind = ?err.kind, status = ?err.status, until_ms, "token refresh failed; cooling down");
                if let Err(store) = self.cache.set_cooldown(portal, until_ms).await {
                    tracing::warn!(error = %store, "could not record the refresh cool-down");
                }
                Err(TokenError::CoolingDown { until_ms })
            }
        }
    }

    /// The refresh call, tried again after a retryable failure as [`REFRESH_RETRY`] allows.
    async fn refresh_retrying(
        &self,
        refresh_token: &SecretString,
    ) -> Result<TokenSet, HubSpotError> {
        let started = tokio::time::Instant::now();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let err = match self.oauth.refresh(refresh_token).await {
                Err(err) if err.is_retryable() => err,
                other => return other,
            };
            // A 401 here is a refused refresh token, not a stale access token: never retried.
            let state = AttemptState {
                attempts,
                elapsed: started.elapsed(),
                reauthenticated: true,
            };
            match decide(
                &REFRESH_RETRY,
                &err,
                state,
                self.clock.now_ms(),
                fastrand::f64(),
            ) {
                Decision::RetryAfter(wait) => {
                    tracing::info!(attempt = attempts, kind = ?err.kind, wait_ms = wait.as_millis() as u64, "retrying the token refresh");
                    tokio::time::sleep(wait).await;
                }
                Decision::Reauthenticate | Decision::GiveUp => return Err(err),
            }
        }
    }

    /// Stores what a refresh returned: a new refresh token replaces the secret, the access token
    /// goes to the shared cache. Store failures are logged, not fatal: the token works anyway.
    async fn keep(&self, portal: PortalId, used: &SecretString, set: TokenSet) -> CachedToken {
        if set.refresh_token.expose_secret() != used.expose_secret()
            && let Err(err) = self
                .vault
                .store_refresh_token(portal, &set.refresh_token)
                .await
        {
            tracing::error!(error = %err, "could not store the rotated refresh token");
        }
        let token = CachedToken {
            access_token: set.access_token,
            expires_at_ms: self.clock.now_ms() + set.expires_in_secs * 1000,
        };
        if let Err(err) = self.cache.put(portal, &token).await {
            tracing::warn!(error = %err, "could not share the refreshed access token");
        }
        tracing::info!(
            expires_in_secs = set.expires_in_secs,
            "access token refreshed"
        );
        token
    }

    /// The installation is gone: the tenant is marked disconnected (why and when), and a
    /// cool-down stops every process from retrying the refresh while it learns that.
    async fn disconnect(&self, portal: PortalId, reason: &str) -> TokenError {
        let now = self.clock.now_ms();
        tracing::warn!(reason, "portal disconnected");
        if let Err(err) = self.tenants.mark_disconnected(portal, reason, now).await {
            tracing::error!(error = %err, "could not mark the portal disconnected");
        }
        if let Err(err) = self
            .cache
            .set_cooldown(portal, now + self.settings.cooldown_ms)
            .await
        {
            tracing::warn!(error = %err, "could not record the refresh cool-down");
        }
        self.forget(portal);
        TokenError::Disconnected {
            reason: reason.to_owned(),
        }
    }
}
