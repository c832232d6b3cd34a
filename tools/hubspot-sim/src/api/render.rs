//! Records in HubSpot's response shapes (`SimplePublicObject`, `...WithAssociations`).

use serde_json::{Map, Value, json};

use crate::clock::iso;
use crate::object_type::ObjectType;
use crate::store::Portal;
use crate::store::assoc_types;
use crate::store::schema::default_properties;
use crate::store::table::Record;

/// Which properties a response carries.
#[derive(Debug, Clone, Copy)]
pub enum Props<'a> {
    /// The ones asked for (`properties=`), plus the three HubSpot always adds.
    Named(&'a [String]),
    /// The object type's defaults.
    Default,
    /// Everything the record has (create and update responses).
    All,
}

impl<'a> Props<'a> {
    pub fn from_request(names: Option<&'a [String]>) -> Self {
        match names {
            Some(names) if !names.is_empty() => Self::Named(names),
            _ => Self::Default,
        }
    }
}

pub fn record_json(
    portal: &Portal,
    object: ObjectType,
    record: &Record,
    props: Props<'_>,
    associations: &[ObjectType],
) -> Value {
    let mut body = json!({
        "id": record.id.to_string(),
        "properties": properties(portal, object, record, props),
        "createdAt": iso(record.created_ms),
        "updatedAt": iso(record.updated_ms),
        "archived": record.is_archived(),
    });
    if let Some(at) = record.archived_ms {
        body["archivedAt"] = iso(at).into();
    }
    let links = associations_json(portal, object, record.id, associations);
    if !links.is_empty() {
        body["associations"] = Value::Object(links);
    }
    body
}

fn properties(portal: &Portal, object: ObjectType, record: &Record, props: Props<'_>) -> Value {
    let schema = portal.schema(object);
    let mut out = Map::new();
    let mut put = |name: &str| {
        let value = record
            .get(name)
            .map_or(Value::Null, |v| Value::String(v.into()));
        if schema.properties.contains_key(name) || !value.is_null() {
            out.insert(name.to_string(), value);
        }
    };
    match props {
        Props::All => record.properties.keys().for_each(|n| put(n)),
        Props::Default => default_properties(object).iter().for_each(|n| put(n)),
        Props::Named(names) => {
            names.iter().for_each(|n| put(n));
            ["hs_object_id", "createdate", object.modified_property()]
                .iter()
                .for_each(|n| put(n));
        }
    }
    Value::Object(out)
}

/// `{"companies": {"results": [{"id": "7", "type": "contact_to_company"}]}}`; empty types omitted.
fn associations_json(
    portal: &Portal,
    object: ObjectType,
    id: u64,
    wanted: &[ObjectType],
) -> Map<String, Value> {
    let mut out = Map::new();
    for to in wanted {
        let results: Vec<Value> = portal
            .graph
            .targets((object, id), *to)
            .into_iter()
            .filter(|(to_id, _)| portal.table(*to).live(*to_id).is_some())
            .flat_map(|(to_id, kinds)| {
                kinds.into_iter().map(
                    move |k| json!({ "id": to_id.to_string(), "type": assoc_types::v3_name(k) }),
                )
            })
            .collect();
        if !results.is_empty() {
            out.insert(to.plural().into(), json!({ "results": results }));
        }
    }
    out
}

/// The timestamps every batch response carries.
pub fn batch_envelope(
    results: Vec<Value>,
    errors: Vec<Value>,
    started_ms: i64,
    completed_ms: i64,
) -> Value {
    let mut body = json!({
        "status": "COMPLETE",
        "results": results,
        "requestedAt": iso(started_ms),
        "startedAt": iso(started_ms),
        "completedAt": iso(completed_ms),
    });
    if !errors.is_empty() {
        body["numErrors"] = errors.len().into();
        body["errors"] = Value::Array(errors);
    }
    body
}
