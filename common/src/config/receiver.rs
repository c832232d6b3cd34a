//! The webhook receiver's configuration.

use url::Url;

use super::sections::check_aws;
use super::{AppSecretSource, ConfigError, Env, HubSpotEndpoints};

#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    /// `SYNC_QUEUE_URL`: where verified events go.
    pub sync_queue_url: String,
    pub app_secret: AppSecretSource,
    /// `PUBLIC_BASE_URL`: the public URL prefix HubSpot calls (custom domain, CDN, local
    /// emulator). Unset: the signed URI is rebuilt from the request's Host and raw path.
    pub public_base_url: Option<Url>,
    pub hubspot: HubSpotEndpoints,
}

impl ReceiverConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(Env::from_process())
    }

    pub fn read(mut env: Env) -> Result<Self, ConfigError> {
        check_aws(&mut env);
        let sync_queue_url = env.required(
            "SYNC_QUEUE_URL",
            "the SQS queue URL verified webhook events are sent to",
        );
        let app_secret = AppSecretSource::read(&mut env);
        let public_base_url = env.optional_url("PUBLIC_BASE_URL");
        if let Some(url) = &public_base_url
            && (url.query().is_some() || url.fragment().is_some())
        {
            env.problem("PUBLIC_BASE_URL must not have a query or fragment");
        }
        let hubspot = HubSpotEndpoints::read(&mut env);
        env.finish(Self {
            sync_queue_url,
            app_secret,
            public_base_url,
            hubspot,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_reported_at_once() {
        let env = Env::from_pairs([
            ("HUBSPOT_API_BASE", "not a url"),
            ("PUBLIC_BASE_URL", "ftp://x"),
        ]);
        let err = ReceiverConfig::read(env).expect_err("invalid");
        let text = err.to_string();
        for name in [
            "AWS_REGION",
            "SYNC_QUEUE_URL",
            "HUBSPOT_APP_SECRET_ID",
            "HUBSPOT_API_BASE",
            "PUBLIC_BASE_URL",
        ] {
            assert!(text.contains(name), "{name} missing from: {text}");
        }
        assert_eq!(err.problems.len(), 5);
    }

    #[test]
    fn a_complete_environment_reads_with_defaults() {
        let env = Env::from_pairs([
            ("AWS_REGION", "eu-west-1"),
            ("SYNC_QUEUE_URL", "http://127.0.0.1:5000/123/sync"),
            ("HUBSPOT_APP_SECRET_ID", "deeto/hubspot-app"),
        ]);
        let config = ReceiverConfig::read(env).expect("valid");
        assert_eq!(config.hubspot.api_base.as_str(), "https://api.hubapi.com/");
        assert!(
            matches!(config.app_secret, AppSecretSource::SecretsManager(ref id) if id == "deeto/hubspot-app")
        );
        assert!(config.public_base_url.is_none());
    }

    #[test]
    fn a_local_client_secret_overrides_the_secret_id() {
        let env = Env::from_pairs([
            ("AWS_REGION", "eu-west-1"),
            ("SYNC_QUEUE_URL", "q"),
            ("HUBSPOT_CLIENT_SECRET", "local-secret"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            (
                "PUBLIC_BASE_URL",
                "http://127.0.0.1:9000/lambda-url/webhook-receiver",
            ),
        ]);
        let config = ReceiverConfig::read(env).expect("valid");
        assert!(matches!(config.app_secret, AppSecretSource::Override(_)));
        assert!(config.public_base_url.is_some());
    }

    #[test]
    fn a_client_secret_outside_a_local_run_is_refused_by_name() {
        let env = Env::from_pairs([
            ("AWS_REGION", "eu-west-1"),
            ("SYNC_QUEUE_URL", "q"),
            ("HUBSPOT_CLIENT_SECRET", "leaked-into-production"),
        ]);
        let err = ReceiverConfig::read(env).expect_err("refused");
        assert!(
            err.problems
                .iter()
                .any(|p| p.starts_with("HUBSPOT_CLIENT_SECRET is for local runs only")),
            "{err}"
        );
    }
}
