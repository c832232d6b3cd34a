use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use super::*;
use crate::ports::{ApiResponse, HttpMethod};

/// A HubSpot that only knows properties and groups, and records the calls it got.
#[derive(Default)]
struct PropertyApi {
    properties: Mutex<HashMap<String, Value>>,
    groups: Mutex<Vec<String>>,
    calls: Mutex<Vec<(HttpMethod, String)>>,
}

#[async_trait]
impl HubSpotApi for PropertyApi {
    async fn send(
        &self,
        _portal: PortalId,
        request: ApiRequest,
    ) -> Result<ApiResponse, HubSpotError> {
        self.calls
            .lock()
            .expect("lock")
            .push((request.method, request.path.clone()));
        let rest = request
            .path
            .strip_prefix(&format!("/crm/properties/{API_VERSION}/"))
            .expect("properties path");
        match (
            request.method,
            rest.split('/').collect::<Vec<_>>().as_slice(),
        ) {
            (HttpMethod::Post, [object, "groups"]) => {
                let mut groups = self.groups.lock().expect("lock");
                if groups.contains(&object.to_string()) {
                    return Err(HubSpotError::new(
                        HubSpotErrorKind::Conflict,
                        Some(409),
                        "group exists",
                    ));
                }
                groups.push(object.to_string());
                Ok(ApiResponse {
                    status: 201,
                    body: json!({}),
                })
            }
            (HttpMethod::Get, [object, name]) => self
                .properties
                .lock()
                .expect("lock")
                .get(&format!("{object}.{name}"))
                .map(|p| ApiResponse {
                    status: 200,
                    body: p.clone(),
                })
                .ok_or_else(|| {
                    HubSpotError::new(HubSpotErrorKind::NotFound, Some(404), "no property")
                }),
            (HttpMethod::Post, [object]) => {
                let body = request.body.expect("body");
                let key = format!("{object}.{}", body["name"].as_str().expect("name"));
                self.properties
                    .lock()
                    .expect("lock")
                    .insert(key, body.clone());
                Ok(ApiResponse { status: 201, body })
            }
            other => panic!("unexpected call {other:?}"),
        }
    }
}

const PORTAL: PortalId = PortalId(62515);

#[tokio::test]
async fn a_fresh_portal_gets_the_group_and_all_six_properties() {
    let api = PropertyApi::default();
    let report = provision_properties(&api, PORTAL)
        .await
        .expect("provisioned");
    assert_eq!(report.created.len(), 6);
    assert_eq!(api.groups.lock().expect("lock").len(), 4);
    let properties = api.properties.lock().expect("lock");
    assert_eq!(properties["contacts.deeto_id"]["label"], "Deeto Id");
    assert_eq!(properties["tickets.deeto_status"]["label"], "Deeto_Status");
    let deeto_type = &properties["tickets.deeto_type"];
    assert_eq!(
        (
            deeto_type["type"].as_str(),
            deeto_type["fieldType"].as_str()
        ),
        (Some("enumeration"), Some("select"))
    );
    let values: Vec<&str> = deeto_type["options"]
        .as_array()
        .expect("options")
        .iter()
        .filter_map(|o| o["value"].as_str())
        .collect();
    assert_eq!(
        values,
        [
            "meeting",
            "reference_call",
            "user_story",
            "video_testimonial",
            "case_study",
            "review",
            "other"
        ]
    );
}

#[tokio::test]
async fn provisioning_twice_creates_nothing_the_second_time() {
    let api = PropertyApi::default();
    provision_properties(&api, PORTAL).await.expect("first");
    let report = provision_properties(&api, PORTAL).await.expect("second");
    assert!(report.created.is_empty());
    assert_eq!(report.already_present.len(), 6);
}

#[tokio::test]
async fn a_property_of_the_wrong_type_is_an_error_naming_it() {
    let api = PropertyApi::default();
    api.properties.lock().expect("lock").insert(
        "deals.deeto_id".into(),
        json!({"name": "deeto_id", "type": "number"}),
    );
    let err = provision_properties(&api, PORTAL)
        .await
        .expect_err("wrong type");
    assert_eq!(
        err.to_string(),
        "property deals.deeto_id exists with type number, but Deeto needs string"
    );
}

#[tokio::test]
async fn provisioning_only_reads_and_creates() {
    let api = PropertyApi::default();
    provision_properties(&api, PORTAL)
        .await
        .expect("provisioned");
    assert!(
        api.calls
            .lock()
            .expect("lock")
            .iter()
            .all(|(method, _)| matches!(method, HttpMethod::Get | HttpMethod::Post))
    );
}
