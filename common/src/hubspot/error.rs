//! The one error type for every HubSpot call, classified once as retryable or permanent, and
//! the parsing of HubSpot's error bodies (API and OAuth) into it.

use serde::Deserialize;

/// What kind of failure a HubSpot call met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HubSpotErrorKind {
    /// 401: the access token is invalid or expired (refresh, then retry once).
    Unauthorized,
    /// 403: a scope is missing. Permanent until the customer re-installs.
    Forbidden,
    NotFound,
    /// 409: e.g. a property or contact that already exists.
    Conflict,
    /// 400/422: HubSpot refused the request's content. Permanent.
    Validation,
    /// 429: over a rate limit; `retry_after_ms` says when to come back.
    RateLimited,
    /// OAuth `invalid_grant` / `BAD_REFRESH_TOKEN`: the installation is gone. Permanent.
    InvalidGrant,
    /// The portal is marked disconnected: its work is parked until someone re-installs.
    Disconnected,
    /// 5xx, 423 locked, 477 migrating: HubSpot's side; retry later.
    Upstream,
    /// No answer in time, or the connection failed.
    Network,
    /// An answer we could not understand.
    Protocol,
    /// The write guard ([`super::guard`]) refused the request before it was sent: it is not
    /// one of the writes Deeto promises to make. Permanent (a bug, never retried).
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("HubSpot {kind:?} (status {status:?}): {message}")]
pub struct HubSpotError {
    pub kind: HubSpotErrorKind,
    pub status: Option<u16>,
    /// HubSpot's `message` (or `error_description`); never contains tokens.
    pub message: String,
    /// HubSpot's `category` (e.g. `VALIDATION_ERROR`) or OAuth `error` code, when given.
    pub category: Option<String>,
    pub correlation_id: Option<String>,
    /// From `Retry-After` or the rate-limit policy, for 429s.
    pub retry_after_ms: Option<u64>,
}

/// HubSpot asks for two seconds' patience on a 423 (locked).
const LOCKED_WAIT_MS: u64 = 2_000;

/// The fields of HubSpot's error bodies we use. Every field is optional: HubSpot's API errors
/// (`category`, `errorType`, `policyName`) and OAuth errors (RFC 6749 `error` plus the legacy
/// `status`) share one lenient shape.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    message: Option<String>,
    category: Option<String>,
    error_type: Option<String>,
    correlation_id: Option<String>,
    policy_name: Option<String>,
    /// OAuth: HubSpot's legacy code, e.g. `BAD_REFRESH_TOKEN` (on API errors it is `"error"`).
    status: Option<String>,
    /// OAuth (RFC 6749): e.g. `invalid_grant`.
    error: Option<String>,
    #[serde(rename = "error_description")]
    error_description: Option<String>,
}

impl HubSpotError {
    pub fn new(kind: HubSpotErrorKind, status: Option<u16>, message: impl Into<String>) -> Self {
        Self {
            kind,
            status,
            message: message.into(),
            category: None,
            correlation_id: None,
            retry_after_ms: None,
        }
    }

    /// True when the same request may succeed later.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            HubSpotErrorKind::RateLimited | HubSpotErrorKind::Upstream | HubSpotErrorKind::Network
        )
    }

    /// An API error answer: `status`, the `Retry-After` header if any, and the raw body.
    /// The body is parsed leniently; an unreadable body still yields a classified error.
    pub fn from_api_response(status: u16, retry_after: Option<&str>, body: &[u8]) -> Self {
        let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
        let kind = kind_for_status(status);
        let retry_after_ms = retry_after.and_then(parse_retry_after_ms).or(match status {
            423 => Some(LOCKED_WAIT_MS),
            _ => None,
        });
        let message = parsed
            .message
            .clone()
            .unwrap_or_else(|| default_message(status));
        Self {
            kind,
            status: Some(status),
            message,
            // On a 429 the policy (`TEN_SECONDLY_ROLLING`, `SECONDLY`, `DAILY`) decides the wait.
            category: if status == 429 {
                parsed.policy_name.or(parsed.error_type)
            } else {
                parsed.category.or(parsed.error_type)
            },
            correlation_id: parsed.correlation_id,
            retry_after_ms,
        }
    }

    /// An OAuth endpoint's error answer (RFC 6749 `error` plus HubSpot's legacy `status`).
    pub fn from_oauth_response(status: u16, body: &[u8]) -> Self {
        let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
        let invalid_grant = parsed.error.as_deref() == Some("invalid_grant")
            || parsed.status.as_deref() == Some("BAD_REFRESH_TOKEN");
        let kind = if invalid_grant {
            HubSpotErrorKind::InvalidGrant
        } else {
            kind_for_status(status)
        };
        let message = parsed
            .error_description
            .or(parsed.message)
            .unwrap_or_else(|| default_message(status));
        Self {
            kind,
            status: Some(status),
            message,
            category: parsed.error.or(parsed.status),
            correlation_id: parsed.correlation_id,
            retry_after_ms: None,
        }
    }

    /// A transport failure: no answer in time, or no connection.
    pub fn network(err: &reqwest::Error) -> Self {
        let what = if err.is_timeout() {
            "timed out"
        } else if err.is_connect() {
            "could not connect"
        } else {
            "transport error"
        };
        // reqwest's Display includes the URL; ours never carries query strings with secrets,
        // but the short form is enough to diagnose and keeps logs small.
        Self::new(
            HubSpotErrorKind::Network,
            err.status().map(|s| s.as_u16()),
            what,
        )
    }

    /// The `policyName` of a 429 answer, when HubSpot named one.
    pub fn rate_limit_policy(&self) -> Option<&str> {
        match (self.kind, self.category.as_deref()) {
            (HubSpotErrorKind::RateLimited, Some(policy)) if policy != "RATE_LIMIT" => Some(policy),
            _ => None,
        }
    }
}

/// The classification of an HTTP status, in one place.
pub fn kind_for_status(status: u16) -> HubSpotErrorKind {
    match status {
        401 => HubSpotErrorKind::Unauthorized,
        403 => HubSpotErrorKind::Forbidden,
        404 => HubSpotErrorKind::NotFound,
        409 => HubSpotErrorKind::Conflict,
        429 => HubSpotErrorKind::RateLimited,
        // 408 request timeout, 423 locked, 477 portal migrating: HubSpot asks us to come back.
        408 | 423 | 477 => HubSpotErrorKind::Upstream,
        400..=499 => HubSpotErrorKind::Validation,
        500..=599 => HubSpotErrorKind::Upstream,
        _ => HubSpotErrorKind::Protocol,
    }
}

/// `Retry-After` in seconds (HubSpot's form). HTTP dates are not used by HubSpot; ignored.
pub fn parse_retry_after_ms(raw: &str) -> Option<u64> {
    let secs: f64 = raw.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| (secs * 1000.0).round() as u64)
}

fn default_message(status: u16) -> String {
    format!("HTTP {status} without a readable error body")
}

#[cfg(test)]
mod tests;
