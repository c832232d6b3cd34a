//! Pipelines and stages: `/crm/pipelines/{version}/{objectType}[/{pipelineId}[/stages]]`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::object_type::ObjectType;
use crate::state::SimState;
use crate::store::Portal;
use crate::store::pipelines::{Pipeline, stage_json};

fn pipeline_types(kind: &str) -> ApiResult<ObjectType> {
    match ObjectType::from_path(kind)? {
        object @ (ObjectType::Tickets | ObjectType::Deals) => Ok(object),
        other => Err(ApiError::validation(format!(
            "{} have no pipelines",
            other.plural()
        ))),
    }
}

fn find<'a>(portal: &'a Portal, object: ObjectType, id: &str) -> ApiResult<&'a Pipeline> {
    portal
        .pipelines(object)
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "Unable to find pipeline {id} for object type {}",
                object.type_id()
            ))
        })
}

pub async fn list(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
) -> ApiResult<Json<Value>> {
    let object = pipeline_types(&kind)?;
    caller.require(&object.read_scopes())?;
    state.read(caller.portal_id, |portal| {
        let results: Vec<Value> = portal
            .pipelines(object)
            .iter()
            .map(|p| p.to_json(portal.created_ms))
            .collect();
        Ok(Json(json!({ "results": results })))
    })
}

pub async fn get(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path((kind, id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let object = pipeline_types(&kind)?;
    caller.require(&object.read_scopes())?;
    state.read(caller.portal_id, |portal| {
        Ok(Json(find(portal, object, &id)?.to_json(portal.created_ms)))
    })
}

pub async fn stages(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path((kind, id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let object = pipeline_types(&kind)?;
    caller.require(&object.read_scopes())?;
    state.read(caller.portal_id, |portal| {
        let pipeline = find(portal, object, &id)?;
        let results: Vec<Value> = pipeline
            .stages
            .iter()
            .map(|s| stage_json(s, portal.created_ms))
            .collect();
        Ok(Json(json!({ "results": results })))
    })
}
