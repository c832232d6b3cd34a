//! The configuration of the functions that only put work on the sync queue for the tenants in
//! the table: `deeto-events` (Deeto's commands) and `daily-reconcile` (each portal's first
//! page).

use super::sections::check_aws;
use super::{ConfigError, Env};

#[derive(Debug, Clone)]
pub struct SyncQueueProducerConfig {
    /// `TABLE_NAME`: the single DynamoDB table (tenants, licence keys, reconcile checkpoints).
    pub table_name: String,
    /// `SYNC_QUEUE_URL`: where the work goes.
    pub sync_queue_url: String,
}

/// `deeto-events`: accepted commands go on the sync queue.
pub type DeetoEventsConfig = SyncQueueProducerConfig;
/// `daily-reconcile`: each portal's first page goes on the sync queue.
pub type DailyReconcileConfig = SyncQueueProducerConfig;

impl SyncQueueProducerConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(Env::from_process())
    }

    pub fn read(mut env: Env) -> Result<Self, ConfigError> {
        check_aws(&mut env);
        let table_name = env.required("TABLE_NAME", "the DynamoDB table holding the tenants");
        let sync_queue_url = env.required(
            "SYNC_QUEUE_URL",
            "the SQS queue URL commands and reconcile pages are sent to",
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
    fn every_missing_variable_is_listed_at_once() {
        let err = DeetoEventsConfig::read(Env::from_pairs([("AWS_ENDPOINT_URL", "not a url")]))
            .expect_err("incomplete");
        let text = err.to_string();
        for name in [
            "AWS_REGION",
            "AWS_ENDPOINT_URL",
            "TABLE_NAME",
            "SYNC_QUEUE_URL",
        ] {
            assert!(text.contains(name), "{name} missing from: {text}");
        }
        assert_eq!(err.problems.len(), 4);
    }

    #[test]
    fn a_complete_environment_reads() {
        let env = Env::from_pairs([
            ("AWS_REGION", "eu-west-1"),
            ("TABLE_NAME", "deeto-hubspot"),
            ("SYNC_QUEUE_URL", "http://127.0.0.1:5000/123/sync"),
        ]);
        let config = DeetoEventsConfig::read(env).expect("valid");
        assert_eq!(config.table_name, "deeto-hubspot");
        assert_eq!(config.sync_queue_url, "http://127.0.0.1:5000/123/sync");
    }
}
