//! The admin API under `/_sim`, for the binary and scripts: the same operations as the
//! in-process handle. Not journaled, not rate limited, never faulted.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::ops::AssociationChange;
use crate::error::{ApiError, ApiResult};
use crate::faults::FaultRule;
use crate::journal::JournalQuery;
use crate::limits::RateLimitSettings;
use crate::object_type::ObjectType;
use crate::seed::{Fixture, GenerateSpec};
use crate::state::{AuthorizeChoice, SimState, lock};
use crate::store::Props;
use crate::webhooks::WebhookSettings;

type S = State<Arc<SimState>>;

pub fn router() -> Router<Arc<SimState>> {
    Router::new()
        .route(
            "/_sim/health",
            get(|| async { Json(json!({ "ok": true })) }),
        )
        .route("/_sim/portals", get(portals).post(create_portal))
        .route("/_sim/portals/{portalId}/tokens", post(issue_token))
        .route("/_sim/portals/{portalId}/uninstall", post(uninstall))
        .route("/_sim/portals/{portalId}/fixture", post(load_fixture))
        .route("/_sim/portals/{portalId}/generate", post(generate))
        .route(
            "/_sim/portals/{portalId}/objects/{objectType}",
            post(user_create),
        )
        .route(
            "/_sim/portals/{portalId}/objects/{objectType}/{objectId}",
            get(record).patch(user_update).delete(user_archive),
        )
        .route(
            "/_sim/portals/{portalId}/merge/{objectType}",
            post(user_merge),
        )
        .route(
            "/_sim/portals/{portalId}/associations",
            post(user_associate),
        )
        .route("/_sim/journal", get(journal).delete(clear_journal))
        .route("/_sim/oauth", get(get_oauth).put(put_oauth))
        .route(
            "/_sim/faults",
            get(faults).post(add_fault).delete(clear_faults),
        )
        .route("/_sim/faults/{id}", delete(remove_fault))
        .route("/_sim/rate-limits", get(get_limits).put(put_limits))
        .route("/_sim/webhooks", get(get_webhooks).put(put_webhooks))
        .route(
            "/_sim/webhooks/deliveries",
            get(deliveries).delete(clear_deliveries),
        )
        .route("/_sim/clock/advance", post(advance_clock))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PortalInput {
    portal_id: u64,
}

async fn portals(State(s): S) -> Json<Value> {
    Json(json!({ "results": s.portals() }))
}

async fn create_portal(State(s): S, Json(input): Json<PortalInput>) -> StatusCode {
    s.create_portal(input.portal_id);
    StatusCode::CREATED
}

#[derive(Debug, Default, Deserialize)]
struct TokenInput {
    #[serde(default)]
    scopes: Option<Vec<String>>,
}

async fn issue_token(
    State(s): S,
    Path(portal): Path<u64>,
    body: Option<Json<TokenInput>>,
) -> Json<Value> {
    let scopes = body.and_then(|b| b.0.scopes);
    Json(json!(s.issue_token(portal, scopes)))
}

async fn uninstall(State(s): S, Path(portal): Path<u64>) -> StatusCode {
    s.uninstall(portal);
    StatusCode::NO_CONTENT
}

async fn load_fixture(
    State(s): S,
    Path(portal): Path<u64>,
    Json(fixture): Json<Fixture>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!(s.load_fixture(portal, fixture)?)))
}

async fn generate(
    State(s): S,
    Path(portal): Path<u64>,
    Json(spec): Json<GenerateSpec>,
) -> Json<Value> {
    // Seconds of CPU for large portals: keep it off the async workers.
    let state = s.clone();
    let report = tokio::task::spawn_blocking(move || state.generate(portal, spec))
        .await
        .unwrap_or_default();
    Json(json!(report))
}

#[derive(Debug, Deserialize)]
struct PropsInput {
    #[serde(default)]
    properties: Props,
}

async fn user_create(
    State(s): S,
    Path((portal, kind)): Path<(u64, String)>,
    Json(input): Json<PropsInput>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let object = ObjectType::from_path(&kind)?;
    let id = s.user_create(portal, object, input.properties)?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id.to_string() }))))
}

