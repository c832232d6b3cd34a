//! `deeto-hubspot record …`: Deeto's records of HubSpot objects. `assign` stands in for the
//! Deeto platform's decision (e.g. "this contact is a reference") in local runs and support.

use clap::{Subcommand, ValueEnum};
use common::adapters::dynamodb::records::DynamoRecordStore;
use common::adapters::dynamodb::tenants::DynamoTenantStore;
use common::domain::ids::{ObjectId, PortalId};
use common::ports::{Clock, SystemClock, TenantStore};
use common::sync::{CrmObject, DeetoRecord, RecordKey, RecordStore, Role};
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum RecordCommand {
    /// Give a HubSpot object a role (and its Deeto id); creates Deeto's record if needed.
    Assign {
        /// The HubSpot portal (hub id); it must be installed.
        #[arg(long)]
        portal: u64,
        #[arg(long, value_enum)]
        object: ObjectArg,
        /// The HubSpot object id.
        #[arg(long)]
        id: u64,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The object's id on the Deeto platform (replaces a stored one).
        #[arg(long)]
        deeto_id: Option<String>,
    },
    /// Show Deeto's record of a HubSpot object: roles, Deeto id, the mapped values with when
    /// HubSpot changed each, links, deletion or merge, and the last sync.
    Show {
        #[arg(long)]
        portal: u64,
        #[arg(long, value_enum)]
        object: ObjectArg,
        #[arg(long)]
        id: u64,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ObjectArg {
    Contact,
    Company,
    Deal,
}

/// The roles the Deeto platform assigns; `prospect` is derived from deals, never assigned.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Reference,
    Lead,
    Company,
    Deal,
}

impl From<ObjectArg> for CrmObject {
    fn from(arg: ObjectArg) -> Self {
        match arg {
            ObjectArg::Contact => CrmObject::Contact,
            ObjectArg::Company => CrmObject::Company,
            ObjectArg::Deal => CrmObject::Deal,
        }
    }
}

impl From<RoleArg> for Role {
    fn from(arg: RoleArg) -> Self {
        match arg {
            RoleArg::Reference => Role::Reference,
            RoleArg::Lead => Role::Lead,
            RoleArg::Company => Role::Company,
            RoleArg::Deal => Role::Deal,
        }
    }
}

pub async fn run(command: RecordCommand, json: bool) -> Result<(), String> {
    let (client, table) = crate::dynamo().await?;
    match command {
        RecordCommand::Assign {
            portal,
            object,
            id,
            role,
            deeto_id,
        } => {
            let portal = PortalId(portal);
            // A mistyped portal would create records no worker ever reads.
            let tenants = DynamoTenantStore::new(client.clone(), &table);
            if tenants
                .portal(portal)
                .await
                .map_err(|e| e.to_string())?
                .is_none()
            {
                return Err(format!("portal {portal} is not installed for any tenant"));
            }
            let store = DynamoRecordStore::new(client, table);
            let key = RecordKey::new(portal, object.into(), ObjectId(id));
            store
                .assign_role(key, role.into(), deeto_id.as_deref(), SystemClock.now_ms())
                .await
                .map_err(|e| e.to_string())?;
            let stored = store
                .get_many(portal, key.object, &[key.object_id])
                .await
                .map_err(|e| e.to_string())?;
            let record = stored
                .first()
                .ok_or("the record vanished after the assignment")?;
            print_record(record, json);
            Ok(())
        }
        RecordCommand::Show { portal, object, id } => {
            let store = DynamoRecordStore::new(client, table);
            let found = store
                .get_many(PortalId(portal), object.into(), &[ObjectId(id)])
                .await
                .map_err(|e| e.to_string())?;
            let record = found
                .first()
                .ok_or_else(|| format!("Deeto has no record of that object in portal {portal}"))?;
            print_details(record, json);
            Ok(())
        }
    }
}

/// The values and links, one per line (text) or as one JSON object (json).
fn print_details(record: &DeetoRecord, json: bool) {
    let fields: serde_json::Map<String, serde_json::Value> = (record.fields.iter())
        .map(|(name, f)| {
            (
                name.clone(),
                json!({"value": f.value, "changedAt": f.changed_at_ms}),
            )
        })
        .collect();
    let links: Vec<serde_json::Value> = (record.links.iter())
        .map(|((object, id), l)| json!({"object": object.to_string(), "id": id.0, "present": l.present, "changedAt": l.changed_at_ms}))
        .collect();
    if json {
        let mut state = record_json(record);
        state["fields"] = fields.into();
        state["links"] = links.into();
        state["deletedAt"] = record.deleted_at_ms.into();
        state["mergedInto"] = record.merged_into.map(|id| id.0).into();
        state["lastSync"] = record.last_sync_ms.into();
        println!("{state}");
        return;
    }
    print_record(record, false);
    for (name, field) in &record.fields {
        let value = field.value.as_deref().unwrap_or("(empty)");
        println!("  {name} = {value}  (changed at {})", field.changed_at_ms);
    }
    for ((object, id), link) in &record.links {
        let present = if link.present {
            "linked to"
        } else {
            "unlinked from"
        };
        println!("  {present} {object} {id}  (at {})", link.changed_at_ms);
    }
    if let Some(at) = record.deleted_at_ms {
        println!("  deleted in HubSpot at {at}");
    }
    if let Some(survivor) = record.merged_into {
        println!("  merged into {survivor}");
    }
    println!(
        "  last sync: {}",
        record
            .last_sync_ms
            .map_or("never".to_owned(), |ms| ms.to_string())
    );
}

fn role_names(record: &DeetoRecord) -> Vec<String> {
    (record.roles.iter())
        .map(|r| serde_json::to_value(r).map(|v| v.as_str().unwrap_or_default().to_owned()))
        .filter_map(Result::ok)
        .collect()
}

fn record_json(record: &DeetoRecord) -> serde_json::Value {
    let key = record.key;
    json!({ "portalId": key.portal.0, "object": key.object.to_string(), "objectId": key.object_id.0,
            "roles": role_names(record), "deetoId": record.deeto_id })
}

fn print_record(record: &DeetoRecord, json: bool) {
    let roles = role_names(record);
    let key = record.key;
    if json {
        println!("{}", record_json(record));
    } else {
        println!(
            "{} {} of portal {}: roles {}, Deeto id {}",
            key.object,
            key.object_id,
            key.portal,
            roles.join(", "),
            record.deeto_id.as_deref().unwrap_or("-")
        );
    }
}
