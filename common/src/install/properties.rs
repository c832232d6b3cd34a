//! The custom properties Deeto owns in a customer's HubSpot, created idempotently at install.
//!
//! An existing property of the right type is left alone (a customer may have relabelled it);
//! one of the wrong type is an error naming it, because writing to it would fail later.

use serde_json::{Value, json};

use crate::domain::ids::PortalId;
use crate::hubspot::version::API_VERSION;
use crate::hubspot::{HubSpotError, HubSpotErrorKind};
use crate::ports::{ApiRequest, HubSpotApi};

/// The property group every Deeto property lives in.
pub const GROUP: &str = "deeto";

/// Values of the ticket property `deeto_type`: the kinds of reference interaction.
pub const INTERACTION_TYPES: [(&str, &str); 7] = [
    ("meeting", "Meeting"),
    ("reference_call", "Reference call"),
    ("user_story", "User story"),
    ("video_testimonial", "Video testimonial"),
    ("case_study", "Case study"),
    ("review", "Review"),
    ("other", "Other"),
];

/// One property Deeto owns.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertySpec {
    pub object_type: &'static str,
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub field_type: &'static str,
    pub options: &'static [(&'static str, &'static str)],
}

/// Every property Deeto owns, by object type.
pub fn owned_properties() -> Vec<PropertySpec> {
    let deeto_id = |object_type, label| PropertySpec {
        object_type,
        name: "deeto_id",
        label,
        kind: "string",
        field_type: "text",
        options: &[],
    };
    vec![
        deeto_id("contacts", "Deeto Id"),
        deeto_id("companies", "Deeto Id"),
        deeto_id("deals", "Deeto Id"),
        deeto_id("tickets", "Deeto_Id"),
        PropertySpec {
            object_type: "tickets",
            name: "deeto_status",
            label: "Deeto_Status",
            kind: "string",
            field_type: "text",
            options: &[],
        },
        PropertySpec {
            object_type: "tickets",
            name: "deeto_type",
            label: "Deeto_type",
            kind: "enumeration",
            field_type: "select",
            options: &INTERACTION_TYPES,
        },
    ]
}

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("property {object_type}.{name} exists with type {found}, but Deeto needs {expected}")]
    WrongType {
        object_type: String,
        name: String,
        found: String,
        expected: String,
    },
    #[error("HubSpot refused provisioning {what}: {source}")]
    HubSpot { what: String, source: HubSpotError },
}

/// What provisioning did, for the logs and the tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ProvisionReport {
    pub created: Vec<String>,
    pub already_present: Vec<String>,
}

/// Creates the `deeto` group and every owned property that is missing.
pub async fn provision_properties(
    api: &dyn HubSpotApi,
    portal: PortalId,
) -> Result<ProvisionReport, ProvisionError> {
    let mut report = ProvisionReport::default();
    let mut grouped: Vec<&str> = Vec::new();
    for spec in owned_properties() {
        if !grouped.contains(&spec.object_type) {
            ensure_group(api, portal, spec.object_type).await?;
            grouped.push(spec.object_type);
        }
        let label = format!("{}.{}", spec.object_type, spec.name);
        if ensure_property(api, portal, &spec).await? {
            report.created.push(label);
        } else {
            report.already_present.push(label);
        }
    }
    Ok(report)
}

async fn ensure_group(
    api: &dyn HubSpotApi,
    portal: PortalId,
    object_type: &str,
) -> Result<(), ProvisionError> {
    let path = format!("/crm/properties/{API_VERSION}/{object_type}/groups");
    let body = json!({ "name": GROUP, "label": "Deeto", "displayOrder": -1 });
    match api.send(portal, ApiRequest::post(path, body)).await {
        Ok(_) => Ok(()),
        Err(err) if err.kind == HubSpotErrorKind::Conflict => Ok(()),
        Err(source) => Err(ProvisionError::HubSpot {
            what: format!("group {object_type}.{GROUP}"),
            source,
        }),
    }
}

/// True when the property was created, false when it was already there with the right type.
async fn ensure_property(
    api: &dyn HubSpotApi,
    portal: PortalId,
    spec: &PropertySpec,
) -> Result<bool, ProvisionError> {
    let what = || format!("property {}.{}", spec.object_type, spec.name);
    let path = format!(
        "/crm/properties/{API_VERSION}/{}/{}",
        spec.object_type, spec.name
    );
    match api.send(portal, ApiRequest::get(path)).await {
        Ok(existing) => check_type(spec, &existing.body).map(|()| false),
        Err(err) if err.kind == HubSpotErrorKind::NotFound => {
            let path = format!("/crm/properties/{API_VERSION}/{}", spec.object_type);
            match api
                .send(portal, ApiRequest::post(path, property_body(spec)))
                .await
            {
                Ok(_) => Ok(true),
                // Created by a concurrent install between our read and our write: fine.
                Err(err) if err.kind == HubSpotErrorKind::Conflict => Ok(false),
                Err(source) => Err(ProvisionError::HubSpot {
                    what: what(),
                    source,
                }),
            }
        }
        Err(source) => Err(ProvisionError::HubSpot {
            what: what(),
            source,
        }),
    }
}

fn check_type(spec: &PropertySpec, existing: &Value) -> Result<(), ProvisionError> {
    let found = existing["type"].as_str().unwrap_or("unknown");
    if found == spec.kind {
        Ok(())
    } else {
        Err(ProvisionError::WrongType {
            object_type: spec.object_type.to_owned(),
            name: spec.name.to_owned(),
            found: found.to_owned(),
            expected: spec.kind.to_owned(),
        })
    }
}

fn property_body(spec: &PropertySpec) -> Value {
    let mut body = json!({
        "name": spec.name,
        "label": spec.label,
        "type": spec.kind,
        "fieldType": spec.field_type,
        "groupName": GROUP,
        "description": "Managed by the Deeto integration.",
    });
    if !spec.options.is_empty() {
        let options: Vec<Value> = spec
            .options
            .iter()
            .enumerate()
            .map(|(i, (value, label))| json!({ "value": value, "label": label, "displayOrder": i, "hidden": false }))
            .collect();
        body["options"] = Value::Array(options);
    }
    body
}

#[cfg(test)]
mod tests;
