//! Basic CRM object endpoints: list, create, read, update, archive, merge.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::body::HsJson;
use super::params::Params;
use super::render::{Props, record_json};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::object_type::ObjectType;
use crate::state::SimState;
use crate::store::{Portal, assoc_types};

/// `{to: {id}, types: [{associationCategory, associationTypeId}]}` on create.
#[derive(Debug, Clone, Deserialize)]
pub struct AssociationInput {
    pub to: IdRef,
    #[serde(default)]
    pub types: Vec<TypeSpec>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IdRef {
    #[serde(deserialize_with = "super::de::id_string")]
    pub id: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeSpec {
    #[serde(default)]
    pub association_category: Option<String>,
    pub association_type_id: u32,
}

impl TypeSpec {
    /// Only HubSpot-defined types exist here; another category with their ids is a mistake.
    pub fn check_category(&self) -> ApiResult<()> {
        match self.association_category.as_deref() {
            None | Some("HUBSPOT_DEFINED") => Ok(()),
            Some(other) => Err(ApiError::validation(format!(
                "association type {} is HUBSPOT_DEFINED, not {other}",
                self.association_type_id
            ))),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ObjectInput {
    #[serde(default, deserialize_with = "super::de::properties")]
    pub properties: crate::store::Props,
    #[serde(default)]
    pub associations: Vec<AssociationInput>,
}

pub async fn list(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.read_scopes())?;
    let limit = params.number("limit", 10)?;
    if !(1..=100).contains(&limit) {
        return Err(ApiError::validation(format!(
            "limit must be between 1 and 100, got {limit}"
        )));
    }
    let after = params.number("after", 0)?.max(0) as u64;
    let archived = params.flag("archived");
    let names = params.list("properties");
    let associations = params.object_types("associations");
    state.read(caller.portal_id, |portal| {
        let mut page = portal
            .table(object)
            .records
            .range(after..)
            .map(|(_, r)| r)
            .filter(|r| r.is_archived() == archived);
        let results: Vec<Value> = page
            .by_ref()
            .take(limit as usize)
            .map(|r| {
                record_json(
                    portal,
                    object,
                    r,
                    Props::from_request(names.as_deref()),
                    &associations,
                )
            })
            .collect();
        let mut body = json!({ "results": results });
        if let Some(next) = page.next() {
            body["paging"] = json!({ "next": { "after": next.id.to_string() } });
        }
        Ok(Json(body))
    })
}

/// Checks create-time associations before anything is written, so a bad one fails the create.
pub fn resolve_associations(
    portal: &Portal,
    object: ObjectType,
    inputs: &[AssociationInput],
) -> ApiResult<Vec<(ObjectType, u64, u32)>> {
    let mut out = Vec::new();
    for input in inputs {
        for spec in &input.types {
            spec.check_category()?;
            let kind =
                assoc_types::lookup_from(object, spec.association_type_id).ok_or_else(|| {
                    ApiError::validation(format!(
                        "{} is not a valid association type id for {}",
                        spec.association_type_id,
                        object.plural()
                    ))
                })?;
            let to_id = input
                .to
                .id
                .parse::<u64>()
                .ok()
                .and_then(|id| portal.table(kind.to).live(id))
                .map(|r| r.id);
            let to_id = to_id.ok_or_else(|| {
                ApiError::validation(format!(
                    "The {} with id {} does not exist",
                    kind.to.singular(),
                    input.to.id
                ))
                .with_sub_category("crm.associations.INVALID_OBJECT_IDS")
            })?;
            out.push((kind.to, to_id, kind.id));
        }
    }
    Ok(out)
}

/// Creates one record with its associations; the shared path of create and batch create.
pub fn create_one(portal: &mut Portal, object: ObjectType, input: ObjectInput) -> ApiResult<u64> {
    let links = resolve_associations(portal, object, &input.associations)?;
    let id = portal.create(object, input.properties)?;
    for (to, to_id, type_id) in links {
        portal.associate(object, id, to, to_id, Some(type_id))?;
    }
    Ok(id)
}

pub async fn create(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
    HsJson(input): HsJson<ObjectInput>,
) -> ApiResult<Response> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.write_scopes())?;
    state.write(caller.portal_id, state.api_source(), |portal| {
        let id = create_one(portal, object, input)?;
        let record = portal
            .table(object)
            .live(id)
            .ok_or_else(|| ApiError::object_not_found(&id.to_string()))?;
        Ok((
            StatusCode::CREATED,
            Json(record_json(portal, object, record, Props::All, &[])),
        )
            .into_response())
    })
}

pub async fn get(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path((kind, id)): Path<(String, String)>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.read_scopes())?;
    let names = params.list("properties");
    let associations = params.object_types("associations");
    let archived = params.flag("archived");
    state.read(caller.portal_id, |portal| {
        let table = portal.table(object);
        let record = if archived {
            id.parse::<u64>()
                .ok()
                .and_then(|n| table.records.get(&n))
                .filter(|r| r.is_archived())
        } else {
            let found = portal.lookup(object, &id, params.get("idProperty"))?;
            table.live(found)
        };
        let record = record.ok_or_else(|| ApiError::object_not_found(&id))?;
        Ok(Json(record_json(
            portal,
            object,
            record,
            Props::from_request(names.as_deref()),
            &associations,
        )))
    })
}

#[derive(Debug, Deserialize)]
pub struct UpdateInput {
    #[serde(deserialize_with = "super::de::properties")]
    pub properties: crate::store::Props,
}

pub async fn update(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path((kind, id)): Path<(String, String)>,
    params: Params,
    HsJson(input): HsJson<UpdateInput>,
) -> ApiResult<Json<Value>> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.write_scopes())?;
    state.write(caller.portal_id, state.api_source(), |portal| {
        let found = portal.lookup(object, &id, params.get("idProperty"))?;
        let written = portal.update(object, found, input.properties)?;
        let record = portal
            .table(object)
            .live(written)
            .ok_or_else(|| ApiError::object_not_found(&id))?;
        Ok(Json(record_json(portal, object, record, Props::All, &[])))
    })
}

pub async fn archive(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path((kind, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.write_scopes())?;
    let id: u64 = id.parse().map_err(|_| ApiError::object_not_found(&id))?;
    state.write(caller.portal_id, state.api_source(), |portal| {
        portal.archive(object, id)
    })?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MergeInput {
    #[serde(deserialize_with = "super::de::id_string")]
    pub primary_object_id: String,
    #[serde(deserialize_with = "super::de::id_string")]
    pub object_id_to_merge: String,
}

pub async fn merge(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
    HsJson(input): HsJson<MergeInput>,
) -> ApiResult<Json<Value>> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.write_scopes())?;
    let parse = |s: &str| s.parse::<u64>().map_err(|_| ApiError::object_not_found(s));
    let (primary, secondary) = (
        parse(&input.primary_object_id)?,
        parse(&input.object_id_to_merge)?,
    );
    state.write(caller.portal_id, state.api_source(), |portal| {
        let id = portal.merge(object, primary, secondary)?;
        let record = portal
            .table(object)
            .live(id)
            .ok_or_else(|| ApiError::object_not_found(&id.to_string()))?;
        Ok(Json(record_json(portal, object, record, Props::All, &[])))
    })
}
