//! The public HubSpot API the simulator serves, on HubSpot's date-based paths.

mod association_batch;
mod associations;
mod batch;
mod batch_write;
mod body;
mod de;
mod objects;
mod params;
mod pipelines;
mod properties;
pub mod render;
mod search;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post, put};

use crate::auth::oauth;
use crate::state::SimState;
use crate::version;

pub fn router() -> Router<Arc<SimState>> {
    let o = version::objects_prefix();
    let p = version::properties_prefix();
    let pl = version::pipelines_prefix();
    let a = version::associations_prefix();
    let auth = version::oauth_prefix();
    Router::new()
        .route("/oauth/authorize", get(oauth::authorize))
        .route("/oauth/{accountId}/authorize", get(oauth::authorize_pinned))
        .route(&format!("{auth}/token"), post(oauth::token))
        .route(&format!("{auth}/token/introspect"), post(oauth::introspect))
        .route(&format!("{auth}/token/revoke"), post(oauth::revoke))
        .route(&format!("{o}/{{objectType}}"), get(objects::list).post(objects::create))
        .route(&format!("{o}/{{objectType}}/search"), post(search::search))
        .route(&format!("{o}/{{objectType}}/merge"), post(objects::merge))
        .route(&format!("{o}/{{objectType}}/batch/read"), post(batch::read))
        .route(&format!("{o}/{{objectType}}/batch/create"), post(batch::create))
        .route(&format!("{o}/{{objectType}}/batch/update"), post(batch_write::update))
        .route(&format!("{o}/{{objectType}}/batch/upsert"), post(batch_write::upsert))
        .route(&format!("{o}/{{objectType}}/batch/archive"), post(batch_write::archive))
        .route(
            &format!("{o}/{{objectType}}/{{objectId}}"),
            get(objects::get).patch(objects::update).delete(objects::archive),
        )
        .route(&format!("{o}/{{objectType}}/{{objectId}}/associations/{{toObjectType}}"), get(associations::list))
        .route(
            &format!("{o}/{{objectType}}/{{objectId}}/associations/default/{{toObjectType}}/{{toObjectId}}"),
            put(associations::put_default),
        )
        .route(
            &format!("{o}/{{objectType}}/{{objectId}}/associations/{{toObjectType}}/{{toObjectId}}"),
            put(associations::put_labelled).delete(associations::remove),
        )
        .route(&format!("{a}/{{fromObjectType}}/{{toObjectType}}/batch/associate/default"), post(association_batch::batch_default))
        .route(&format!("{a}/{{fromObjectType}}/{{toObjectType}}/batch/create"), post(association_batch::batch_create))
        .route(&format!("{a}/{{fromObjectType}}/{{toObjectType}}/batch/read"), post(association_batch::batch_read))
        .route(&format!("{a}/{{fromObjectType}}/{{toObjectType}}/batch/archive"), post(association_batch::batch_archive))
        .route(&format!("{a}/{{fromObjectType}}/{{toObjectType}}/labels"), get(associations::labels))
        .route(&format!("{p}/{{objectType}}"), get(properties::list).post(properties::create))
        .route(&format!("{p}/{{objectType}}/batch/create"), post(properties::batch_create))
        .route(&format!("{p}/{{objectType}}/batch/read"), post(properties::batch_read))
        .route(&format!("{p}/{{objectType}}/groups"), get(properties::list_groups).post(properties::create_group))
        .route(&format!("{p}/{{objectType}}/groups/{{groupName}}"), get(properties::get_group))
        .route(&format!("{p}/{{objectType}}/{{propertyName}}"), get(properties::get))
        .route(&format!("{pl}/{{objectType}}"), get(pipelines::list))
        .route(&format!("{pl}/{{objectType}}/{{pipelineId}}"), get(pipelines::get))
        .route(&format!("{pl}/{{objectType}}/{{pipelineId}}/stages"), get(pipelines::stages))
}
