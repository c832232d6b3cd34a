//! Properties and property groups: `/crm/properties/{version}/{objectType}[/groups]`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::body::HsJson;
use super::params::Params;
use super::render::batch_envelope;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::object_type::ObjectType;
use crate::state::SimState;
use crate::store::schema::{PropertyDef, PropertyGroup};

pub async fn list(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
) -> ApiResult<Json<Value>> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.schema_read_scopes())?;
    state.read(caller.portal_id, |portal| {
        let results: Vec<Value> = portal
            .schema(object)
            .properties
            .values()
            .map(PropertyDef::to_json)
            .collect();
        Ok(Json(json!({ "results": results })))
    })
}

pub async fn get(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path((kind, name)): Path<(String, String)>,
    _params: Params,
) -> ApiResult<Json<Value>> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.schema_read_scopes())?;
    state.read(caller.portal_id, |portal| {
        let def = portal.schema(object).properties.get(&name).ok_or_else(|| {
            ApiError::not_found(format!(
                "Unable to find property {name} for object type {}",
                object.type_id()
            ))
        })?;
        Ok(Json(def.to_json()))
    })
}

pub async fn create(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
    HsJson(def): HsJson<PropertyDef>,
) -> ApiResult<Response> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.schema_write_scopes())?;
    let def = state.write(caller.portal_id, state.api_source(), |portal| {
        portal.create_property(object, def)
    })?;
    Ok((StatusCode::CREATED, Json(def.to_json())).into_response())
}

#[derive(Debug, Deserialize)]
pub struct Inputs<T> {
    pub inputs: Vec<T>,
}

/// Creates each input; a duplicate or invalid one is reported and the others still created.
pub async fn batch_create(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
    HsJson(batch): HsJson<Inputs<PropertyDef>>,
) -> ApiResult<Response> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.schema_write_scopes())?;
    let started = state.clock.now_ms();
    let (results, errors) = state.write(caller.portal_id, state.api_source(), |portal| {
        let (mut results, mut errors) = (Vec::new(), Vec::new());
        for def in batch.inputs {
            match portal.create_property(object, def) {
                Ok(def) => results.push(def.to_json()),
                Err(err) => errors.push(err.standard_error()),
            }
        }
        Ok((results, errors))
    })?;
    let status = if errors.is_empty() {
        StatusCode::CREATED
    } else {
        StatusCode::MULTI_STATUS
    };
    Ok((
        status,
        Json(batch_envelope(
            results,
            errors,
            started,
            state.clock.now_ms(),
        )),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct NameInput {
    pub name: String,
}

pub async fn batch_read(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
    HsJson(batch): HsJson<Inputs<NameInput>>,
) -> ApiResult<Json<Value>> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.schema_read_scopes())?;
    let started = state.clock.now_ms();
    state.read(caller.portal_id, |portal| {
        let schema = portal.schema(object);
        let results = batch
            .inputs
            .iter()
            .filter_map(|i| schema.properties.get(&i.name))
            .map(PropertyDef::to_json)
            .collect();
        Ok(Json(batch_envelope(
            results,
            vec![],
            started,
            state.clock.now_ms(),
        )))
    })
}

pub async fn list_groups(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
) -> ApiResult<Json<Value>> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.schema_read_scopes())?;
    state.read(caller.portal_id, |portal| {
        let results: Vec<Value> = portal
            .schema(object)
            .groups
            .values()
            .map(PropertyGroup::to_json)
            .collect();
        Ok(Json(json!({ "results": results })))
    })
}

pub async fn get_group(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path((kind, name)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.schema_read_scopes())?;
    state.read(caller.portal_id, |portal| {
        let group = portal
            .schema(object)
            .groups
            .get(&name)
            .ok_or_else(|| ApiError::not_found(format!("Unable to find group {name}")))?;
        Ok(Json(group.to_json()))
    })
}

pub async fn create_group(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
    HsJson(group): HsJson<PropertyGroup>,
) -> ApiResult<Response> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.schema_write_scopes())?;
    let group = state.write(caller.portal_id, state.api_source(), |portal| {
        portal.create_group(object, group)
    })?;
    Ok((StatusCode::CREATED, Json(group.to_json())).into_response())
}
