//! What wraps every public (non-admin) request: injected faults, HubSpot's rate limits with
//! their headers, and the request journal.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::auth::extract::bearer;
use crate::error::{ApiError, correlation_id};
use crate::faults::FaultKind;
use crate::journal::JournalEntry;
use crate::limits::{Bucket, Verdict};
use crate::state::{SimState, lock};

/// Set on a response by a handler that knows the portal when no bearer token says it (OAuth).
#[derive(Debug, Clone, Copy)]
pub struct JournalPortal(pub u64);

/// Marks a response the server must not send: the connection is closed instead.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

const MAX_BODY: usize = 64 * 1024 * 1024;

pub async fn edge(State(state): State<Arc<SimState>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_BODY).await.unwrap_or_default();
    let method = parts.method.to_string();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or("").to_string();
    let portal = bearer(&parts).and_then(|t| lock(&state.tokens).portal_of(t));
    let fault = lock(&state.faults).pick(&method, &path);
    let fault_name = fault.as_ref().map(FaultKind::describe);
    let entry = |portal_id, status| JournalEntry {
        seq: 0,
        at_ms: state.clock.now_ms(),
        portal_id,
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
        status,
        fault: fault_name.clone(),
    };
    if let Some(FaultKind::Timeout { ms }) = fault {
        // Journaled before the wait: a client that gives up first drops this future, and
        // the timeout must still show.
        lock(&state.journal).push(entry(portal, 504));
        tokio::time::sleep(Duration::from_millis(ms.unwrap_or(30_000))).await;
        return fault_status(504);
    }
    let response = match fault {
        Some(fault) => inject(fault).await,
        None => None,
    };
    let bucket = bucket_of(&method, &path);
    let verdict = match (&response, portal, bucket) {
        (None, Some(portal), Some(bucket)) => {
            lock(&state.limits).check(portal, bucket, Instant::now())
        }
        _ => Verdict::Unlimited,
    };
    let mut response = match (response, verdict) {
        (Some(response), _) => response,
        (None, Verdict::Limited { .. }) => rate_limited(bucket.unwrap_or(Bucket::TenSecondly)),
        (None, _) => {
            next.run(Request::from_parts(parts, Body::from(bytes.clone())))
                .await
        }
    };
    if bucket == Some(Bucket::TenSecondly) {
        add_limit_headers(&mut response, verdict);
    }
    let journal_portal =
        portal.or_else(|| response.extensions().get::<JournalPortal>().map(|p| p.0));
    lock(&state.journal).push(entry(journal_portal, response.status().as_u16()));
    response
}

/// The answer an injected fault gives instead of the simulated HubSpot; `None` lets the
/// request through (after the added latency).
async fn inject(fault: FaultKind) -> Option<Response> {
    match fault {
        FaultKind::Latency { ms } => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            None
        }
        FaultKind::Status { status } => Some(fault_status(status)),
        // Answered in `edge`, which journals it before the wait.
        FaultKind::Timeout { .. } => Some(fault_status(504)),
        FaultKind::Drop => {
            let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            response.extensions_mut().insert(DropConnection);
            Some(response)
        }
    }
}

/// CRM calls count against a limit: search its own, everything else the ten-second one.
fn bucket_of(method: &str, path: &str) -> Option<Bucket> {
    path.starts_with("/crm/").then(|| {
        if method == "POST" && path.ends_with("/search") {
            Bucket::Search
        } else {
            Bucket::TenSecondly
        }
    })
}

/// HubSpot's 429 body (`samples/rate-limit-429-docs.json`).
fn rate_limited(bucket: Bucket) -> Response {
    let message = match bucket {
        Bucket::TenSecondly => "You have reached your ten_secondly_rolling limit.",
        Bucket::Search => "You have reached your secondly limit.",
    };
    let body = json!({
        "status": "error",
        "message": message,
        "errorType": "RATE_LIMIT",
        "correlationId": correlation_id(),
        "policyName": bucket.policy(),
        "requestId": correlation_id(),
    });
    (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response()
}

fn fault_status(status: u16) -> Response {
    if status == 429 {
        return rate_limited(Bucket::TenSecondly);
    }
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (category, message) = match status {
        502 => ("BAD_GATEWAY", "Bad Gateway"),
        503 => ("SERVICE_UNAVAILABLE", "Service Unavailable"),
        504 => ("GATEWAY_TIMEOUT", "Gateway Timeout"),
        _ => ("INTERNAL_ERROR", "internal error"),
    };
    ApiError::new(code, category, message).into_response()
}

fn add_limit_headers(response: &mut Response, verdict: Verdict) {
    let (max, remaining) = match verdict {
        Verdict::Allowed { max, remaining } => (max, remaining),
        Verdict::Limited { max } => (max, 0),
        Verdict::Unlimited => return,
    };
    let headers = response.headers_mut();
    headers.insert("X-HubSpot-RateLimit-Max", HeaderValue::from(max));
    headers.insert(
        "X-HubSpot-RateLimit-Remaining",
        HeaderValue::from(remaining),
    );
    headers.insert(
        "X-HubSpot-RateLimit-Interval-Milliseconds",
        HeaderValue::from(Bucket::TenSecondly.interval_ms() as u64),
    );
}
