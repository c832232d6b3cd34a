//! Property definitions and groups of one object type, seeded with the HubSpot-defined
//! properties the integration touches, and rendered in the Properties API's `Property` shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::clock::iso;
use crate::object_type::ObjectType;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyOption {
    pub label: String,
    pub value: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub display_order: Option<i64>,
    #[serde(default)]
    pub hidden: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyDef {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub field_type: String,
    pub group_name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub options: Vec<PropertyOption>,
    #[serde(default)]
    pub display_order: Option<i64>,
    #[serde(default)]
    pub has_unique_value: bool,
    #[serde(default)]
    pub hidden: bool,
    #[serde(default)]
    pub form_field: bool,
    #[serde(default)]
    pub external_options: bool,
    #[serde(skip)]
    pub hubspot_defined: bool,
    #[serde(skip)]
    pub read_only_value: bool,
    #[serde(skip)]
    pub created_ms: i64,
}

impl PropertyDef {
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "label": self.label,
            "type": self.kind,
            "fieldType": self.field_type,
            "description": self.description,
            "groupName": self.group_name,
            "options": self.options,
            "displayOrder": self.display_order.unwrap_or(-1),
            "calculated": false,
            "externalOptions": self.external_options,
            "hasUniqueValue": self.has_unique_value,
            "hidden": self.hidden,
            "hubspotDefined": self.hubspot_defined,
            "modificationMetadata": {
                "archivable": !self.hubspot_defined,
                "readOnlyDefinition": self.hubspot_defined,
                "readOnlyValue": self.read_only_value,
            },
            "formField": self.form_field,
            "createdAt": iso(self.created_ms),
            "updatedAt": iso(self.created_ms),
            "archived": false,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyGroup {
    pub name: String,
    pub label: String,
    #[serde(default)]
    pub display_order: Option<i64>,
}

impl PropertyGroup {
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "label": self.label,
            "displayOrder": self.display_order.unwrap_or(-1),
            "archived": false,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct ObjectSchema {
    pub properties: BTreeMap<String, PropertyDef>,
    pub groups: BTreeMap<String, PropertyGroup>,
}

/// The types a property may have, and the field types (Properties spec enums).
pub const PROPERTY_TYPES: [&str; 7] = [
    "bool",
    "date",
    "datetime",
    "enumeration",
    "number",
    "phone_number",
    "string",
];
pub const FIELD_TYPES: [&str; 12] = [
    "booleancheckbox",
    "calculation_equation",
    "checkbox",
    "date",
    "file",
    "html",
    "number",
    "phonenumber",
    "radio",
    "select",
    "text",
    "textarea",
];

/// `(name, type, fieldType, read-only value)` of the HubSpot-defined properties we model.
fn builtin(object: ObjectType) -> Vec<(&'static str, &'static str, &'static str, bool)> {
    let mut list = vec![
        ("hs_object_id", "number", "number", true),
        ("createdate", "datetime", "date", false),
        ("hubspot_owner_id", "enumeration", "select", false),
        ("hs_merged_object_ids", "enumeration", "checkbox", true),
        (object.modified_property(), "datetime", "date", true),
    ];
    list.extend(match object {
        ObjectType::Contacts => vec![
            ("email", "string", "text", false),
            ("firstname", "string", "text", false),
            ("lastname", "string", "text", false),
            ("phone", "string", "phonenumber", false),
            ("company", "string", "text", false),
            ("jobtitle", "string", "text", false),
            ("lifecyclestage", "enumeration", "radio", false),
            ("hs_lastmodifieddate", "datetime", "date", true),
        ],
        ObjectType::Companies => vec![
            ("name", "string", "text", false),
            ("domain", "string", "text", false),
            ("industry", "enumeration", "select", false),
            ("phone", "string", "phonenumber", false),
            ("city", "string", "text", false),
            ("country", "string", "text", false),
            ("numberofemployees", "number", "number", false),
            ("annualrevenue", "number", "number", false),
        ],
        ObjectType::Deals => vec![
            ("dealname", "string", "text", false),
            ("amount", "number", "number", false),
            ("dealstage", "enumeration", "radio", false),
            ("pipeline", "enumeration", "select", false),
            ("closedate", "datetime", "date", false),
        ],
        ObjectType::Tickets => vec![
            ("subject", "string", "text", false),
            ("content", "string", "textarea", false),
            ("hs_pipeline", "enumeration", "select", false),
            ("hs_pipeline_stage", "enumeration", "radio", false),
            ("hs_ticket_priority", "enumeration", "select", false),
            ("hs_ticket_category", "enumeration", "checkbox", false),
        ],
    });
    list
}

/// Properties returned when a request names none (the objects spec's table).
pub fn default_properties(object: ObjectType) -> &'static [&'static str] {
    match object {
        ObjectType::Contacts => &[
            "createdate",
            "email",
            "firstname",
            "hs_object_id",
            "lastmodifieddate",
            "lastname",
        ],
        ObjectType::Companies => &[
            "createdate",
            "domain",
            "hs_lastmodifieddate",
            "hs_object_id",
            "name",
        ],
        ObjectType::Deals => &[
            "amount",
            "closedate",
            "createdate",
            "dealname",
            "dealstage",
            "hs_lastmodifieddate",
            "hs_object_id",
            "pipeline",
        ],
        ObjectType::Tickets => &[
            "content",
            "createdate",
            "hs_lastmodifieddate",
            "hs_object_id",
            "hs_pipeline",
            "hs_pipeline_stage",
            "hs_ticket_category",
            "hs_ticket_priority",
            "subject",
        ],
    }
}

pub fn default_schema(object: ObjectType, now_ms: i64) -> ObjectSchema {
    let group = format!("{}information", object.singular());
    let mut schema = ObjectSchema::default();
    schema.groups.insert(
        group.clone(),
        PropertyGroup {
            name: group.clone(),
            label: format!("{} information", object.singular()),
            display_order: Some(0),
        },
    );
    for (name, kind, field_type, read_only) in builtin(object) {
        let def = PropertyDef {
            name: name.into(),
            label: name.into(),
            kind: kind.into(),
            field_type: field_type.into(),
            group_name: group.clone(),
            description: String::new(),
            options: lifecycle_options(name),
            display_order: None,
            has_unique_value: object == ObjectType::Contacts && name == "email",
            hidden: false,
            form_field: false,
            external_options: false,
            hubspot_defined: true,
            read_only_value: read_only,
            created_ms: now_ms,
        };
        schema.properties.insert(name.into(), def);
    }
    schema
}

fn lifecycle_options(name: &str) -> Vec<PropertyOption> {
    if name != "lifecyclestage" {
        return Vec::new();
    }
    [
        "subscriber",
        "lead",
        "marketingqualifiedlead",
        "salesqualifiedlead",
        "opportunity",
        "customer",
        "evangelist",
        "other",
    ]
    .iter()
    .enumerate()
    .map(|(i, v)| PropertyOption {
        label: (*v).into(),
        value: (*v).into(),
        description: None,
        display_order: Some(i as i64),
        hidden: false,
    })
    .collect()
}
