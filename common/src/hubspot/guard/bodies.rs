//! What the body of each allowed write may hold: properties by name, ids, associations,
//! schema definitions. Parsed defensively: whatever cannot be checked is refused.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::rules::{
    Checked, LEAD_PROPERTIES, LINK_PROPERTIES, Refusal, TICKET_PROPERTIES, Target, Verdict,
    path_id, refuse,
};
use crate::domain::ids::ObjectId;
use crate::install::properties::{GROUP, owned_properties};

/// HubSpot-defined association types a ticket may be created with: ticket→contact, ticket→deal.
const TICKET_ASSOCIATION_TYPES: [u64; 2] = [16, 28];
const LINKED_OBJECTS: [&str; 3] = ["contacts", "companies", "deals"];
/// Keys of one create or update input (`objectWriteTraceId` only labels multi-status answers).
const INPUT_KEYS: [&str; 4] = ["id", "properties", "associations", "objectWriteTraceId"];
const PROPERTY_KEYS: [&str; 10] = [
    "name",
    "label",
    "type",
    "fieldType",
    "groupName",
    "description",
    "options",
    "displayOrder",
    "hidden",
    "formField",
];

/// A record id in a body: digits as a string, or a non-negative integer.
fn body_id(value: &Value) -> Checked<ObjectId> {
    match value {
        Value::String(raw) => path_id(raw),
        Value::Number(n) => n
            .as_u64()
            .map(ObjectId)
            .ok_or_else(|| Refusal(format!("{n} is not a record id"))),
        _ => refuse("a record id is not a string or a number"),
    }
}

pub(super) fn present(body: Option<&Value>) -> Checked<&Value> {
    body.ok_or_else(|| Refusal("no body to check".into()))
}

/// An object with no keys but `allowed`.
fn object<'v>(value: &'v Value, allowed: &[&str], what: &str) -> Checked<&'v Map<String, Value>> {
    let Some(map) = value.as_object() else {
        return refuse(format!("{what} is not an object"));
    };
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(key) => refuse(format!("{what} has `{key}`, which Deeto never sends")),
        None => Ok(map),
    }
}

/// The `inputs` of a batch body.
fn inputs(body: &Value) -> Checked<&Vec<Value>> {
    object(body, &["inputs"], "the batch body")?
        .get("inputs")
        .and_then(Value::as_array)
        .ok_or_else(|| Refusal("the batch body has no `inputs` list".into()))
}

/// One input, or each input of a batch.
fn each(body: &Value, batch: bool) -> Checked<Vec<&Value>> {
    if batch {
        Ok(inputs(body)?.iter().collect())
    } else {
        Ok(vec![body])
    }
}

/// `properties` of an input: names within `allowed`, values strings.
fn properties<'v>(
    input: &'v Map<String, Value>,
    allowed: &[&str],
    object: &str,
) -> Checked<&'v Map<String, Value>> {
    let Some(props) = input.get("properties").and_then(Value::as_object) else {
        return refuse(format!("a {object} input has no `properties` object"));
    };
    for (name, value) in props {
        if !allowed.contains(&name.as_str()) {
            return refuse(format!("property `{name}` on {object}"));
        }
        if !value.is_string() {
            return refuse(format!("property `{name}` on {object} is not a string"));
        }
    }
    Ok(props)
}

pub(super) fn update(object: &str, id: Option<ObjectId>, body: &Value) -> Checked<Verdict> {
    let allowed: &[&str] = match object {
        "tickets" => &TICKET_PROPERTIES,
        o if LINKED_OBJECTS.contains(&o) => &LINK_PROPERTIES,
        _ => return refuse(format!("updating object type `{object}`")),
    };
    let mut ids = BTreeSet::new();
    match id {
        Some(id) => {
            properties(object_of(body, &["properties"])?, allowed, object)?;
            ids.insert(id);
        }
        None => {
            for input in inputs(body)? {
                let input = object_of(input, &["id", "properties", "objectWriteTraceId"])?;
                properties(input, allowed, object)?;
                let id = input
                    .get("id")
                    .ok_or_else(|| Refusal(format!("a {object} update input has no `id`")))?;
                ids.insert(body_id(id)?);
            }
        }
    }
    Ok(if object == "tickets" {
        Verdict::IfOwned(ids)
    } else {
        Verdict::Allowed
    })
}

fn object_of<'v>(value: &'v Value, allowed: &[&str]) -> Checked<&'v Map<String, Value>> {
    object(value, allowed, "an input")
}

