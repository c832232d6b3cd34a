//! Associations: per-record (`/crm/objects/{v}/{type}/{id}/associations/...`) and batch
//! (`/crm/associations/{v}/{from}/{to}/batch/...`) endpoints, HubSpot-defined types only.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::body::HsJson;
use super::objects::TypeSpec;
use super::params::Params;
use super::render::batch_envelope;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::object_type::ObjectType;
use crate::state::SimState;
use crate::store::Portal;
use crate::store::assoc_types::{self, AssocType};

pub(super) fn parse_id(id: &str) -> ApiResult<u64> {
    id.parse().map_err(|_| ApiError::object_not_found(id))
}

pub(super) fn spec(kind: AssocType) -> Value {
    json!({ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": kind.id })
}

pub(super) fn labels_between(
    from: ObjectType,
    from_id: u64,
    to: ObjectType,
    to_id: u64,
    kinds: &[AssocType],
) -> Value {
    json!({
        "fromObjectTypeId": from.type_id(), "fromObjectId": from_id.to_string(),
        "toObjectTypeId": to.type_id(), "toObjectId": to_id.to_string(),
        "labels": kinds.iter().filter_map(|k| assoc_types::label(*k)).collect::<Vec<_>>(),
    })
}

pub(super) fn with_label(kind: AssocType) -> Value {
    json!({ "category": "HUBSPOT_DEFINED", "typeId": kind.id, "label": assoc_types::label(kind) })
}

/// The default association both ways, as `PublicDefaultAssociation`s.
pub(super) fn default_results(kind: AssocType, from_id: u64, to_id: u64) -> Vec<Value> {
    let inverse = AssocType {
        from: kind.to,
        to: kind.from,
        id: kind.inverse,
        inverse: kind.id,
        primary: kind.primary,
    };
    vec![
        json!({ "from": { "id": from_id.to_string() }, "to": { "id": to_id.to_string() }, "associationSpec": spec(kind) }),
        json!({ "from": { "id": to_id.to_string() }, "to": { "id": from_id.to_string() }, "associationSpec": spec(inverse) }),
    ]
}

type RecordPair = (String, String, String, String);

pub async fn put_default(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path((from, from_id, to, to_id)): Path<RecordPair>,
) -> ApiResult<Json<Value>> {
    let (from, to) = (ObjectType::from_path(&from)?, ObjectType::from_path(&to)?);
    caller.require(&from.write_scopes())?;
    let (from_id, to_id) = (parse_id(&from_id)?, parse_id(&to_id)?);
    let started = state.clock.now_ms();
    let kind = state.write(caller.portal_id, state.api_source(), |p| {
        p.associate(from, from_id, to, to_id, None)
    })?;
    Ok(Json(batch_envelope(
        default_results(kind, from_id, to_id),
        vec![],
        started,
        state.clock.now_ms(),
    )))
}

pub async fn put_labelled(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path((from, from_id, to, to_id)): Path<RecordPair>,
    HsJson(specs): HsJson<Vec<TypeSpec>>,
) -> ApiResult<Response> {
    let (from, to) = (ObjectType::from_path(&from)?, ObjectType::from_path(&to)?);
    caller.require(&from.write_scopes())?;
    let (from_id, to_id) = (parse_id(&from_id)?, parse_id(&to_id)?);
    specs.iter().try_for_each(TypeSpec::check_category)?;
    let kinds = state.write(caller.portal_id, state.api_source(), |p| {
        specs
            .iter()
            .map(|s| p.associate(from, from_id, to, to_id, Some(s.association_type_id)))
            .collect::<ApiResult<Vec<_>>>()
    })?;
    Ok((
        StatusCode::CREATED,
        Json(labels_between(from, from_id, to, to_id, &kinds)),
    )
        .into_response())
}

pub async fn remove(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path((from, from_id, to, to_id)): Path<RecordPair>,
) -> ApiResult<StatusCode> {
    let (from, to) = (ObjectType::from_path(&from)?, ObjectType::from_path(&to)?);
    caller.require(&from.write_scopes())?;
    let (from_id, to_id) = (parse_id(&from_id)?, parse_id(&to_id)?);
    state.write(caller.portal_id, state.api_source(), |p| {
        Ok(p.dissociate(from, from_id, to, to_id))
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// One page of a record's associations of one type, paged by target id.
pub(super) fn page(
    portal: &Portal,
    from: ObjectType,
    id: u64,
    to: ObjectType,
    after: u64,
    limit: usize,
) -> (Vec<Value>, Option<String>) {
    let targets = portal.graph.targets((from, id), to);
    let mut live = targets
        .into_iter()
        .filter(|(t, _)| *t >= after && portal.table(to).live(*t).is_some());
    let results: Vec<Value> = live
        .by_ref()
        .take(limit)
        .map(|(t, kinds)| json!({ "toObjectId": t.to_string(), "associationTypes": kinds.into_iter().map(with_label).collect::<Vec<_>>() }))
        .collect();
    (results, live.next().map(|(t, _)| t.to_string()))
}

pub async fn list(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path((from, id, to)): Path<(String, String, String)>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let (from, to) = (ObjectType::from_path(&from)?, ObjectType::from_path(&to)?);
    caller.require(&from.read_scopes())?;
    let limit = params.number("limit", 500)?.clamp(1, 500) as usize;
    let after = params.number("after", 0)?.max(0) as u64;
    state.read(caller.portal_id, |portal| {
        let id = portal.live_id(from, parse_id(&id)?)?;
        let (results, next) = page(portal, from, id, to, after, limit);
        let mut body = json!({ "results": results });
        if let Some(after) = next {
            body["paging"] = json!({ "next": { "after": after } });
        }
        Ok(Json(body))
    })
}

pub async fn labels(
    caller: Caller,
    Path((from, to)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let (from, to) = (ObjectType::from_path(&from)?, ObjectType::from_path(&to)?);
    caller.require(&from.read_scopes())?;
    let results: Vec<Value> = assoc_types::between(from, to)
        .into_iter()
        .map(with_label)
        .collect();
    Ok(Json(json!({ "results": results })))
}
