//! One HubSpot account: its records, property schemas, pipelines and associations, and the
//! record writes. Every write records [`Change`]s that become webhook events.

use std::collections::BTreeMap;

use super::change::{Change, ChangeKind, Source};
use super::graph::Graph;
use super::pipelines::{Pipeline, default_deal_pipeline, default_ticket_pipeline};
use super::schema::{ObjectSchema, default_schema};
use super::table::{Record, Table};
use super::validate::WriteCheck;
use crate::clock::iso;
use crate::error::{ApiError, ApiResult};
use crate::object_type::ObjectType;

pub type Props = BTreeMap<String, String>;

/// When and by whom the current write is made; set by the state before each operation.
#[derive(Debug, Clone)]
pub struct OpContext {
    pub now_ms: i64,
    pub source: Source,
}

#[derive(Debug)]
pub struct Portal {
    pub id: u64,
    pub domain: String,
    pub created_ms: i64,
    pub tables: BTreeMap<ObjectType, Table>,
    pub schemas: BTreeMap<ObjectType, ObjectSchema>,
    pub pipelines: BTreeMap<ObjectType, Vec<Pipeline>>,
    pub graph: Graph,
    next_id: u64,
    pub(crate) ctx: OpContext,
    pub(crate) changes: Vec<Change>,
}

impl Portal {
    pub fn new(id: u64, now_ms: i64) -> Self {
        let mut portal = Self {
            id,
            domain: format!("portal-{id}.example.com"),
            created_ms: now_ms,
            tables: BTreeMap::new(),
            schemas: BTreeMap::new(),
            pipelines: BTreeMap::new(),
            graph: Graph::default(),
            // HubSpot ids are large; starting high makes an id/portal mix-up visible.
            next_id: 1_000_000 + id % 1000 * 1000,
            ctx: OpContext {
                now_ms,
                source: Source::import(),
            },
            changes: Vec::new(),
        };
        for object in ObjectType::ALL {
            let schema = default_schema(object, now_ms);
            let mut table = Table::default();
            for def in schema.properties.values().filter(|d| d.has_unique_value) {
                table.add_index(&def.name);
            }
            portal.tables.insert(object, table);
            portal.schemas.insert(object, schema);
        }
        portal
            .pipelines
            .insert(ObjectType::Tickets, vec![default_ticket_pipeline()]);
        portal
            .pipelines
            .insert(ObjectType::Deals, vec![default_deal_pipeline()]);
        portal
    }

    pub fn begin(&mut self, now_ms: i64, source: Source) {
        self.ctx = OpContext { now_ms, source };
    }

    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    pub(crate) fn emit(&mut self, object: ObjectType, object_id: u64, kind: ChangeKind) {
        self.changes.push(Change {
            portal_id: self.id,
            object,
            object_id,
            at_ms: self.ctx.now_ms,
            kind,
            source: self.ctx.source.clone(),
        });
    }

    pub fn table(&self, object: ObjectType) -> &Table {
        // Every object type gets a table in `new`, so the index cannot miss.
        &self.tables[&object]
    }

    pub(crate) fn table_mut(&mut self, object: ObjectType) -> &mut Table {
        self.tables.entry(object).or_default()
    }

    pub fn schema(&self, object: ObjectType) -> &ObjectSchema {
        &self.schemas[&object]
    }

