//! The `sync-worker` function's configuration.

use super::{ConfigError, Env, HubSpotAccess};

#[derive(Debug, Clone)]
pub struct SyncWorkerConfig {
    pub access: HubSpotAccess,
    /// `OUTBOUND_QUEUE_URL`: the Deeto platform's inbox.
    pub outbound_queue_url: String,
    /// `SYNC_DEAD_LETTER_QUEUE_URL`: where messages that cannot succeed go at once, with why.
    pub dead_letter_queue_url: String,
    /// `SYNC_QUEUE_URL`: the worker's own queue, where each reconcile page queues the next.
    pub sync_queue_url: String,
    /// `AWS_LAMBDA_FUNCTION_TIMEOUT` (seconds), which SAM local sets and Lambda does not: the
    /// time an invocation may take when the runtime gives no usable deadline (local emulators),
    /// so a local run stops where the deployed function would. `None`: run unbounded there.
    pub local_timeout: Option<std::time::Duration>,
}

impl SyncWorkerConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(Env::from_process())
    }

    pub fn read(mut env: Env) -> Result<Self, ConfigError> {
        let access = HubSpotAccess::read(&mut env);
        let outbound_queue_url = env.required("OUTBOUND_QUEUE_URL", "the Deeto platform's inbox");
        let dead_letter_queue_url = env.required(
            "SYNC_DEAD_LETTER_QUEUE_URL",
            "the sync queue's dead-letter queue",
        );
        let sync_queue_url = env.required(
            "SYNC_QUEUE_URL",
            "the sync queue (daily reconcile pages queue their successor)",
        );
        let local_timeout =
            env.optional("AWS_LAMBDA_FUNCTION_TIMEOUT")
                .and_then(|raw| match raw.parse::<u64>() {
                    Ok(secs) if secs > 0 => Some(std::time::Duration::from_secs(secs)),
                    _ => {
                        env.problem(format!(
                        "AWS_LAMBDA_FUNCTION_TIMEOUT is not a positive number of seconds: {raw:?}"
                    ));
                        None
                    }
                });
        env.finish(Self {
            access,
            outbound_queue_url,
            dead_letter_queue_url,
            sync_queue_url,
            local_timeout,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_missing_variable_is_named_at_once() {
        let err = SyncWorkerConfig::read(Env::from_pairs([("AWS_REGION", "eu-west-1")]))
            .expect_err("incomplete");
        let text = err.to_string();
        for name in [
            "TABLE_NAME",
            "TOKEN_SECRET_PREFIX",
            "HUBSPOT_APP_SECRET_ID",
            "OUTBOUND_QUEUE_URL",
            "SYNC_DEAD_LETTER_QUEUE_URL",
            "SYNC_QUEUE_URL",
        ] {
            assert!(text.contains(name), "{text}");
        }
    }

    /// Every required variable, set.
    const COMPLETE: [(&str, &str); 7] = [
        ("AWS_REGION", "eu-west-1"),
        ("TABLE_NAME", "t"),
        ("TOKEN_SECRET_PREFIX", "p/"),
        ("HUBSPOT_APP_SECRET_ID", "app"),
        ("OUTBOUND_QUEUE_URL", "http://127.0.0.1:5000/1/out"),
        ("SYNC_DEAD_LETTER_QUEUE_URL", "http://127.0.0.1:5000/1/dlq"),
        ("SYNC_QUEUE_URL", "http://127.0.0.1:5000/1/sync"),
    ];

    #[test]
    fn a_complete_environment_is_accepted() {
        let config = SyncWorkerConfig::read(Env::from_pairs(COMPLETE)).expect("valid");

        assert_eq!(config.access.table_name, "t");
        assert_eq!(config.outbound_queue_url, "http://127.0.0.1:5000/1/out");
        assert_eq!(config.local_timeout, None);
    }

    #[test]
    fn a_local_function_timeout_is_read_in_seconds_and_a_bad_one_named() {
        let with = |value| {
            let mut pairs = COMPLETE.to_vec();
            pairs.push(("AWS_LAMBDA_FUNCTION_TIMEOUT", value));
            SyncWorkerConfig::read(Env::from_pairs(pairs))
        };
        let config = with("30").expect("valid");
        assert_eq!(
            config.local_timeout,
            Some(std::time::Duration::from_secs(30))
        );
        for bad in ["0", "thirty", "-5"] {
            let err = with(bad).expect_err("invalid");
            assert!(
                err.to_string().contains("AWS_LAMBDA_FUNCTION_TIMEOUT"),
                "{err}"
            );
        }
    }
}
