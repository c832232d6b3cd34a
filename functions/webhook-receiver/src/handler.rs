//! The request handler: a plain async function over its dependencies, callable from tests.

use std::sync::Arc;

use common::ports::{Clock, JobQueue};
use common::queue::{RetryPolicy, SyncMessage, WebhookDelivery, send_all};
use common::webhook::signature::verify_v3;
use common::webhook::{V3Request, WebhookEvent, parse_batch};
use lambda_http::http::{HeaderMap, Method, StatusCode};
use lambda_http::{Body, Request, Response};
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;
use url::Url;

use common::adapters::http::json_response;

use crate::rejection::Rejection;
use common::adapters::http::request_target;

/// The one route this function serves.
pub const WEBHOOK_ROUTE: &str = "/webhooks/hubspot";

/// 100 events of a few hundred bytes are ~50 KB; 5 MiB leaves room for long text property
/// values and stays under Lambda's 6 MB synchronous payload limit.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

/// Everything the handler needs, built once per cold start.
pub struct Receiver {
    pub client_secret: SecretString,
    pub queue: Arc<dyn JobQueue>,
    pub clock: Arc<dyn Clock>,
    pub public_base_url: Option<Url>,
    pub retry: RetryPolicy,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("public_base_url", &self.public_base_url)
            .finish_non_exhaustive()
    }
}

/// Handles one request. Never fails and never panics on input: every outcome is a response.
pub async fn handle(receiver: &Receiver, req: Request) -> Response<Body> {
    let span = tracing::info_span!(
        "webhook",
        events = tracing::field::Empty,
        status = tracing::field::Empty
    );
    async move {
        let response = match accept(receiver, &req).await {
            Ok(count) => {
                tracing::Span::current().record("events", count);
                json_response(
                    StatusCode::OK,
                    &serde_json::json!({ "status": "queued", "events": count }),
                )
            }
            Err(rejection) => {
                match &rejection {
                    Rejection::QueueUnavailable(err) => {
                        tracing::error!(error = %err, "webhook batch not queued")
                    }
                    other => tracing::warn!(rejection = %other, "webhook request rejected"),
                }
                rejection.into_response()
            }
        };
        tracing::Span::current().record("status", response.status().as_u16());
        response
    }
    .instrument(span)
    .await
}

async fn accept(receiver: &Receiver, req: &Request) -> Result<usize, Rejection> {
    let target = request_target(req, receiver.public_base_url.as_ref());
    // A wrong public URL is the usual cause of 401s after a deployment change: make it visible.
    tracing::debug!(route = %target.route_path, signed_uri = ?target.signed_uri, "request target");
    if target.route_path != WEBHOOK_ROUTE {
        return Err(Rejection::NotFound);
    }
    if req.method() != Method::POST {
        return Err(Rejection::MethodNotAllowed);
    }
    let body: &[u8] = req.body().as_ref();
    if body.len() > MAX_BODY_BYTES {
        return Err(Rejection::PayloadTooLarge(body.len()));
    }
    if target.signed_uri.is_none() {
        return Err(Rejection::Unauthorized(
            common::webhook::SignatureError::Missing,
        ));
    }
    let signed = V3Request {
        method: req.method().as_str(),
        uri: target.signed_uri.as_deref().unwrap_or_default(),
        body,
        signature: header(req.headers(), "x-hubspot-signature-v3"),
        timestamp: header(req.headers(), "x-hubspot-request-timestamp"),
    };
    let now = receiver.clock.now_ms();
    verify_v3(
        receiver.client_secret.expose_secret().as_bytes(),
        &signed,
        now,
    )
    .map_err(Rejection::Unauthorized)?;
    let events = parse_batch(body).map_err(Rejection::BadRequest)?;
    let count = events.len();
    enqueue(receiver, events, now).await?;
    Ok(count)
}

async fn enqueue(
    receiver: &Receiver,
    events: Vec<WebhookEvent>,
    received_at: i64,
) -> Result<(), Rejection> {
    let total = events.len();
    let mut entries = Vec::with_capacity(total);
    for (index, event) in events.into_iter().enumerate() {
        let message = SyncMessage::HubSpotWebhookV1(WebhookDelivery { received_at, event });
        // Serialising our own types cannot fail; if it ever did, HubSpot must retry, not lose it.
        let entry = message.to_entry(index.to_string()).map_err(|err| {
            Rejection::QueueUnavailable(common::queue::EnqueueError {
                failed: total,
                total,
                reason: err.to_string(),
            })
        })?;
        entries.push(entry);
    }
    send_all(receiver.queue.as_ref(), entries, receiver.retry)
        .await
        .map_err(Rejection::QueueUnavailable)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .map(|value| value.to_str().unwrap_or("\u{0}invalid"))
}
