//! The `daily-reconcile` function's configuration.

use super::sections::check_aws;
use super::{ConfigError, Env};

#[derive(Debug, Clone)]
pub struct DailyReconcileConfig {
    /// `TABLE_NAME`: the single DynamoDB table (tenants and the runs' checkpoints).
    pub table_name: String,
    /// `SYNC_QUEUE_URL`: where each portal's first page goes; the sync worker works it.
    pub sync_queue_url: String,
}

impl DailyReconcileConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(Env::from_process())
    }

    pub fn read(mut env: Env) -> Result<Self, ConfigError> {
        check_aws(&mut env);
        let table_name = env.required("TABLE_NAME", "the DynamoDB table (tenants, checkpoints)");
        let sync_queue_url = env.required(
            "SYNC_QUEUE_URL",
            "the SQS queue URL the reconcile's pages are sent to",
        );
        env.finish(Self {
            table_name,
            sync_queue_url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_missing_variable_is_named_at_once() {
        let err = DailyReconcileConfig::read(Env::from_pairs([("AWS_REGION", "eu-west-1")]))
            .expect_err("incomplete");
        let text = err.to_string();
        assert!(
            text.contains("TABLE_NAME") && text.contains("SYNC_QUEUE_URL"),
            "{text}"
        );
    }
}
