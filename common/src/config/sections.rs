//! Configuration pieces more than one function needs.

use secrecy::SecretString;
use url::Url;

use super::Env;

/// Where HubSpot lives. Tests and local runs point both at the HubSpot simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubSpotEndpoints {
    /// `HUBSPOT_API_BASE`, default `https://api.hubapi.com`.
    pub api_base: Url,
    /// `HUBSPOT_AUTH_BASE` (the authorize page), default `https://app.hubspot.com`.
    pub auth_base: Url,
}

impl HubSpotEndpoints {
    pub fn read(env: &mut Env) -> Self {
        Self {
            api_base: env.url_or("HUBSPOT_API_BASE", "https://api.hubapi.com"),
            auth_base: env.url_or("HUBSPOT_AUTH_BASE", "https://app.hubspot.com"),
        }
    }
}

/// Where the HubSpot app's client secret comes from.
#[derive(Debug, Clone)]
pub enum AppSecretSource {
    /// `HUBSPOT_APP_SECRET_ID`: a Secrets Manager secret holding
    /// `{"client_id": "…", "client_secret": "…"}`, read once per cold start.
    SecretsManager(String),
    /// `HUBSPOT_CLIENT_SECRET`: for local runs only; wins over the secret id when set.
    Override(SecretString),
}

impl AppSecretSource {
    /// Reads the source; when neither variable is set the problem is recorded in `env` (so
    /// `env.finish` fails) and an empty secret id stands in.
    pub fn read(env: &mut Env) -> Self {
        if let Some(secret) = env.optional("HUBSPOT_CLIENT_SECRET") {
            if !aws_is_local(env) {
                env.problem(
                    "HUBSPOT_CLIENT_SECRET is for local runs only: set AWS_ENDPOINT_URL to a local \
                     emulator (127.0.0.1 or localhost), or remove it and use HUBSPOT_APP_SECRET_ID",
                );
            }
            return Self::Override(SecretString::from(secret));
        }
        Self::SecretsManager(env.required(
            "HUBSPOT_APP_SECRET_ID",
            "the Secrets Manager secret holding the HubSpot app credentials; HUBSPOT_CLIENT_SECRET may replace it for local runs",
        ))
    }
}

/// True when `AWS_ENDPOINT_URL` points at an emulator on this machine: the mark of a local run.
fn aws_is_local(env: &Env) -> bool {
    let endpoint = env
        .optional("AWS_ENDPOINT_URL")
        .and_then(|u| Url::parse(&u).ok());
    endpoint
        .and_then(|u| u.host_str().map(str::to_owned))
        .is_some_and(|host| matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]"))
}

/// What a function needs to call HubSpot for any installed portal: the table (tenants, token
/// cache, budget), the per-portal token secrets, the app's credentials and HubSpot's address.
#[derive(Debug, Clone)]
pub struct HubSpotAccess {
    /// `TABLE_NAME`: the single DynamoDB table.
    pub table_name: String,
    /// `TOKEN_SECRET_PREFIX`: one Secrets Manager secret per portal, named prefix + portal id.
    pub token_secret_prefix: String,
    pub app_secret: AppSecretSource,
    /// `HUBSPOT_CLIENT_ID`: with `HUBSPOT_CLIENT_SECRET`, local runs only.
    pub client_id_override: Option<String>,
    pub hubspot: HubSpotEndpoints,
}

impl HubSpotAccess {
    pub fn read(env: &mut Env) -> Self {
        check_aws(env);
        let table_name = env.required("TABLE_NAME", "the DynamoDB table");
        let token_secret_prefix = env.required(
            "TOKEN_SECRET_PREFIX",
            "name prefix of the per-portal token secrets",
        );
        let app_secret = AppSecretSource::read(env);
        let client_id_override = env.optional("HUBSPOT_CLIENT_ID");
        if matches!(app_secret, AppSecretSource::Override(_)) && client_id_override.is_none() {
            env.problem("HUBSPOT_CLIENT_ID is not set (needed with HUBSPOT_CLIENT_SECRET)");
        }
        Self {
            table_name,
            token_secret_prefix,
            app_secret,
            client_id_override,
            hubspot: HubSpotEndpoints::read(env),
        }
    }
}

/// Checks the variables the AWS SDK reads itself, so a typo fails at start-up with its name
/// rather than as a confusing network error on the first call.
pub(super) fn check_aws(env: &mut Env) {
    if env
        .optional("AWS_REGION")
        .or_else(|| env.optional("AWS_DEFAULT_REGION"))
        .is_none()
    {
        env.problem("AWS_REGION is not set (Lambda sets it; set it yourself for local runs)");
    }
    let _ = env.optional_url("AWS_ENDPOINT_URL");
}