pub(super) fn create(object: &str, batch: bool, body: &Value) -> Checked<Verdict> {
    for input in each(body, batch)? {
        let input = object_of(input, &INPUT_KEYS[1..])?;
        let associations = match input.get("associations") {
            None => &[][..],
            Some(Value::Array(list)) => list.as_slice(),
            Some(_) => return refuse("`associations` is not a list"),
        };
        match object {
            "contacts" => {
                let props = properties(input, &LEAD_PROPERTIES, object)?;
                let email = props.get("email").and_then(Value::as_str);
                if email.is_none_or(|e| e.trim().is_empty()) {
                    return refuse("a lead contact without `email`");
                }
                if !associations.is_empty() {
                    return refuse("associations on a lead contact");
                }
            }
            "tickets" => {
                properties(input, &TICKET_PROPERTIES, object)?;
                associations.iter().try_for_each(ticket_association)?;
            }
            _ => return refuse(format!("creating object type `{object}`")),
        }
    }
    Ok(Verdict::Allowed)
}

/// One create-time association of a ticket: to an existing contact or deal, by a
/// HubSpot-defined type (a user-defined label with the same number could point anywhere).
fn ticket_association(association: &Value) -> Checked<()> {
    let association = object(association, &["to", "types"], "an association")?;
    let to = association.get("to").unwrap_or(&Value::Null);
    body_id(
        object(to, &["id"], "an association's `to`")?
            .get("id")
            .unwrap_or(&Value::Null),
    )?;
    let Some(types) = association.get("types").and_then(Value::as_array) else {
        return refuse("an association without `types`");
    };
    if types.is_empty() {
        return refuse("an association without `types`");
    }
    for kind in types {
        let kind = object(
            kind,
            &["associationCategory", "associationTypeId"],
            "an association type",
        )?;
        let category = kind.get("associationCategory").and_then(Value::as_str);
        let type_id = kind.get("associationTypeId").and_then(Value::as_u64);
        match (category, type_id) {
            (Some("HUBSPOT_DEFINED"), Some(id)) if TICKET_ASSOCIATION_TYPES.contains(&id) => {}
            _ => {
                return refuse(format!(
                    "ticket association {category:?}/{type_id:?}: only to contacts (16) or deals (28)"
                ));
            }
        }
    }
    Ok(())
}

pub(super) fn associate(
    to: &str,
    single: Option<(ObjectId, ObjectId)>,
    body: Option<&Value>,
) -> Checked<Verdict> {
    let target = match to {
        "contacts" => Target::Contact,
        "deals" => Target::Deal,
        _ => return refuse(format!("associating a ticket with `{to}`")),
    };
    let mut pairs = Vec::new();
    match single {
        Some((ticket, to_id)) => {
            let empty = match body {
                None | Some(Value::Null) => true,
                Some(Value::Object(map)) => map.is_empty(),
                Some(Value::Array(list)) => list.is_empty(),
                Some(_) => false,
            };
            if !empty {
                return refuse("a body on a default association");
            }
            pairs.push((ticket, target, to_id));
        }
        None => {
            for input in inputs(present(body)?)? {
                let pair = object(input, &["from", "to"], "an association input")?;
                let id_of = |key: &str| {
                    let end = pair.get(key).unwrap_or(&Value::Null);
                    body_id(
                        object(end, &["id"], "an association end")?
                            .get("id")
                            .unwrap_or(&Value::Null),
                    )
                };
                pairs.push((id_of("from")?, target, id_of("to")?));
            }
        }
    }
    Ok(Verdict::IfTheirs(pairs))
}

fn owned_names(object: &str) -> Vec<&'static str> {
    owned_properties()
        .into_iter()
        .filter(|spec| spec.object_type == object)
        .map(|spec| spec.name)
        .collect()
}

pub(super) fn group(object: &str, body: &Value) -> Checked<Verdict> {
    if owned_names(object).is_empty() {
        return refuse(format!("a property group on object type `{object}`"));
    }
    let group = self::object(body, &["name", "label", "displayOrder"], "the group")?;
    match group.get("name").and_then(Value::as_str) {
        Some(GROUP) => Ok(Verdict::Allowed),
        other => refuse(format!(
            "property group {other:?} on {object}: only `{GROUP}`"
        )),
    }
}

pub(super) fn property(object: &str, batch: bool, body: &Value) -> Checked<Verdict> {
    let names = owned_names(object);
    for spec in each(body, batch)? {
        let spec = self::object(spec, &PROPERTY_KEYS, "a property definition")?;
        let name = spec.get("name").and_then(Value::as_str).unwrap_or_default();
        if !names.contains(&name) {
            return refuse(format!("creating property `{name}` on {object}"));
        }
        if spec.get("groupName").and_then(Value::as_str) != Some(GROUP) {
            return refuse(format!(
                "property `{name}` on {object} outside group `{GROUP}`"
            ));
        }
    }
    Ok(Verdict::Allowed)
}
