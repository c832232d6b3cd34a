//! The body rules of each write, and the checker's own tests on hand-made journals.

use serde_json::{Map, Value};

use super::{LEAD, LINK, SCHEMA, TICKET, Write, records};

type Rule = Result<(), String>;

/// Checks the body of a write `route` matched; `captures` are its path's variable segments.
pub(super) fn body(write: Write, captures: &[&str], body: &Value, tickets: &[u64]) -> Rule {
    let owned = |id: Option<u64>| match id {
        Some(id) if tickets.contains(&id) => Ok(()),
        Some(id) => Err(format!("ticket {id} is not Deeto's")),
        None => Err("no ticket id".to_owned()),
    };
    match write {
        Write::Read => Ok(()),
        Write::Link | Write::LinkBatch => {
            let batch = write == Write::LinkBatch;
            for input in records(body, batch)? {
                shape(input, batch, LINK)?;
            }
            Ok(())
        }
        Write::TicketUpdate | Write::TicketUpdateBatch => {
            let batch = write == Write::TicketUpdateBatch;
            if !batch {
                owned(captures.first().and_then(|id| id.parse().ok()))?;
            }
            for input in records(body, batch)? {
                shape(input, batch, TICKET)?;
                if batch {
                    owned(input.get("id").and_then(id))?;
                }
            }
            Ok(())
        }
        Write::Lead | Write::LeadBatch => {
            for input in records(body, write == Write::LeadBatch)? {
                created(input, LEAD)?;
                match input
                    .get("properties")
                    .and_then(|p| p.get("email"))
                    .and_then(Value::as_str)
                {
                    Some(email) if !email.trim().is_empty() => {}
                    _ => return Err("a lead without email".into()),
                }
                if !associations(input).is_empty() {
                    return Err("a lead with associations".into());
                }
            }
            Ok(())
        }
        Write::TicketCreate | Write::TicketCreateBatch => {
            for input in records(body, write == Write::TicketCreateBatch)? {
                created(input, TICKET)?;
                for association in associations(input) {
                    ticket_link(association)?;
                }
            }
            Ok(())
        }
        Write::AssociateOne => {
            owned(captures.first().and_then(|id| id.parse().ok()))?;
            match body {
                Value::Null => Ok(()),
                Value::Object(m) if m.is_empty() => Ok(()),
                Value::Array(a) if a.is_empty() => Ok(()),
                _ => Err("a body on a default association".into()),
            }
        }
        Write::AssociateBatch => {
            for input in records(body, true)? {
                keys(input, &["from", "to"])?;
                owned(input.get("from").and_then(|f| f.get("id")).and_then(id))?;
                input
                    .get("to")
                    .and_then(|t| t.get("id"))
                    .and_then(id)
                    .ok_or("no `to` id")?;
            }
            Ok(())
        }
        Write::Group => match body.get("name").and_then(Value::as_str) {
            Some("deeto") => keys(
                body.as_object().ok_or("not an object")?,
                &["name", "label", "displayOrder"],
            ),
            other => Err(format!("property group {other:?}")),
        },
        Write::Property | Write::PropertyBatch => {
            let object = captures.first().copied().unwrap_or_default();
            let allowed = SCHEMA
                .iter()
                .find(|(o, _)| *o == object)
                .map(|(_, p)| *p)
                .unwrap_or(&[]);
            for spec in records(body, write == Write::PropertyBatch)? {
                let name = spec.get("name").and_then(Value::as_str).unwrap_or_default();
                if !allowed.contains(&name) {
                    return Err(format!("creates property `{name}` on {object}"));
                }
                if spec.get("groupName").and_then(Value::as_str) != Some("deeto") {
                    return Err(format!("property `{name}` outside the deeto group"));
                }
                for risky in [
                    "calculationFormula",
                    "hasUniqueValue",
                    "externalOptions",
                    "referencedObjectType",
                ] {
                    if spec.contains_key(risky) {
                        return Err(format!("property `{name}` sets `{risky}`"));
                    }
                }
            }
            Ok(())
        }
    }
}

fn id(value: &Value) -> Option<u64> {
    match value {
        Value::String(s) if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) => {
            s.parse().ok()
        }
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

fn keys(map: &Map<String, Value>, allowed: &[&str]) -> Rule {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(key) => Err(format!("unexpected `{key}`")),
        None => Ok(()),
    }
}

fn properties(input: &Map<String, Value>, allowed: &[&str]) -> Rule {
    let props = input
        .get("properties")
        .and_then(Value::as_object)
        .ok_or("no properties")?;
    for (name, value) in props {
        if !allowed.contains(&name.as_str()) {
            return Err(format!("writes property `{name}`"));
        }
        if !value.is_string() {
            return Err(format!("property `{name}` is not a string"));
        }
    }
    Ok(())
}

/// An update input: properties within `allowed`, and in a batch a record id.
fn shape(input: &Map<String, Value>, batch: bool, allowed: &[&str]) -> Rule {
    if batch {
        keys(input, &["id", "properties", "objectWriteTraceId"])?;
        input.get("id").and_then(id).ok_or("no record id")?;
    } else {
        keys(input, &["properties"])?;
    }
    properties(input, allowed)
}

fn created(input: &Map<String, Value>, allowed: &[&str]) -> Rule {
    keys(input, &["properties", "associations", "objectWriteTraceId"])?;
    properties(input, allowed)
}

fn associations(input: &Map<String, Value>) -> Vec<&Value> {
    match input.get("associations") {
        Some(Value::Array(list)) => list.iter().collect(),
        None => Vec::new(),
        // Not a list: reported as one association the rules below refuse.
        Some(other) => vec![other],
    }
}

/// A ticket's create-time association: HubSpot-defined ticket→contact (16) or ticket→deal (28).
fn ticket_link(association: &Value) -> Rule {
    association
        .get("to")
        .and_then(|t| t.get("id"))
        .and_then(id)
        .ok_or("association without a target id")?;
    let types = association
        .get("types")
        .and_then(Value::as_array)
        .filter(|t| !t.is_empty());
    for kind in types.ok_or("association without types")? {
        let category = kind.get("associationCategory").and_then(Value::as_str);
        let type_id = kind.get("associationTypeId").and_then(Value::as_u64);
        if category != Some("HUBSPOT_DEFINED") || !matches!(type_id, Some(16 | 28)) {
            return Err(format!("ticket association {category:?} {type_id:?}"));
        }
    }
    Ok(())
}
