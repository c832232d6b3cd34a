//! Loading a portal from a JSON fixture. Records go through the same writes as the API (so
//! they are validated and produce webhook events, as a HubSpot import would) and reference
//! each other by `key`.
//!
//! ```json
//! { "groups": {"contacts": [{"name": "deeto", "label": "Deeto"}]},
//!   "properties": {"contacts": [{"name": "deeto_id", "label": "Deeto id", "type": "string",
//!                                "fieldType": "text", "groupName": "deeto"}]},
//!   "pipelines": {"tickets": [{"id": "p1", "label": "Refs", "stages": [{"id": "s1", "label": "New"}]}]},
//!   "records": {"companies": [{"key": "acme", "properties": {"name": "Acme"}}],
//!               "contacts": [{"key": "ada", "properties": {"email": "ada@acme.test"}}]},
//!   "associations": [{"from": "contacts:ada", "to": "companies:acme", "typeId": 279}] }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};
use crate::object_type::ObjectType;
use crate::store::pipelines::Pipeline;
use crate::store::schema::{PropertyDef, PropertyGroup};
use crate::store::{Portal, Props};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Fixture {
    pub groups: BTreeMap<ObjectType, Vec<PropertyGroup>>,
    pub properties: BTreeMap<ObjectType, Vec<PropertyDef>>,
    pub pipelines: BTreeMap<ObjectType, Vec<Pipeline>>,
    pub records: BTreeMap<ObjectType, Vec<FixtureRecord>>,
    pub associations: Vec<FixtureAssociation>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct FixtureRecord {
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub properties: Props,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FixtureAssociation {
    /// `contacts:ada`: object type and record key.
    pub from: String,
    pub to: String,
    /// The pair's default (unlabelled) type when absent.
    #[serde(default)]
    pub type_id: Option<u32>,
}

/// The ids the fixture's records got, by `type:key`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixtureReport {
    pub ids: BTreeMap<String, String>,
}

impl FixtureReport {
    pub fn id(&self, reference: &str) -> Option<u64> {
        self.ids.get(reference)?.parse().ok()
    }
}

pub fn load(portal: &mut Portal, fixture: Fixture) -> ApiResult<FixtureReport> {
    for (object, groups) in fixture.groups {
        for group in groups {
            portal.create_group(object, group)?;
        }
    }
    for (object, defs) in fixture.properties {
        for def in defs {
            portal.create_property(object, def)?;
        }
    }
    for (object, pipelines) in fixture.pipelines {
        let list = portal.pipelines.entry(object).or_default();
        for pipeline in pipelines {
            list.retain(|p| p.id != pipeline.id);
            list.push(pipeline);
        }
    }
    let mut report = FixtureReport::default();
    for (object, records) in fixture.records {
        for (index, record) in records.into_iter().enumerate() {
            let id = portal.create(object, record.properties)?;
            let key = record.key.unwrap_or_else(|| index.to_string());
            report
                .ids
                .insert(format!("{}:{key}", object.plural()), id.to_string());
        }
    }
    for link in fixture.associations {
        let (from, from_id) = resolve(&report, &link.from)?;
        let (to, to_id) = resolve(&report, &link.to)?;
        portal.associate(from, from_id, to, to_id, link.type_id)?;
    }
    Ok(report)
}

fn resolve(report: &FixtureReport, reference: &str) -> ApiResult<(ObjectType, u64)> {
    let (kind, _) = reference
        .split_once(':')
        .ok_or_else(|| ApiError::validation(format!("{reference} is not type:key")))?;
    let object = ObjectType::from_path(kind)?;
    let canonical = reference.replacen(kind, object.plural(), 1);
    let id = report
        .id(&canonical)
        .ok_or_else(|| ApiError::validation(format!("fixture has no record {reference}")))?;
    Ok((object, id))
}