async fn record(
    State(s): S,
    Path((portal, kind, id)): Path<(u64, String, u64)>,
) -> ApiResult<Json<Value>> {
    let object = ObjectType::from_path(&kind)?;
    s.record(portal, object, id)
        .map(Json)
        .ok_or_else(|| ApiError::object_not_found(&id.to_string()))
}

async fn user_update(
    State(s): S,
    Path((portal, kind, id)): Path<(u64, String, u64)>,
    Json(input): Json<PropsInput>,
) -> ApiResult<Json<Value>> {
    let object = ObjectType::from_path(&kind)?;
    let id = s.user_update(portal, object, id, input.properties)?;
    Ok(Json(json!({ "id": id.to_string() })))
}

async fn user_archive(
    State(s): S,
    Path((portal, kind, id)): Path<(u64, String, u64)>,
) -> ApiResult<StatusCode> {
    s.user_archive(portal, ObjectType::from_path(&kind)?, id)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MergeInput {
    primary_object_id: u64,
    object_id_to_merge: u64,
}

async fn user_merge(
    State(s): S,
    Path((portal, kind)): Path<(u64, String)>,
    Json(input): Json<MergeInput>,
) -> ApiResult<Json<Value>> {
    let id = s.user_merge(
        portal,
        ObjectType::from_path(&kind)?,
        input.primary_object_id,
        input.object_id_to_merge,
    )?;
    Ok(Json(json!({ "id": id.to_string() })))
}

async fn user_associate(
    State(s): S,
    Path(portal): Path<u64>,
    Json(link): Json<AssociationChange>,
) -> ApiResult<StatusCode> {
    s.user_associate(portal, &link)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn journal(State(s): S, Query(query): Query<JournalQuery>) -> Json<Value> {
    let journal = lock(&s.journal);
    Json(json!({ "results": journal.query(&query), "lastSeq": journal.last_seq() }))
}

async fn clear_journal(State(s): S) -> StatusCode {
    lock(&s.journal).clear();
    StatusCode::NO_CONTENT
}

async fn get_oauth(State(s): S) -> Json<AuthorizeChoice> {
    Json(lock(&s.authorize).clone())
}

async fn put_oauth(State(s): S, Json(choice): Json<AuthorizeChoice>) -> Json<AuthorizeChoice> {
    *lock(&s.authorize) = choice.clone();
    Json(choice)
}

async fn faults(State(s): S) -> Json<Value> {
    Json(json!({ "results": lock(&s.faults).list() }))
}

async fn add_fault(State(s): S, Json(rule): Json<FaultRule>) -> (StatusCode, Json<Value>) {
    let id = lock(&s.faults).add(rule);
    (StatusCode::CREATED, Json(json!({ "id": id })))
}

async fn clear_faults(State(s): S) -> StatusCode {
    lock(&s.faults).clear();
    StatusCode::NO_CONTENT
}

async fn remove_fault(State(s): S, Path(id): Path<u64>) -> StatusCode {
    if lock(&s.faults).remove(id) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

async fn get_limits(State(s): S) -> Json<RateLimitSettings> {
    Json(lock(&s.limits).settings)
}

async fn put_limits(
    State(s): S,
    Json(settings): Json<RateLimitSettings>,
) -> Json<RateLimitSettings> {
    let mut limits = lock(&s.limits);
    limits.settings = settings;
    limits.reset();
    Json(settings)
}

async fn get_webhooks(State(s): S) -> Json<WebhookSettings> {
    Json(s.webhooks.settings())
}

async fn put_webhooks(State(s): S, Json(settings): Json<WebhookSettings>) -> Json<WebhookSettings> {
    s.webhooks.set_settings(settings.clone());
    Json(settings)
}

async fn deliveries(State(s): S) -> Json<Value> {
    Json(json!({ "results": s.webhooks.deliveries(), "idle": s.webhooks.is_idle() }))
}

async fn clear_deliveries(State(s): S) -> StatusCode {
    s.webhooks.clear_deliveries();
    StatusCode::NO_CONTENT
}

#[derive(Debug, Deserialize)]
struct AdvanceInput {
    ms: u64,
}

async fn advance_clock(State(s): S, Json(input): Json<AdvanceInput>) -> Json<Value> {
    s.clock.advance(std::time::Duration::from_millis(input.ms));
    Json(json!({ "nowMs": s.clock.now_ms() }))
}
