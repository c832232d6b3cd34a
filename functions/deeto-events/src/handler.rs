//! The request handler: a plain async function over its dependencies, callable from tests.

use std::sync::Arc;

use common::adapters::http::{json_response, request_target};
use common::commands::{DeetoCommand, parse_commands};
use common::domain::ids::{PortalId, TenantId};
use common::install::hash_license_key;
use common::ports::{Clock, JobQueue, TenantStatus, TenantStore};
use common::queue::message::CommandDelivery;
use common::queue::{EnqueueError, RetryPolicy, SyncMessage, send_all};
use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};
use tracing::Instrument;

use crate::auth::{AuthFailure, bearer_key};
use crate::rejection::Rejection;

/// The one route this function serves.
pub const EVENTS_ROUTE: &str = "/deeto/events";

/// 100 commands of a few hundred bytes each fit many times over.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// How long a client should wait before resending after a 503.
pub const RETRY_AFTER_SECONDS: u32 = 5;

/// Everything the handler needs, built once per cold start.
pub struct DeetoEvents {
    pub tenants: Arc<dyn TenantStore>,
    pub queue: Arc<dyn JobQueue>,
    pub clock: Arc<dyn Clock>,
    pub retry: RetryPolicy,
}

impl std::fmt::Debug for DeetoEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeetoEvents")
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// Who sent the request: a connected tenant and its portal.
struct Sender {
    tenant_id: TenantId,
    portal_id: PortalId,
}

/// Handles one request. Never fails and never panics on input: every outcome is a response.
pub async fn handle(app: &DeetoEvents, req: Request) -> Response<Body> {
    let span = tracing::info_span!(
        "deeto_events",
        tenant_id = tracing::field::Empty,
        portal_id = tracing::field::Empty,
        commands = tracing::field::Empty,
        status = tracing::field::Empty
    );
    async move {
        let response = match accept(app, &req).await {
            Ok(ids) => {
                tracing::Span::current().record("commands", ids.len());
                json_response(
                    StatusCode::ACCEPTED,
                    &serde_json::json!({ "accepted": ids }),
                )
            }
            Err(rejection) => {
                match &rejection {
                    Rejection::QueueUnavailable(err) => {
                        tracing::error!(error = %err, "commands not queued")
                    }
                    Rejection::Store(err) => tracing::error!(error = %err, "tenant lookup failed"),
                    other => tracing::warn!(rejection = %other, "request rejected"),
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

/// Checks, in order: route, method, size, licence key, commands, tenant connected; then queues.
async fn accept(app: &DeetoEvents, req: &Request) -> Result<Vec<String>, Rejection> {
    if request_target(req, None).route_path != EVENTS_ROUTE {
        return Err(Rejection::NotFound);
    }
    if req.method() != Method::POST {
        return Err(Rejection::MethodNotAllowed);
    }
    let body: &[u8] = req.body().as_ref();
    if body.len() > MAX_BODY_BYTES {
        return Err(Rejection::PayloadTooLarge(body.len()));
    }
    let tenant = authenticate(app, req).await?;
    let commands = parse_commands(body).map_err(Rejection::Invalid)?;
    let sender = connected(tenant)?;
    let ids = commands.iter().map(|c| c.id().0.clone()).collect();
    enqueue(app, &sender, commands).await?;
    Ok(ids)
}

/// The tenant whose active licence key the request carries.
async fn authenticate(
    app: &DeetoEvents,
    req: &Request,
) -> Result<common::ports::Tenant, Rejection> {
    let key = bearer_key(req.headers()).map_err(Rejection::Unauthorized)?;
    // Looked up by its SHA-256: the key is never compared byte by byte, and a guess reveals
    // nothing through timing (see `common::install::license`).
    let tenant = app
        .tenants
        .tenant_by_license(&hash_license_key(&key))
        .await
        .map_err(Rejection::Store)?
        .ok_or(Rejection::Unauthorized(AuthFailure::UnknownKey))?;
    tracing::Span::current().record("tenant_id", tracing::field::display(&tenant.id));
    if !tenant.license_active {
        return Err(Rejection::Unauthorized(AuthFailure::Revoked));
    }
    Ok(tenant)
}

/// The tenant's portal, if the integration is installed and working.
fn connected(tenant: common::ports::Tenant) -> Result<Sender, Rejection> {
    match (tenant.status, tenant.portal_id) {
        (TenantStatus::Connected, Some(portal_id)) => {
            tracing::Span::current().record("portal_id", portal_id.0);
            Ok(Sender {
                tenant_id: tenant.id,
                portal_id,
            })
        }
        (status, _) => Err(Rejection::NotConnected(status)),
    }
}

async fn enqueue(
    app: &DeetoEvents,
    sender: &Sender,
    commands: Vec<DeetoCommand>,
) -> Result<(), Rejection> {
    let received_at = app.clock.now_ms();
    let total = commands.len();
    let entries = commands
        .into_iter()
        .enumerate()
        .map(|(index, command)| {
            SyncMessage::DeetoCommandV1(CommandDelivery {
                portal_id: sender.portal_id,
                tenant_id: sender.tenant_id.clone(),
                received_at,
                // At most MAX_COMMANDS per request: the index always fits.
                position: u32::try_from(index).unwrap_or(u32::MAX),
                command,
            })
            .to_entry(index.to_string())
        })
        .collect::<Result<Vec<_>, _>>()
        // Serialising our own types cannot fail; if it ever did, the client must resend.
        .map_err(|err| {
            Rejection::QueueUnavailable(EnqueueError {
                failed: total,
                total,
                reason: err.to_string(),
            })
        })?;
    send_all(app.queue.as_ref(), entries, app.retry)
        .await
        .map_err(Rejection::QueueUnavailable)
}