    pub fn pipelines(&self, object: ObjectType) -> &[Pipeline] {
        self.pipelines
            .get(&object)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The live record a path id (or a unique `idProperty` value) names, or HubSpot's 404.
    pub fn lookup(
        &self,
        object: ObjectType,
        id: &str,
        id_property: Option<&str>,
    ) -> ApiResult<u64> {
        let table = self.table(object);
        let found = match id_property.filter(|p| *p != "hs_object_id") {
            Some(property) => table.find_unique(property, id),
            None => id.parse::<u64>().ok().map(|n| table.resolve(n)),
        };
        found
            .filter(|n| table.live(*n).is_some())
            .ok_or_else(|| ApiError::object_not_found(id))
    }

    fn check(&self, object: ObjectType, props: &Props, current: Option<u64>) -> ApiResult<()> {
        let current = current.and_then(|id| self.table(object).live(id));
        WriteCheck {
            object,
            schema: self.schema(object),
            pipelines: self.pipelines(object),
            current,
        }
        .check(props)
    }

    /// HubSpot's 409 when a unique value (a contact's email) belongs to another record.
    fn check_unique(
        &self,
        object: ObjectType,
        props: &Props,
        own_id: Option<u64>,
    ) -> ApiResult<()> {
        let table = self.table(object);
        for (name, value) in props
            .iter()
            .filter(|(n, v)| table.is_indexed(n) && !v.is_empty())
        {
            if let Some(existing) = table
                .find_unique(name, value)
                .filter(|e| Some(*e) != own_id)
            {
                let kind = object.singular();
                let message = format!(
                    "{}{} already exists. Existing ID: {existing}",
                    kind[..1].to_uppercase(),
                    &kind[1..]
                );
                return Err(ApiError::conflict("CONFLICT", message).with_context(
                    serde_json::json!({ "id": [existing.to_string()], "propertyName": [name] }),
                ));
            }
        }
        Ok(())
    }

    /// Every check a write of `props` would make, without writing (batch all-or-nothing).
    pub fn precheck(&self, object: ObjectType, props: &Props, id: Option<u64>) -> ApiResult<()> {
        self.check(object, props, id)?;
        self.check_unique(object, props, id)
    }

    pub fn create(&mut self, object: ObjectType, mut props: Props) -> ApiResult<u64> {
        self.check(object, &props, None)?;
        self.check_unique(object, &props, None)?;
        props.retain(|_, v| !v.is_empty());
        if object == ObjectType::Tickets {
            props
                .entry("hs_pipeline".into())
                .or_insert_with(|| "0".into());
        }
        let given: Vec<(String, String)> =
            props.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let id = self.insert_raw(object, props, self.ctx.now_ms);
        self.emit(object, id, ChangeKind::Creation);
        for (name, value) in given {
            self.emit(object, id, ChangeKind::PropertyChange { name, value });
        }
        Ok(id)
    }

    /// Inserts a record with no checks and no events (the large-portal generator's path).
    pub fn insert_raw(&mut self, object: ObjectType, mut props: Props, created_ms: i64) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        props.insert("hs_object_id".into(), id.to_string());
        props
            .entry("createdate".into())
            .or_insert_with(|| iso(created_ms));
        props.insert(object.modified_property().into(), iso(created_ms));
        let table = self.table_mut(object);
        let indexed: Vec<(String, String)> = props
            .iter()
            .filter(|(k, _)| table.is_indexed(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (name, value) in indexed {
            table.reindex(id, &name, None, Some(&value));
        }
        let record = Record {
            id,
            properties: props,
            created_ms,
            updated_ms: created_ms,
            archived_ms: None,
        };
        table.records.insert(id, record);
        id
    }

    /// Partial update; returns the id actually written (merged ids resolve to the survivor).
    pub fn update(&mut self, object: ObjectType, id: u64, props: Props) -> ApiResult<u64> {
        let id = self.table(object).resolve(id);
        if self.table(object).live(id).is_none() {
            return Err(ApiError::object_not_found(&id.to_string()));
        }
        self.check(object, &props, Some(id))?;
        self.check_unique(object, &props, Some(id))?;
        let now = self.ctx.now_ms;
        let mut changed = Vec::new();
        let table = self.table_mut(object);
        for (name, value) in props {
            let Some(record) = table.live_mut(id) else {
                break;
            };
            let old = record.properties.get(&name).cloned();
            if old.as_deref().unwrap_or("") == value {
                continue;
            }
            if value.is_empty() {
                record.properties.remove(&name);
            } else {
                record.properties.insert(name.clone(), value.clone());
            }
            table.reindex(id, &name, old.as_deref(), Some(&value));
            changed.push((name, value));
        }
        if let Some(record) = table.live_mut(id).filter(|_| !changed.is_empty()) {
            record.updated_ms = now;
            record
                .properties
                .insert(object.modified_property().into(), iso(now));
        }
        for (name, value) in changed {
            self.emit(object, id, ChangeKind::PropertyChange { name, value });
        }
        Ok(id)
    }

    /// Archives (HubSpot's DELETE): the record leaves reads and search but keeps its data.
    pub fn archive(&mut self, object: ObjectType, id: u64) -> ApiResult<()> {
        let id = self.table(object).resolve(id);
        let now = self.ctx.now_ms;
        let table = self.table_mut(object);
        if table.live(id).is_none() {
            // HubSpot answers 204 for an id that is already gone.
            return Ok(());
        }
        table.unindex(id);
        if let Some(record) = table.records.get_mut(&id) {
            record.archived_ms = Some(now);
        }
        self.emit(object, id, ChangeKind::Deletion);
        Ok(())
    }

    pub fn next_id(&self) -> u64 {
        self.next_id
    }
}
