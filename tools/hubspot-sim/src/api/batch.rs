//! Batch endpoints: read, create, update, upsert, archive; at most 100 inputs, 207 multi-status
//! when some inputs fail.

use std::collections::HashSet;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::body::HsJson;
use super::objects::{ObjectInput, create_one, resolve_associations};
use super::render::{Props, batch_envelope, record_json};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::object_type::ObjectType;
use crate::state::SimState;
use crate::store::Portal;

pub const MAX_INPUTS: usize = 100;

#[derive(Debug, Deserialize)]
pub struct Batch<T> {
    pub inputs: Vec<T>,
    #[serde(default)]
    pub properties: Option<Vec<String>>,
    #[serde(default, rename = "idProperty")]
    pub id_property: Option<String>,
}

impl<T> Batch<T> {
    pub(super) fn check_size(&self) -> ApiResult<()> {
        if self.inputs.len() > MAX_INPUTS {
            return Err(ApiError::validation(format!(
                "Too many inputs: {} (the limit is {MAX_INPUTS})",
                self.inputs.len()
            )));
        }
        Ok(())
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdInput {
    #[serde(deserialize_with = "super::de::id_string")]
    pub id: String,
    #[serde(default)]
    pub id_property: Option<String>,
    #[serde(default, deserialize_with = "super::de::properties")]
    pub properties: crate::store::Props,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateInput {
    #[serde(flatten)]
    pub object: ObjectInput,
    #[serde(default)]
    pub object_write_trace_id: Option<String>,
}

pub(super) fn respond(
    results: Vec<Value>,
    errors: Vec<Value>,
    started: i64,
    state: &SimState,
    ok: StatusCode,
) -> Response {
    let status = if errors.is_empty() {
        ok
    } else {
        StatusCode::MULTI_STATUS
    };
    (
        status,
        Json(batch_envelope(
            results,
            errors,
            started,
            state.clock.now_ms(),
        )),
    )
        .into_response()
}

pub(super) fn not_found(object: ObjectType, verb: &str, ids: Vec<String>) -> Value {
    let message = format!(
        "Could not {verb} some {} objects, they may be deleted or not exist. Check that ids are valid.",
        object.plural()
    );
    ApiError::not_found(message)
        .with_context(json!({ "ids": ids }))
        .standard_error()
}

pub(super) fn no_duplicates(inputs: &[IdInput]) -> ApiResult<()> {
    let mut seen = HashSet::new();
    let duplicates: Vec<&str> = inputs
        .iter()
        .map(|i| i.id.as_str())
        .filter(|id| !seen.insert(*id))
        .collect();
    if duplicates.is_empty() {
        return Ok(());
    }
    Err(ApiError::validation(format!(
        "Duplicate IDs found in batch input: {duplicates:?}. IDs must be unique"
    )))
}

pub async fn read(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
    HsJson(batch): HsJson<Batch<IdInput>>,
) -> ApiResult<Response> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.read_scopes())?;
    batch.check_size()?;
    let started = state.clock.now_ms();
    let (results, missing) = state.read(caller.portal_id, |portal| {
        let (mut results, mut missing) = (Vec::new(), Vec::new());
        for input in &batch.inputs {
            match portal.lookup(object, &input.id, batch.id_property.as_deref()) {
                Ok(id) => {
                    let record = portal
                        .table(object)
                        .live(id)
                        .ok_or_else(|| ApiError::object_not_found(&input.id))?;
                    results.push(record_json(
                        portal,
                        object,
                        record,
                        Props::from_request(batch.properties.as_deref()),
                        &[],
                    ));
                }
                Err(_) => missing.push(input.id.clone()),
            }
        }
        Ok((results, missing))
    })?;
    let errors = if missing.is_empty() {
        vec![]
    } else {
        vec![not_found(object, "get", missing)]
    };
    Ok(respond(results, errors, started, &state, StatusCode::OK))
}

pub async fn create(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
    HsJson(batch): HsJson<Batch<CreateInput>>,
) -> ApiResult<Response> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.write_scopes())?;
    batch.check_size()?;
    let started = state.clock.now_ms();
    // With a trace id on every input HubSpot reports per input; otherwise one bad input fails all.
    let per_input = !batch.inputs.is_empty()
        && batch
            .inputs
            .iter()
            .all(|i| i.object_write_trace_id.is_some());
    state.write(caller.portal_id, state.api_source(), |portal| {
        if !per_input {
            precheck_creates(portal, object, &batch.inputs)?;
        }
        let (mut results, mut errors) = (Vec::new(), Vec::new());
        for input in batch.inputs {
            let trace = input.object_write_trace_id.clone();
            match create_one(portal, object, input.object) {
                Ok(id) => {
                    let record = portal
                        .table(object)
                        .live(id)
                        .ok_or_else(|| ApiError::object_not_found(&id.to_string()))?;
                    let mut body = record_json(portal, object, record, Props::All, &[]);
                    if let Some(trace) = &trace {
                        body["objectWriteTraceId"] = trace.clone().into();
                    }
                    results.push(body);
                }
                Err(err) => errors.push(
                    err.with_context(json!({ "objectWriteTraceId": [trace] }))
                        .standard_error(),
                ),
            }
        }
        Ok(respond(
            results,
            errors,
            started,
            &state,
            StatusCode::CREATED,
        ))
    })
}

fn precheck_creates(portal: &Portal, object: ObjectType, inputs: &[CreateInput]) -> ApiResult<()> {
    let mut unique_seen = HashSet::new();
    for input in inputs {
        portal.precheck(object, &input.object.properties, None)?;
        resolve_associations(portal, object, &input.object.associations)?;
        for (name, value) in &input.object.properties {
            if portal.table(object).is_indexed(name)
                && !value.is_empty()
                && !unique_seen.insert((name.clone(), value.to_lowercase()))
            {
                return Err(ApiError::validation(format!(
                    "Duplicate value {value} for unique property {name} in batch input"
                )));
            }
        }
    }
    Ok(())
}
