//! The property checks HubSpot makes on every write: unknown properties, read-only values,
//! enumeration options, ticket pipeline stages. Errors come back in HubSpot's own
//! "Property values were not valid: [...]" message.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::pipelines::Pipeline;
use super::schema::ObjectSchema;
use super::table::Record;
use crate::error::{ApiError, ApiResult};
use crate::object_type::ObjectType;

#[derive(Debug)]
pub struct WriteCheck<'a> {
    pub object: ObjectType,
    pub schema: &'a ObjectSchema,
    pub pipelines: &'a [Pipeline],
    /// The record being updated; `None` on create.
    pub current: Option<&'a Record>,
}

impl WriteCheck<'_> {
    pub fn check(&self, props: &BTreeMap<String, String>) -> ApiResult<()> {
        let mut problems = Vec::new();
        for (name, value) in props {
            if let Some(problem) = self.check_one(name, value) {
                problems.push(problem);
            }
        }
        if let Some(problem) = self.check_stage(props) {
            problems.push(problem);
        }
        if problems.is_empty() {
            return Ok(());
        }
        let listed = serde_json::to_string(&problems).unwrap_or_default();
        let errors = problems
            .iter()
            .map(|p| json!({ "message": p["message"], "code": p["error"], "in": p["name"] }))
            .collect();
        Err(
            ApiError::validation(format!("Property values were not valid: {listed}"))
                .with_errors(errors),
        )
    }

    fn check_one(&self, name: &str, value: &str) -> Option<Value> {
        let Some(def) = self.schema.properties.get(name) else {
            return Some(problem(
                name,
                "PROPERTY_DOESNT_EXIST",
                format!("Property \"{name}\" does not exist"),
            ));
        };
        if def.read_only_value {
            return Some(problem(
                name,
                "READ_ONLY_VALUE",
                format!("{name} is a read only property; its value cannot be set."),
            ));
        }
        let pipeline_bound = matches!(
            name,
            "hs_pipeline" | "hs_pipeline_stage" | "pipeline" | "dealstage"
        );
        if def.kind == "enumeration"
            && !def.options.is_empty()
            && !value.is_empty()
            && !pipeline_bound
        {
            let allowed: Vec<&str> = def.options.iter().map(|o| o.value.as_str()).collect();
            let chosen = if def.field_type == "checkbox" {
                value.split(';').collect()
            } else {
                vec![value]
            };
            if let Some(bad) = chosen.into_iter().find(|v| !allowed.contains(v)) {
                let message = format!(
                    "{bad} was not one of the allowed options: [{}]",
                    allowed.join(", ")
                );
                return Some(problem(name, "INVALID_OPTION", message));
            }
        }
        None
    }

    /// Tickets: the stage must exist in the (given or current, else default) pipeline.
    fn check_stage(&self, props: &BTreeMap<String, String>) -> Option<Value> {
        if self.object != ObjectType::Tickets {
            return None;
        }
        let current = |name: &str| self.current.and_then(|r| r.get(name)).map(str::to_string);
        let pipeline_id = props
            .get("hs_pipeline")
            .cloned()
            .or_else(|| current("hs_pipeline"))
            .unwrap_or_else(|| "0".into());
        let Some(pipeline) = self.pipelines.iter().find(|p| p.id == pipeline_id) else {
            let message = format!("{pipeline_id} was not one of the allowed options");
            return Some(problem("hs_pipeline", "INVALID_OPTION", message));
        };
        let stage = props
            .get("hs_pipeline_stage")
            .cloned()
            .or_else(|| current("hs_pipeline_stage"));
        match stage {
            None => Some(problem(
                "hs_pipeline_stage",
                "REQUIRED_PROPERTY",
                "hs_pipeline_stage is required".into(),
            )),
            Some(stage) if pipeline.stage(&stage).is_none() => {
                let ids: Vec<&str> = pipeline.stages.iter().map(|s| s.id.as_str()).collect();
                let message = format!(
                    "{stage} was not one of the allowed options: [{}]",
                    ids.join(", ")
                );
                Some(problem("hs_pipeline_stage", "INVALID_OPTION", message))
            }
            Some(_) => None,
        }
    }
}

fn problem(name: &str, code: &str, message: String) -> Value {
    json!({
        "isValid": false,
        "message": message,
        "error": code,
        "name": name,
        "localizedErrorMessage": message,
    })
}
