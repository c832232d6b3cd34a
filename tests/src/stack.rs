//! A private copy of the template's resources on moto for one test.

use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use devstack::Template;
use devstack::provision::{ProvisionOptions, Provisioned};
use serde_json::Value;

use crate::{LOCAL_CLIENT_SECRET, repo_root};

/// The template's queues, table and secret, under a unique prefix.
#[derive(Debug)]
pub struct TestStack {
    pub sdk: SdkConfig,
    pub template: Template,
    pub provisioned: Provisioned,
    pub sqs: aws_sdk_sqs::Client,
}

impl TestStack {
    /// Provisions a fresh stack. Panics with instructions when moto is not running.
    pub async fn new() -> Self {
        let endpoint = std::env::var("AWS_ENDPOINT_URL").unwrap_or_default();
        assert!(
            endpoint.starts_with("http://127.0.0.1"),
            "AWS_ENDPOINT_URL must point at the local moto server; run the tests with `make test` (scripts/test.sh)"
        );
        let sdk = common::adapters::aws::load_sdk_config().await;
        let template =
            Template::load(&repo_root().join("template.yaml")).expect("template.yaml loads");
        let options = ProvisionOptions {
            prefix: format!("t{}-", &uuid::Uuid::new_v4().simple().to_string()[..10]),
            secret_value: Some(format!(
                r#"{{"client_id":"local-client","client_secret":"{LOCAL_CLIENT_SECRET}"}}"#
            )),
            ..ProvisionOptions::default()
        };
        let provisioned = devstack::provision(&sdk, &template, &options)
            .await
            .expect("resources created on moto");
        let sqs = aws_sdk_sqs::Client::new(&sdk);
        Self {
            sdk,
            template,
            provisioned,
            sqs,
        }
    }

    /// A tenant (licence hash `hash`) whose portal is installed and connected, as the install
    /// leaves it in DynamoDB.
    pub async fn connect_tenant(&self, tenant: &str, portal: u64) {
        use common::ports::TenantStore;
        let tenants = common::adapters::dynamodb::tenants::DynamoTenantStore::new(
            aws_sdk_dynamodb::Client::new(&self.sdk),
            self.reference("Table"),
        );
        let tenant = common::ports::Tenant::pending(
            common::domain::ids::TenantId(tenant.to_owned()),
            tenant,
        );
        tenants
            .create_tenant(&tenant, "hash")
            .await
            .expect("tenant created");
        let portal = common::domain::ids::PortalId(portal);
        tenants
            .bind_portal(&tenant.id, portal, &[], crate::now_ms())
            .await
            .expect("portal bound");
    }

    /// What `!Ref LogicalId` is locally.
    pub fn reference(&self, logical_id: &str) -> String {
        self.provisioned
            .resources
            .get(logical_id)
            .map(|r| r.reference.clone())
            .unwrap_or_else(|| panic!("{logical_id} not provisioned"))
    }

    /// A function's environment as the template declares it, plus what a local process needs
    /// to reach moto. Token secrets get this stack's own prefix: the template's is the same for
    /// every local stack, and tests running at once on one moto must not share a portal's token.
    pub fn function_env(&self, function: &str) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = self
            .provisioned
            .function_env(&self.template, function)
            .expect("function in template")
            .into_iter()
            .map(|(name, value)| match name.as_str() {
                "TOKEN_SECRET_PREFIX" => (name, self.token_secret_prefix()),
                _ => (name, value),
            })
            .collect();
        for name in [
            "AWS_ENDPOINT_URL",
            "AWS_REGION",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
        ] {
            env.push((
                name.into(),
                std::env::var(name).unwrap_or_else(|_| "testing".into()),
            ));
        }
        env.push(("AWS_EC2_METADATA_DISABLED".into(), "true".into()));
        env
    }

    /// Where this stack's functions keep per-portal token secrets.
    pub fn token_secret_prefix(&self) -> String {
        format!("{}/hubspot/portal/", self.reference("Table"))
    }

    /// Receives (and deletes) messages until `expected` arrived or `timeout` passed.
    pub async fn receive(&self, queue_url: &str, expected: usize, timeout: Duration) -> Vec<Value> {
        let started = Instant::now();
        let mut bodies = Vec::new();
        while bodies.len() < expected && started.elapsed() < timeout {
            let out = self
                .sqs
                .receive_message()
                .queue_url(queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await
                .expect("ReceiveMessage");
            for message in out.messages() {
                bodies.push(
                    serde_json::from_str(message.body().unwrap_or("null")).expect("JSON message"),
                );
                if let Some(handle) = message.receipt_handle() {
                    self.sqs
                        .delete_message()
                        .queue_url(queue_url)
                        .receipt_handle(handle)
                        .send()
                        .await
                        .expect("DeleteMessage");
                }
            }
        }
        bodies
    }
}
