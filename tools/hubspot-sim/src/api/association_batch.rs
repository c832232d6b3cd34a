//! Batch association endpoints: `/crm/associations/{version}/{from}/{to}/batch/...`, at most
//! 100 inputs, 207 multi-status when some inputs fail.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::associations::{default_results, labels_between, page, parse_id};
use super::body::HsJson;
use super::objects::{IdRef, TypeSpec};
use super::render::batch_envelope;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::object_type::ObjectType;
use crate::state::SimState;
use crate::store::Portal;

#[derive(Debug, Deserialize)]
pub struct Inputs<T> {
    pub inputs: Vec<T>,
}

#[derive(Debug, Deserialize)]
pub struct PairInput {
    pub from: IdRef,
    pub to: IdRef,
    #[serde(default)]
    pub types: Vec<TypeSpec>,
}

fn check_size<T>(inputs: &[T]) -> ApiResult<()> {
    if inputs.len() > super::batch::MAX_INPUTS {
        return Err(ApiError::validation(format!(
            "Too many inputs: {} (the limit is {})",
            inputs.len(),
            super::batch::MAX_INPUTS
        )));
    }
    Ok(())
}

pub async fn batch_default(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path((from, to)): Path<(String, String)>,
    HsJson(batch): HsJson<Inputs<PairInput>>,
) -> ApiResult<Response> {
    batch_write(state, caller, from, to, batch, true).await
}

pub async fn batch_create(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path((from, to)): Path<(String, String)>,
    HsJson(batch): HsJson<Inputs<PairInput>>,
) -> ApiResult<Response> {
    batch_write(state, caller, from, to, batch, false).await
}

async fn batch_write(
    state: Arc<SimState>,
    caller: Caller,
    from: String,
    to: String,
    batch: Inputs<PairInput>,
    default: bool,
) -> ApiResult<Response> {
    let (from, to) = (ObjectType::from_path(&from)?, ObjectType::from_path(&to)?);
    caller.require(&from.write_scopes())?;
    check_size(&batch.inputs)?;
    let started = state.clock.now_ms();
    let (results, errors) = state.write(caller.portal_id, state.api_source(), |portal| {
        let (mut results, mut errors) = (Vec::new(), Vec::new());
        for input in &batch.inputs {
            let outcome = associate_one(portal, (from, to), input, default);
            match outcome {
                Ok(values) => results.extend(values),
                Err(err) => errors.push(err.standard_error()),
            }
        }
        Ok((results, errors))
    })?;
    let ok = if default {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let status = if errors.is_empty() {
        ok
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

/// One input of `batch/associate/default` (`default`) or `batch/create`.
fn associate_one(
    portal: &mut Portal,
    (from, to): (ObjectType, ObjectType),
    input: &PairInput,
    default: bool,
) -> ApiResult<Vec<Value>> {
    let (f, t) = (parse_id(&input.from.id)?, parse_id(&input.to.id)?);
    input.types.iter().try_for_each(TypeSpec::check_category)?;
    let wanted: Vec<Option<u32>> = if default {
        vec![None]
    } else {
        input
            .types
            .iter()
            .map(|s| Some(s.association_type_id))
            .collect()
    };
    let kinds = wanted
        .into_iter()
        .map(|w| portal.associate(from, f, to, t, w))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(match kinds.first() {
        Some(kind) if default => default_results(*kind, f, t),
        _ => vec![labels_between(from, f, to, t, &kinds)],
    })
}

#[derive(Debug, Deserialize)]
pub struct ReadInput {
    #[serde(deserialize_with = "super::de::id_string")]
    pub id: String,
    #[serde(default)]
    pub after: Option<String>,
}

pub async fn batch_read(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path((from, to)): Path<(String, String)>,
    HsJson(batch): HsJson<Inputs<ReadInput>>,
) -> ApiResult<Response> {
    let (from, to) = (ObjectType::from_path(&from)?, ObjectType::from_path(&to)?);
    caller.require(&from.read_scopes())?;
    check_size(&batch.inputs)?;
    let started = state.clock.now_ms();
    let (results, errors) = state.read(caller.portal_id, |portal| {
        let (mut results, mut errors) = (Vec::new(), Vec::new());
        for input in &batch.inputs {
            let after = input
                .after
                .as_deref()
                .and_then(|a| a.parse().ok())
                .unwrap_or(0);
            let found = parse_id(&input.id).and_then(|id| portal.live_id(from, id));
            let (to_list, next) = found
                .map(|id| page(portal, from, id, to, after, 500))
                .unwrap_or_default();
            if to_list.is_empty() {
                let message = format!(
                    "No {} is associated with {} {}.",
                    to.plural(),
                    from.singular(),
                    input.id
                );
                errors.push(
                    ApiError::not_found(message)
                        .with_context(json!({ "fromObjectId": [input.id] }))
                        .standard_error(),
                );
                continue;
            }
            let mut item = json!({ "from": { "id": input.id }, "to": to_list });
            if let Some(after) = next {
                item["paging"] = json!({ "next": { "after": after } });
            }
            results.push(item);
        }
        Ok((results, errors))
    })?;
    let status = if errors.is_empty() {
        StatusCode::OK
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
pub struct ArchiveInput {
    pub from: IdRef,
    #[serde(default)]
    pub to: Vec<IdRef>,
}

pub async fn batch_archive(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path((from, to)): Path<(String, String)>,
    HsJson(batch): HsJson<Inputs<ArchiveInput>>,
) -> ApiResult<StatusCode> {
    let (from, to) = (ObjectType::from_path(&from)?, ObjectType::from_path(&to)?);
    caller.require(&from.write_scopes())?;
    check_size(&batch.inputs)?;
    state.write(caller.portal_id, state.api_source(), |portal| {
        for input in &batch.inputs {
            let Ok(from_id) = input.from.id.parse::<u64>() else {
                continue;
            };
            for target in input.to.iter().filter_map(|t| t.id.parse::<u64>().ok()) {
                portal.dissociate(from, from_id, to, target);
            }
        }
        Ok(StatusCode::NO_CONTENT)
    })
}
