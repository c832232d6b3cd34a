//! `POST /crm/objects/{version}/{objectType}/search`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::body::HsJson;
use super::render::{Props, record_json};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::object_type::ObjectType;
use crate::state::SimState;
use crate::store::search::{SearchRequest, search as run};

pub async fn search(
    State(state): State<Arc<SimState>>,
    caller: Caller,
    Path(kind): Path<String>,
    HsJson(request): HsJson<SearchRequest>,
) -> ApiResult<Json<Value>> {
    let object = ObjectType::from_path(&kind)?;
    caller.require(&object.read_scopes())?;
    state.read(caller.portal_id, |portal| {
        let page = run(portal, object, &request)?;
        let table = portal.table(object);
        let props = Props::from_request(Some(&request.properties));
        let results: Vec<Value> = page
            .ids
            .iter()
            .filter_map(|id| table.live(*id))
            .map(|r| record_json(portal, object, r, props, &[]))
            .collect();
        let mut body = json!({ "total": page.total, "results": results });
        if let Some(after) = page.next_after {
            body["paging"] = json!({ "next": { "after": after } });
        }
        Ok(Json(body))
    })
}
