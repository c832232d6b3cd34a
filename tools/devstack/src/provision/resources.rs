//! One function per resource type: create it on the emulator, idempotently.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    TimeToLiveSpecification,
};
use aws_sdk_sqs::types::QueueAttributeName;
use serde_yaml::Value;

use super::{Physical, ProvisionError, Provisioned};
use crate::template::{Resource, scalar_string};

fn failure(resource: &Resource, err: impl std::fmt::Debug) -> ProvisionError {
    ProvisionError::Resource {
        resource: resource.logical_id.clone(),
        message: format!("{err:?}"),
    }
}

pub(super) async fn create_queue(
    sqs: &aws_sdk_sqs::Client,
    queue: &Resource,
    prefix: &str,
    done: &Provisioned,
) -> Result<Physical, ProvisionError> {
    let name = format!("{prefix}{}", queue.logical_id);
    let mut request = sqs.create_queue().queue_name(&name);
    for (key, attribute) in [
        ("VisibilityTimeout", QueueAttributeName::VisibilityTimeout),
        (
            "MessageRetentionPeriod",
            QueueAttributeName::MessageRetentionPeriod,
        ),
        (
            "SqsManagedSseEnabled",
            QueueAttributeName::SqsManagedSseEnabled,
        ),
    ] {
        if let Some(value) = queue.properties.get(key) {
            request = request.attributes(attribute, scalar_string(value));
        }
    }
    if let Some(redrive) = queue.properties.get("RedrivePolicy") {
        let target = done.resolve(&redrive["deadLetterTargetArn"]);
        let max = scalar_string(&redrive["maxReceiveCount"]);
        let policy = serde_json::json!({ "deadLetterTargetArn": target, "maxReceiveCount": max });
        request = request.attributes(QueueAttributeName::RedrivePolicy, policy.to_string());
    }
    let url = request
        .send()
        .await
        .map_err(|e| failure(queue, e))?
        .queue_url
        .unwrap_or_default();
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(|e| failure(queue, e))?;
    let arn = attributes
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn))
        .cloned()
        .unwrap_or_default();
    Ok(Physical {
        reference: url.clone(),
        attributes: BTreeMap::from([
            ("Arn".into(), arn),
            ("QueueName".into(), name),
            ("QueueUrl".into(), url),
        ]),
    })
}

pub(super) async fn create_table(
    db: &aws_sdk_dynamodb::Client,
    table: &Resource,
    prefix: &str,
) -> Result<Physical, ProvisionError> {
    let name = format!("{prefix}{}", table.logical_id);
    let props = &table.properties;
    let mut request = db
        .create_table()
        .table_name(&name)
        .billing_mode(BillingMode::PayPerRequest);
    for def in props["AttributeDefinitions"]
        .as_sequence()
        .into_iter()
        .flatten()
    {
        let definition = AttributeDefinition::builder()
            .attribute_name(scalar_string(&def["AttributeName"]))
            .attribute_type(ScalarAttributeType::from(
                scalar_string(&def["AttributeType"]).as_str(),
            ))
            .build()
            .map_err(|e| failure(table, e))?;
        request = request.attribute_definitions(definition);
    }
    for key in props["KeySchema"].as_sequence().into_iter().flatten() {
        let element = KeySchemaElement::builder()
            .attribute_name(scalar_string(&key["AttributeName"]))
            .key_type(KeyType::from(scalar_string(&key["KeyType"]).as_str()))
            .build()
            .map_err(|e| failure(table, e))?;
        request = request.key_schema(element);
    }
    match request.send().await {
        Ok(_) => {}
        Err(err) if format!("{err:?}").contains("ResourceInUseException") => {}
        Err(err) => return Err(failure(table, err)),
    }
    if let Value::Mapping(ttl) = &props["TimeToLiveSpecification"] {
        let attribute = scalar_string(ttl.get("AttributeName").unwrap_or(&Value::Null));
        let spec = TimeToLiveSpecification::builder()
            .attribute_name(attribute)
            .enabled(true)
            .build()
            .map_err(|e| failure(table, e))?;
        db.update_time_to_live()
            .table_name(&name)
            .time_to_live_specification(spec)
            .send()
            .await
            .map_err(|e| failure(table, e))?;
    }
    let arn = format!("arn:aws:dynamodb:local:000000000000:table/{name}");
    Ok(Physical {
        reference: name,
        attributes: BTreeMap::from([("Arn".into(), arn)]),
    })
}

pub(super) async fn create_secret(
    sm: &aws_sdk_secretsmanager::Client,
    secret: &Resource,
    prefix: &str,
    value: Option<&str>,
) -> Result<Physical, ProvisionError> {
    let name = format!("{prefix}{}", secret.logical_id);
    let value = value
        .map(str::to_owned)
        .unwrap_or_else(|| generated_value(&secret.properties));
    let arn = match sm
        .create_secret()
        .name(&name)
        .secret_string(&value)
        .send()
        .await
    {
        Ok(out) => out.arn.unwrap_or_default(),
        Err(err) if format!("{err:?}").contains("ResourceExistsException") => sm
            .put_secret_value()
            .secret_id(&name)
            .secret_string(&value)
            .send()
            .await
            .map_err(|e| failure(secret, e))?
            .arn
            .unwrap_or_default(),
        Err(err) => return Err(failure(secret, err)),
    };
    Ok(Physical {
        reference: arn.clone(),
        attributes: BTreeMap::from([("Arn".into(), arn), ("Name".into(), name)]),
    })
}

/// What `GenerateSecretString` would store: the template JSON plus the generated key.
fn generated_value(props: &Value) -> String {
    let generate = &props["GenerateSecretString"];
    let mut object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&scalar_string(&generate["SecretStringTemplate"])).unwrap_or_default();
    let key = scalar_string(&generate["GenerateStringKey"]);
    if !key.is_empty() {
        object.insert(
            key,
            serde_json::Value::String(format!("local-{}", std::process::id())),
        );
    }
    serde_json::Value::Object(object).to_string()
}
