//! The `oauth-callback` function's configuration.

use url::Url;

use super::sections::check_aws;
use super::{AppSecretSource, ConfigError, Env, HubSpotEndpoints};

#[derive(Debug, Clone)]
pub struct OAuthCallbackConfig {
    /// `TABLE_NAME`: tenants, install states, token cache.
    pub table_name: String,
    /// `TOKEN_SECRET_PREFIX`: one Secrets Manager secret per portal, named prefix + portal id.
    pub token_secret_prefix: String,
    pub app_secret: AppSecretSource,
    /// `HUBSPOT_CLIENT_ID`: with `HUBSPOT_CLIENT_SECRET`, local runs only.
    pub client_id_override: Option<String>,
    /// `OAUTH_REDIRECT_URI`: our callback's public URL. Unset: derived from each request
    /// (`https://` + host + stage + `/oauth/callback`), which is right behind API Gateway.
    pub redirect_uri: Option<Url>,
    pub hubspot: HubSpotEndpoints,
}

impl OAuthCallbackConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(Env::from_process())
    }

    pub fn read(mut env: Env) -> Result<Self, ConfigError> {
        check_aws(&mut env);
        let table_name = env.required("TABLE_NAME", "the DynamoDB table");
        let token_secret_prefix = env.required(
            "TOKEN_SECRET_PREFIX",
            "name prefix of the per-portal token secrets",
        );
        let app_secret = AppSecretSource::read(&mut env);
        let client_id_override = env.optional("HUBSPOT_CLIENT_ID");
        if matches!(app_secret, AppSecretSource::Override(_)) && client_id_override.is_none() {
            env.problem("HUBSPOT_CLIENT_ID is not set (needed with HUBSPOT_CLIENT_SECRET)");
        }
        let redirect_uri = env.optional_url("OAUTH_REDIRECT_URI");
        let hubspot = HubSpotEndpoints::read(&mut env);
        env.finish(Self {
            table_name,
            token_secret_prefix,
            app_secret,
            client_id_override,
            redirect_uri,
            hubspot,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_secret_without_a_client_id_is_named() {
        let env = Env::from_pairs([
            ("AWS_REGION", "eu-west-1"),
            ("TABLE_NAME", "t"),
            ("TOKEN_SECRET_PREFIX", "p/"),
            ("HUBSPOT_CLIENT_SECRET", "s"),
        ]);
        let err = OAuthCallbackConfig::read(env).expect_err("client id missing");
        assert_eq!(
            err.problems,
            vec!["HUBSPOT_CLIENT_ID is not set (needed with HUBSPOT_CLIENT_SECRET)".to_string()]
        );
    }

    #[test]
    fn every_missing_variable_is_listed() {
        let err = OAuthCallbackConfig::read(Env::from_pairs([("AWS_REGION", "eu-west-1")]))
            .expect_err("incomplete");
        let text = err.to_string();
        for name in ["TABLE_NAME", "TOKEN_SECRET_PREFIX", "HUBSPOT_APP_SECRET_ID"] {
            assert!(text.contains(name), "{text}");
        }
    }
}
