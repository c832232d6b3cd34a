//! `HubSpotApi` over reqwest: bearer auth from a token provider, the shared per-portal rate
//! budget before every attempt, HubSpot's error body parsed into [`HubSpotError`], and retries
//! as [`super::retry`] decides (401 once with a fresh token, 429 as HubSpot asks, 5xx and
//! timeouts with backoff, all within a bounded total time).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tracing::Instrument;
use url::Url;

use super::error::{HubSpotError, HubSpotErrorKind};
use super::retry::{AttemptState, Decision, RetryPolicy, decide};
use crate::domain::ids::PortalId;
use crate::ports::{
    ApiRequest, ApiResponse, CallKind, Clock, HttpMethod, HubSpotApi, RateBudget, TokenError,
    TokenProvider,
};

/// A reqwest client for HubSpot: every request bounded in time, so a hung connection becomes
/// a retryable timeout instead of a Lambda that runs until it is killed.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5).min(timeout))
        .timeout(timeout)
        .user_agent(concat!("deeto-hubspot/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// The CRM API for installed portals.
pub struct ReqwestHubSpot {
    api_base: Url,
    http: reqwest::Client,
    tokens: Arc<dyn TokenProvider>,
    budget: Arc<dyn RateBudget>,
    clock: Arc<dyn Clock>,
    policy: RetryPolicy,
}

impl std::fmt::Debug for ReqwestHubSpot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReqwestHubSpot")
            .field("api_base", &self.api_base.as_str())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl ReqwestHubSpot {
    pub fn new(
        api_base: Url,
        http: reqwest::Client,
        tokens: Arc<dyn TokenProvider>,
        budget: Arc<dyn RateBudget>,
        clock: Arc<dyn Clock>,
        policy: RetryPolicy,
    ) -> Self {
        Self {
            api_base,
            http,
            tokens,
            budget,
            clock,
            policy,
        }
    }

    /// Waits for a budget slot, unless the wait would outlast the call's total time.
    async fn wait_for_budget(
        &self,
        portal: PortalId,
        kind: CallKind,
        started: tokio::time::Instant,
    ) -> Result<(), HubSpotError> {
        loop {
            match self
                .budget
                .try_acquire(portal, kind, self.clock.now_ms())
                .await
            {
                Ok(None) => return Ok(()),
                Ok(Some(ms)) => {
                    // A little jitter so the callers that were told to wait do not race again.
                    let wait = Duration::from_millis(ms + fastrand::u64(0..=25));
                    if started.elapsed() + wait > self.policy.max_total {
                        let mut err = HubSpotError::new(
                            HubSpotErrorKind::RateLimited,
                            None,
                            "the portal's API budget is spent",
                        );
                        err.retry_after_ms = Some(ms);
                        return Err(err);
                    }
                    tracing::debug!(wait_ms = ms, "waiting for the portal's API budget");
                    tokio::time::sleep(wait).await;
                }
                Err(err) => {
                    // HubSpot enforces the limit anyway and its 429s are handled: a budget
                    // store outage should slow calls down, not stop them.
                    tracing::warn!(error = %err, "rate budget unavailable; calling without it");
                    return Ok(());
                }
            }
        }
    }

    fn url(&self, path: &str) -> Result<Url, HubSpotError> {
        // Only paths under our base: a bearer token must never go to another host.
        if !path.starts_with('/') || path.starts_with("//") {
            return Err(HubSpotError::new(
                HubSpotErrorKind::Validation,
                None,
                "request path must be absolute",
            ));
        }
        let base = self.api_base.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}{path}")).map_err(|_| {
            HubSpotError::new(
                HubSpotErrorKind::Validation,
                None,
                "request path is not a valid URL path",
            )
        })
    }

    /// One HTTP exchange; records the status on the current span.
    async fn attempt(
        &self,
        request: &ApiRequest,
        token: &SecretString,
    ) -> Result<ApiResponse, HubSpotError> {
        let mut builder = self
            .http
            .request(method(request.method), self.url(&request.path)?)
            .bearer_auth(token.expose_secret());
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        if let Some(body) = &request.body {
            builder = builder.json(body);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| HubSpotError::network(&e))?;
        let status = response.status().as_u16();
        tracing::Span::current().record("status", status);
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response
            .bytes()
            .await
            .map_err(|e| HubSpotError::network(&e))?;
        if !(200..300).contains(&status) {
            return Err(HubSpotError::from_api_response(
                status,
                retry_after.as_deref(),
                &body,
            ));
        }
        let body = if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&body).map_err(|_| {
                HubSpotError::new(
                    HubSpotErrorKind::Protocol,
                    Some(status),
                    "2xx answer is not JSON",
                )
            })?
        };
        Ok(ApiResponse { status, body })
    }
}

