//! Batch writes to existing records: update, upsert (by a unique property), archive.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::batch::{Batch, IdInput, no_duplicates, not_found, respond};
use super::body::HsJson;
use super::render::{Props, record_json};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::object_type::ObjectType;
use crate::state::SimState;

pub async fn update(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
    HsJson(batch): HsJson<Batch<IdInput>>,
) -> ApiResult<Response> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.write_scopes())?;
    batch.check_size()?;
    no_duplicates(&batch.inputs)?;
    let started = state.clock.now_ms();
    state.write(caller.portal_id, state.api_source(), |portal| {
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for input in &batch.inputs {
            match portal.lookup(
                object,
                &input.id,
                input
                    .id_property
                    .as_deref()
                    .or(batch.id_property.as_deref()),
            ) {
                Ok(id) => {
                    portal.precheck(object, &input.properties, Some(id))?;
                    found.push((id, input.properties.clone()));
                }
                Err(_) => missing.push(input.id.clone()),
            }
        }
        let mut results = Vec::new();
        for (id, props) in found {
            let written = portal.update(object, id, props)?;
            let record = portal
                .table(object)
                .live(written)
                .ok_or_else(|| ApiError::object_not_found(&id.to_string()))?;
            results.push(record_json(portal, object, record, Props::All, &[]));
        }
        let errors = if missing.is_empty() {
            vec![]
        } else {
            vec![not_found(object, "update", missing)]
        };
        Ok(respond(results, errors, started, &state, StatusCode::OK))
    })
}

pub async fn upsert(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
    HsJson(batch): HsJson<Batch<IdInput>>,
) -> ApiResult<Response> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.write_scopes())?;
    batch.check_size()?;
    no_duplicates(&batch.inputs)?;
    let started = state.clock.now_ms();
    state.write(caller.portal_id, state.api_source(), |portal| {
        let mut results = Vec::new();
        for input in batch.inputs {
            let property = input.id_property.clone().filter(|p| p != "hs_object_id");
            if let Some(p) = property
                .as_ref()
                .filter(|p| !portal.table(object).is_indexed(p))
            {
                return Err(ApiError::validation(format!(
                    "{p} is not a unique property of {}",
                    object.plural()
                )));
            }
            let existing = portal.lookup(object, &input.id, property.as_deref()).ok();
            let (id, created) = match existing {
                Some(id) => (portal.update(object, id, input.properties)?, false),
                None => {
                    let mut props = input.properties;
                    if let Some(p) = &property {
                        props.insert(p.clone(), input.id.clone());
                    }
                    (portal.create(object, props)?, true)
                }
            };
            let record = portal
                .table(object)
                .live(id)
                .ok_or_else(|| ApiError::object_not_found(&id.to_string()))?;
            let mut body = record_json(portal, object, record, Props::All, &[]);
            body["new"] = created.into();
            results.push(body);
        }
        Ok(respond(results, vec![], started, &state, StatusCode::OK))
    })
}

pub async fn archive(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
    HsJson(batch): HsJson<Batch<IdInput>>,
) -> ApiResult<StatusCode> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.write_scopes())?;
    batch.check_size()?;
    state.write(caller.portal_id, state.api_source(), |portal| {
        for input in &batch.inputs {
            if let Ok(id) = input.id.parse::<u64>() {
                portal.archive(object, id)?;
            }
        }
        Ok(StatusCode::NO_CONTENT)
    })
}
