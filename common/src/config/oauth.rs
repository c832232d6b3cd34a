//! The `oauth-callback` function's configuration.

use url::Url;

use super::{ConfigError, Env, HubSpotAccess};

#[derive(Debug, Clone)]
pub struct OAuthCallbackConfig {
    pub access: HubSpotAccess,
    /// `OAUTH_REDIRECT_URI`: our callback's public URL. Unset: derived from each request
    /// (`https://` + host + stage + `/oauth/callback`), which is right behind API Gateway.
    pub redirect_uri: Option<Url>,
}

impl OAuthCallbackConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(Env::from_process())
    }

    pub fn read(mut env: Env) -> Result<Self, ConfigError> {
        let access = HubSpotAccess::read(&mut env);
        let redirect_uri = env.optional_url("OAUTH_REDIRECT_URI");
        env.finish(Self {
            access,
            redirect_uri,
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
            ("AWS_ENDPOINT_URL", "http://localhost:5000"),
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