#[async_trait]
impl HubSpotApi for ReqwestHubSpot {
    #[tracing::instrument(name = "hubspot.send", skip_all, fields(portal_id = %portal, method = ?request.method, path = %request.path))]
    async fn send(
        &self,
        portal: PortalId,
        request: ApiRequest,
    ) -> Result<ApiResponse, HubSpotError> {
        let started = tokio::time::Instant::now();
        let mut state = AttemptState {
            attempts: 0,
            elapsed: Duration::ZERO,
            reauthenticated: false,
        };
        loop {
            self.wait_for_budget(portal, request.kind, started).await?;
            let token = self
                .tokens
                .access_token(portal)
                .await
                .map_err(|e| token_error(e, self.clock.now_ms()))?;
            state.attempts += 1;
            let span = tracing::debug_span!(
                "hubspot.attempt",
                attempt = state.attempts,
                status = tracing::field::Empty
            );
            let err = match self.attempt(&request, &token).instrument(span).await {
                Ok(response) => return Ok(response),
                Err(err) => err,
            };
            state.elapsed = started.elapsed();
            match decide(
                &self.policy,
                &err,
                state,
                self.clock.now_ms(),
                fastrand::f64(),
            ) {
                Decision::Reauthenticate => {
                    tracing::info!(
                        attempt = state.attempts,
                        "HubSpot refused the access token; refreshing it once"
                    );
                    self.tokens.invalidate(portal).await;
                    state.reauthenticated = true;
                }
                // A create whose answer was lost may have happened: resending could duplicate
                // it. Only a refusal that says nothing happened (429) is resent.
                Decision::RetryAfter(_)
                    if request.creates && err.kind != HubSpotErrorKind::RateLimited =>
                {
                    tracing::warn!(attempt = state.attempts, kind = ?err.kind, status = ?err.status, "a create failed without a clear answer; not resending it");
                    return Err(err);
                }
                Decision::RetryAfter(wait) => {
                    tracing::info!(attempt = state.attempts, kind = ?err.kind, status = ?err.status, wait_ms = wait.as_millis() as u64, "retrying HubSpot call");
                    tokio::time::sleep(wait).await;
                }
                Decision::GiveUp => {
                    tracing::warn!(attempt = state.attempts, kind = ?err.kind, status = ?err.status, retryable = err.is_retryable(), correlation_id = ?err.correlation_id, "HubSpot call failed");
                    return Err(err);
                }
            }
        }
    }
}

fn method(method: HttpMethod) -> reqwest::Method {
    match method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Patch => reqwest::Method::PATCH,
        HttpMethod::Put => reqwest::Method::PUT,
    }
}

/// A token problem, as the callers of `send` see it: a disconnected portal is permanent
/// ([`HubSpotErrorKind::Disconnected`]: park the work), a cool-down is retryable after it ends, anything else retryable.
pub fn token_error(err: TokenError, now_ms: i64) -> HubSpotError {
    match err {
        TokenError::Disconnected { .. } => {
            HubSpotError::new(HubSpotErrorKind::Disconnected, None, err.to_string())
        }
        TokenError::CoolingDown { until_ms } => {
            let mut mapped = HubSpotError::new(HubSpotErrorKind::Upstream, None, err.to_string());
            mapped.retry_after_ms = Some(u64::try_from(until_ms - now_ms).unwrap_or(0));
            mapped
        }
        TokenError::Unavailable(_) => {
            HubSpotError::new(HubSpotErrorKind::Upstream, None, err.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disconnected_portal_is_a_permanent_disconnected_error() {
        let err = token_error(
            TokenError::Disconnected {
                reason: "uninstalled".into(),
            },
            0,
        );

        assert_eq!(err.kind, HubSpotErrorKind::Disconnected);
        assert_eq!(err.message, "portal disconnected: uninstalled");
        assert!(!err.is_retryable());
    }

    #[test]
    fn a_cooling_down_refresh_is_retryable_after_the_cool_down() {
        let err = token_error(TokenError::CoolingDown { until_ms: 5_000 }, 2_000);

        assert_eq!(
            (err.kind, err.retry_after_ms),
            (HubSpotErrorKind::Upstream, Some(3_000))
        );
        assert!(err.is_retryable());
    }
}
