//! Reading `template.yaml`, CloudFormation tags (`!Ref`, `!GetAtt`, `!Sub`) included.

use std::collections::BTreeMap;
use std::path::Path;

use serde_yaml::Value;

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    #[error("template is not valid YAML: {0}")]
    Yaml(#[from] serde_yaml::Error),
    #[error("template has no Resources section")]
    NoResources,
}

/// One resource: its logical id, CloudFormation type and properties.
#[derive(Debug, Clone)]
pub struct Resource {
    pub logical_id: String,
    pub kind: String,
    pub properties: Value,
}

#[derive(Debug, Clone)]
pub struct Template {
    pub resources: Vec<Resource>,
    /// Parameter defaults (parameters without a default resolve to "").
    pub parameters: BTreeMap<String, String>,
    /// `Globals.Function.Environment.Variables`.
    pub global_env: Value,
}

impl Template {
    pub fn load(path: &Path) -> Result<Self, TemplateError> {
        let raw = std::fs::read_to_string(path)
            .map_err(|e| TemplateError::Read(path.display().to_string(), e))?;
        Self::parse(&raw)
    }

    pub fn parse(raw: &str) -> Result<Self, TemplateError> {
        let doc: Value = serde_yaml::from_str(raw)?;
        let resources = doc
            .get("Resources")
            .and_then(Value::as_mapping)
            .ok_or(TemplateError::NoResources)?
            .iter()
            .filter_map(|(id, body)| {
                Some(Resource {
                    logical_id: id.as_str()?.to_owned(),
                    kind: body.get("Type")?.as_str()?.to_owned(),
                    properties: body.get("Properties").cloned().unwrap_or(Value::Null),
                })
            })
            .collect();
        let parameters = doc
            .get("Parameters")
            .and_then(Value::as_mapping)
            .map(|params| {
                params
                    .iter()
                    .filter_map(|(name, body)| {
                        let default = body.get("Default").map(scalar_string).unwrap_or_default();
                        Some((name.as_str()?.to_owned(), default))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let global_env = doc
            .get("Globals")
            .and_then(|g| g.get("Function"))
            .and_then(|f| f.get("Environment"))
            .and_then(|e| e.get("Variables"))
            .cloned()
            .unwrap_or(Value::Null);
        Ok(Self {
            resources,
            parameters,
            global_env,
        })
    }

    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources.iter().filter(move |r| r.kind == kind)
    }

    pub fn resource(&self, logical_id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.logical_id == logical_id)
    }
}

/// A YAML scalar as CloudFormation would stringify it.
pub fn scalar_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_template_parses_with_its_tags() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../template.yaml");
        let template = Template::load(&path).expect("template.yaml parses");
        assert!(template.of_kind("AWS::SQS::Queue").count() >= 2);
        let receiver = template
            .resource("WebhookReceiverFunction")
            .expect("receiver declared");
        let env = &receiver.properties["Environment"]["Variables"];
        assert!(matches!(&env["SYNC_QUEUE_URL"], Value::Tagged(t) if t.tag == "!Ref"));
        assert_eq!(
            template.parameters.get("LogLevel").map(String::as_str),
            Some("info")
        );
    }
}
