//! Deeto records ↔ DynamoDB items (layout in `adapters::dynamodb`). Reading is strict: an item
//! the worker cannot fully understand is [`StoreError::Corrupt`], never a half-empty record
//! that would make the relevance rules drop an object Deeto tracks.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;

use super::super::item::{Item, get_n, get_s, n};
use crate::domain::ids::{ObjectId, PortalId};
use crate::ports::StoreError;
use crate::sync::record::{CrmObject, DeetoRecord, FieldValue, Link, RecordKey, Role};

pub const ROLES: &str = "roles";
pub const DEETO_ID: &str = "deeto_id";
pub const FIELDS: &str = "fields";
pub const LINKS: &str = "links";
pub const DELETED_AT: &str = "deleted_at";
pub const MERGED_INTO: &str = "merged_into";
pub const LAST_SYNC: &str = "last_sync";

pub fn record_sk(object: CrmObject, id: ObjectId) -> String {
    format!("{}{id}", record_prefix(object))
}

/// What the sort keys of every record of one object type start with.
pub fn record_prefix(object: CrmObject) -> String {
    format!("RECORD#{object}#")
}

/// The sort key of the index entry saying a record was given a role (the Deeto tab lists a
/// portal's references from these without reading every record).
pub fn role_index_sk(role: &str, object: CrmObject, id: ObjectId) -> String {
    format!("{}{id}", role_index_prefix(role, object))
}

pub fn role_index_prefix(role: &str, object: CrmObject) -> String {
    format!("ROLE#{role}#{object}#")
}

/// The key of a link in the `links` map: the other object's type and id.
pub fn link_key(object: CrmObject, id: ObjectId) -> String {
    format!("{object}#{id}")
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Reference => "reference",
        Role::Lead => "lead",
        Role::Prospect => "prospect",
        Role::Company => "company",
        Role::Deal => "deal",
    }
}

/// `{v: S or NULL, t: N}`.
pub fn field_value(value: &FieldValue) -> AttributeValue {
    let v = match &value.value {
        Some(text) => AttributeValue::S(text.clone()),
        None => AttributeValue::Null(true),
    };
    AttributeValue::M(HashMap::from([
        ("v".into(), v),
        ("t".into(), n(value.changed_at_ms)),
    ]))
}

/// `{p: BOOL, t: N}`.
pub fn link_value(link: &Link) -> AttributeValue {
    AttributeValue::M(HashMap::from([
        ("p".into(), AttributeValue::Bool(link.present)),
        ("t".into(), n(link.changed_at_ms)),
    ]))
}

/// The value a property had before an update, from its `UPDATED_OLD` attributes.
pub fn old_value(updated_old: Option<&Item>, property: &str) -> Option<String> {
    let fields = updated_old?.get(FIELDS)?.as_m().ok()?;
    let field = fields.get(property)?.as_m().ok()?;
    get_s(field, "v")
}

/// The whole item of a record (the inverse of [`record_from`]), for bulk imports.
pub fn record_item(record: &DeetoRecord) -> Item {
    let key = record.key;
    let mut item = Item::from([
        (
            "pk".to_owned(),
            AttributeValue::S(format!("PORTAL#{}", key.portal)),
        ),
        (
            "sk".to_owned(),
            AttributeValue::S(record_sk(key.object, key.object_id)),
        ),
    ]);
    if !record.roles.is_empty() {
        let roles = record
            .roles
            .iter()
            .map(|r| role_name(*r).to_owned())
            .collect();
        item.insert(ROLES.into(), AttributeValue::Ss(roles));
    }
    if let Some(id) = &record.deeto_id {
        item.insert(DEETO_ID.into(), AttributeValue::S(id.clone()));
    }
    let fields = record
        .fields
        .iter()
        .map(|(name, value)| (name.clone(), field_value(value)))
        .collect();
    item.insert(FIELDS.into(), AttributeValue::M(fields));
    let links = record
        .links
        .iter()
        .map(|((object, id), link)| (link_key(*object, *id), link_value(link)))
        .collect();
    item.insert(LINKS.into(), AttributeValue::M(links));
    if let Some(at) = record.deleted_at_ms {
        item.insert(DELETED_AT.into(), n(at));
    }
    if let Some(into) = record.merged_into {
        item.insert(MERGED_INTO.into(), n(into.0));
    }
    if let Some(at) = record.last_sync_ms {
        item.insert(LAST_SYNC.into(), n(at));
    }
    item
}

