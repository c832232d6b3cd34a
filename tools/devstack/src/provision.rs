//! Creates the template's queues, tables and secrets on a local AWS emulator (moto), and
//! resolves a function's environment variables against them as CloudFormation would.

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use serde_yaml::Value;

use crate::template::{Resource, Template, scalar_string};

mod resources;

/// What a logical id became locally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Physical {
    /// What `!Ref` returns (queue URL, table name, secret ARN).
    pub reference: String,
    /// `!GetAtt` attributes (`Arn`, `QueueName`, `QueueUrl`, ...).
    pub attributes: BTreeMap<String, String>,
}

/// Every created resource by logical id, plus the parameters in force.
#[derive(Debug, Clone, Default)]
pub struct Provisioned {
    pub resources: BTreeMap<String, Physical>,
    pub parameters: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("{resource}: {message}")]
    Resource { resource: String, message: String },
    #[error("function {0} is not in the template")]
    UnknownFunction(String),
}

/// Options for [`provision`].
#[derive(Debug, Clone, Default)]
pub struct ProvisionOptions {
    /// Prepended to every physical name so parallel tests do not share resources.
    pub prefix: String,
    /// The value stored in every secret (instead of a generated one), e.g. the local app credentials.
    pub secret_value: Option<String>,
    /// Parameter values overriding the template's defaults.
    pub parameters: BTreeMap<String, String>,
}

/// Creates every supported resource of the template (idempotently) and returns where they are.
pub async fn provision(
    sdk: &SdkConfig,
    template: &Template,
    options: &ProvisionOptions,
) -> Result<Provisioned, ProvisionError> {
    let mut parameters = template.parameters.clone();
    parameters.extend(options.parameters.clone());
    let mut out = Provisioned {
        resources: BTreeMap::new(),
        parameters,
    };
    // Dead-letter queues first: other queues' redrive policies name their ARNs.
    let mut queues: Vec<&Resource> = template.of_kind("AWS::SQS::Queue").collect();
    queues.sort_by_key(|q| q.properties.get("RedrivePolicy").is_some());
    let sqs = aws_sdk_sqs::Client::new(sdk);
    for queue in queues {
        let physical = resources::create_queue(&sqs, queue, &options.prefix, &out).await?;
        out.resources.insert(queue.logical_id.clone(), physical);
    }
    let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
    for table in template.of_kind("AWS::DynamoDB::Table") {
        let physical = resources::create_table(&dynamodb, table, &options.prefix).await?;
        out.resources.insert(table.logical_id.clone(), physical);
    }
    let secrets = aws_sdk_secretsmanager::Client::new(sdk);
    for secret in template.of_kind("AWS::SecretsManager::Secret") {
        let physical = resources::create_secret(
            &secrets,
            secret,
            &options.prefix,
            options.secret_value.as_deref(),
        )
        .await?;
        out.resources.insert(secret.logical_id.clone(), physical);
    }
    Ok(out)
}

impl Provisioned {
    /// The environment a function gets: `Globals` variables, then its own, with intrinsic
    /// functions resolved against the local resources.
    pub fn function_env(
        &self,
        template: &Template,
        function: &str,
    ) -> Result<BTreeMap<String, String>, ProvisionError> {
        let resource = template
            .resource(function)
            .ok_or_else(|| ProvisionError::UnknownFunction(function.to_owned()))?;
        let mut env = BTreeMap::new();
        for vars in [
            &template.global_env,
            &resource.properties["Environment"]["Variables"],
        ] {
            if let Some(map) = vars.as_mapping() {
                for (name, value) in map {
                    env.insert(scalar_string(name), self.resolve(value));
                }
            }
        }
        Ok(env)
    }

    /// `!Ref`, `!GetAtt` and `!Sub` against local resources and parameters.
    pub fn resolve(&self, value: &Value) -> String {
        let Value::Tagged(tagged) = value else {
            return scalar_string(value);
        };
        let arg = scalar_string(&tagged.value);
        match tagged.tag.to_string().as_str() {
            "!Ref" => self.reference(&arg),
            "!GetAtt" => self.attribute(&arg),
            "!Sub" => self.substitute(&arg),
            _ => String::new(),
        }
    }

    fn reference(&self, name: &str) -> String {
        if let Some(value) = self.parameters.get(name) {
            return value.clone();
        }
        match name {
            "AWS::Region" => std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into()),
            "AWS::URLSuffix" => "amazonaws.com".into(),
            "AWS::StackName" => "deeto-hubspot-local".into(),
            "AWS::AccountId" => "123456789012".into(),
            "AWS::Partition" => "aws".into(),
            _ => self
                .resources
                .get(name)
                .map(|r| r.reference.clone())
                .unwrap_or_default(),
        }
    }

    fn attribute(&self, path: &str) -> String {
        let (id, attr) = path.split_once('.').unwrap_or((path, ""));
        self.resources
            .get(id)
            .and_then(|r| r.attributes.get(attr))
            .cloned()
            .unwrap_or_default()
    }

    fn substitute(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let Some(end) = rest[start..].find('}') else {
                break;
            };
            let name = &rest[start + 2..start + end];
            out.push_str(&if name.contains('.') {
                self.attribute(name)
            } else {
                self.reference(name)
            });
            rest = &rest[start + end + 1..];
        }
        out.push_str(rest);
        out
    }
}
