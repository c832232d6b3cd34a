//! Property and property-group writes on a portal (the Properties API's create calls).

use super::portal::Portal;
use super::schema::{FIELD_TYPES, ObjectSchema, PROPERTY_TYPES, PropertyDef, PropertyGroup};
use crate::error::{ApiError, ApiResult};
use crate::object_type::ObjectType;

impl Portal {
    pub fn create_property(
        &mut self,
        object: ObjectType,
        mut def: PropertyDef,
    ) -> ApiResult<PropertyDef> {
        let schema = self.schema(object);
        let problems = definition_problems(&def, schema);
        if !problems.is_empty() {
            return Err(ApiError::validation(problems.join("; ")));
        }
        if schema.properties.contains_key(&def.name) {
            return Err(ApiError::conflict(
                "OBJECT_ALREADY_EXISTS",
                format!("Property named '{}' already exists.", def.name),
            )
            .with_sub_category("PropertyValidationError.PROPERTY_EXISTS"));
        }
        def.created_ms = self.ctx.now_ms;
        def.hubspot_defined = false;
        def.read_only_value = false;
        if def.has_unique_value {
            self.table_mut(object).add_index(&def.name);
        }
        self.schemas
            .entry(object)
            .or_default()
            .properties
            .insert(def.name.clone(), def.clone());
        Ok(def)
    }

    pub fn create_group(
        &mut self,
        object: ObjectType,
        group: PropertyGroup,
    ) -> ApiResult<PropertyGroup> {
        if group.name.is_empty() || group.label.is_empty() {
            return Err(ApiError::validation("name and label are required"));
        }
        let schema = self.schemas.entry(object).or_default();
        if schema.groups.contains_key(&group.name) {
            return Err(ApiError::conflict(
                "OBJECT_ALREADY_EXISTS",
                format!("A property group named '{}' already exists.", group.name),
            )
            .with_sub_category("PropertyGroupError.GROUP_EXISTS"));
        }
        schema.groups.insert(group.name.clone(), group.clone());
        Ok(group)
    }
}

/// What HubSpot's Properties API refuses in a new definition.
fn definition_problems(def: &PropertyDef, schema: &ObjectSchema) -> Vec<String> {
    let mut problems = Vec::new();
    if def.name.is_empty()
        || !def
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        problems.push(format!(
            "name {:?} must be lowercase letters, digits and underscores",
            def.name
        ));
    }
    if !PROPERTY_TYPES.contains(&def.kind.as_str()) {
        problems.push(format!(
            "type {:?} is not one of {PROPERTY_TYPES:?}",
            def.kind
        ));
    }
    if !FIELD_TYPES.contains(&def.field_type.as_str()) {
        problems.push(format!(
            "fieldType {:?} is not one of {FIELD_TYPES:?}",
            def.field_type
        ));
    }
    if !schema.groups.contains_key(&def.group_name) {
        problems.push(format!("group {:?} does not exist", def.group_name));
    }
    if def.kind == "enumeration" && def.options.is_empty() && def.field_type != "booleancheckbox" {
        problems.push("an enumeration property needs options".into());
    }
    problems
}