pub fn record_from(item: &Item) -> Result<DeetoRecord, StoreError> {
    let key = key_from(item)?;
    let corrupt = |what: String| {
        let (object, id, portal) = (key.object, key.object_id, key.portal);
        StoreError::Corrupt(format!(
            "record of {object} {id} in portal {portal}: {what}"
        ))
    };
    let fields = map_entries(item, FIELDS)
        .map_err(&corrupt)?
        .map(|(name, value)| {
            Ok((
                name.clone(),
                field_from(value).map_err(|e| corrupt(format!("field `{name}`: {e}")))?,
            ))
        })
        .collect::<Result<BTreeMap<_, _>, StoreError>>()?;
    let links = map_entries(item, LINKS)
        .map_err(&corrupt)?
        .map(|(name, value)| {
            let other =
                parse_link_key(name).ok_or_else(|| corrupt(format!("link key `{name}`")))?;
            Ok((
                other,
                link_from(value).map_err(|e| corrupt(format!("link `{name}`: {e}")))?,
            ))
        })
        .collect::<Result<BTreeMap<_, _>, StoreError>>()?;
    Ok(DeetoRecord {
        key,
        roles: roles_from(item).map_err(&corrupt)?,
        deeto_id: get_s(item, DEETO_ID),
        fields,
        links,
        deleted_at_ms: get_n(item, DELETED_AT),
        merged_into: get_n(item, MERGED_INTO).map(|id| ObjectId(id as u64)),
        last_sync_ms: get_n(item, LAST_SYNC),
    })
}

fn key_from(item: &Item) -> Result<RecordKey, StoreError> {
    let pk = get_s(item, "pk").unwrap_or_default();
    let sk = get_s(item, "sk").unwrap_or_default();
    let portal = pk.strip_prefix("PORTAL#").and_then(|p| p.parse().ok());
    let rest = sk.strip_prefix("RECORD#").and_then(parse_link_key);
    match (portal, rest) {
        (Some(portal), Some((object, id))) => Ok(RecordKey::new(PortalId(portal), object, id)),
        _ => Err(StoreError::Corrupt(format!(
            "not a record key: {pk} / {sk}"
        ))),
    }
}

fn parse_link_key(raw: &str) -> Option<(CrmObject, ObjectId)> {
    let (object, id) = raw.split_once('#')?;
    let object = CrmObject::ALL
        .into_iter()
        .find(|o| o.to_string() == object)?;
    Some((object, ObjectId(id.parse().ok()?)))
}

/// A missing map is an empty one (a record created by `assign_role` before any field).
fn map_entries<'a>(
    item: &'a Item,
    name: &str,
) -> Result<impl Iterator<Item = (&'a String, &'a AttributeValue)>, String> {
    match item.get(name) {
        None => Ok(None.into_iter().flatten()),
        Some(AttributeValue::M(map)) => Ok(Some(map.iter()).into_iter().flatten()),
        Some(_) => Err(format!("`{name}` is not a map")),
    }
}

fn field_from(value: &AttributeValue) -> Result<FieldValue, String> {
    let map = value.as_m().map_err(|_| "not a map")?;
    let value = match map.get("v") {
        Some(AttributeValue::S(text)) => Some(text.clone()),
        Some(AttributeValue::Null(_)) | None => None,
        Some(_) => return Err("`v` is neither a string nor NULL".into()),
    };
    let changed_at_ms = get_n(map, "t").ok_or("no change time `t`")?;
    Ok(FieldValue {
        value,
        changed_at_ms,
    })
}

fn link_from(value: &AttributeValue) -> Result<Link, String> {
    let map = value.as_m().map_err(|_| "not a map")?;
    let present = map
        .get("p")
        .and_then(|p| p.as_bool().ok())
        .ok_or("no `p`")?;
    let changed_at_ms = get_n(map, "t").ok_or("no change time `t`")?;
    Ok(Link {
        present: *present,
        changed_at_ms,
    })
}

/// Written as a string set (so `ADD` is idempotent); a list is read too. A role this version
/// does not know (written by a newer one) is skipped with a warning: failing the whole record
/// would dead-letter every event of its portal during a rolling deploy.
fn roles_from(item: &Item) -> Result<BTreeSet<Role>, String> {
    let names: Vec<&String> = match item.get(ROLES) {
        None => Vec::new(),
        Some(AttributeValue::Ss(set)) => set.iter().collect(),
        Some(AttributeValue::L(list)) => list.iter().filter_map(|v| v.as_s().ok()).collect(),
        Some(_) => return Err("`roles` is neither a string set nor a list".into()),
    };
    let known = [
        Role::Reference,
        Role::Lead,
        Role::Prospect,
        Role::Company,
        Role::Deal,
    ];
    Ok(names
        .into_iter()
        .filter_map(|name| {
            let role = known.into_iter().find(|r| role_name(*r) == name);
            if role.is_none() {
                tracing::warn!(role = %name, "unknown role on a stored record; skipped");
            }
            role
        })
        .collect())
}

#[cfg(test)]
mod tests;
