//! The HubSpot side of a function, wired once from configuration: the app's credentials,
//! OAuth, per-portal tokens (DynamoDB cache + Secrets Manager vault), the shared API budget,
//! and the CRM client behind the write guard. Every function and the operator CLI build it the
//! same way, so every HubSpot request any of them makes passes the guard.

use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;
use secrecy::SecretString;

use super::dynamodb::rate_budget::DynamoRateBudget;
use super::dynamodb::tenants::DynamoTenantStore;
use super::dynamodb::tickets::DynamoTicketStore;
use super::dynamodb::token_cache::DynamoTokenCache;
use super::secrets::token_vault::SecretsManagerTokenVault;
use super::secrets::{AppCredentials, SecretError, load_app_credentials};
use crate::config::{AppSecretSource, HubSpotAccess, HubSpotEndpoints};
use crate::hubspot::client::{ReqwestHubSpot, http_client};
use crate::hubspot::guard::WriteGuard;
use crate::hubspot::oauth::{OAuthSettings, ReqwestOAuth};
use crate::hubspot::retry::RetryPolicy;
use crate::ports::SystemClock;
use crate::tokens::TokenManager;

/// HubSpot answers within seconds; a request hanging longer is treated as a timeout.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads the app's client id and secret: from Secrets Manager, or the local override.
pub async fn app_credentials(
    sdk: &SdkConfig,
    source: &AppSecretSource,
    client_id_override: Option<&str>,
) -> Result<AppCredentials, SecretError> {
    match source {
        AppSecretSource::Override(secret) => Ok(AppCredentials {
            client_id: client_id_override.unwrap_or_default().to_owned(),
            client_secret: secret.clone(),
        }),
        AppSecretSource::SecretsManager(id) => {
            load_app_credentials(&aws_sdk_secretsmanager::Client::new(sdk), id).await
        }
    }
}

/// Every HubSpot-facing adapter, sharing one HTTP client and one token manager.
#[derive(Debug, Clone)]
pub struct HubSpotStack {
    pub tenants: Arc<DynamoTenantStore>,
    pub vault: Arc<SecretsManagerTokenVault>,
    pub token_cache: Arc<DynamoTokenCache>,
    pub oauth: Arc<ReqwestOAuth>,
    pub tokens: Arc<TokenManager>,
    /// The tickets Deeto created: the guard's answer to "may this ticket be updated".
    pub tickets: Arc<DynamoTicketStore>,
    /// The CRM API, guarded: the unguarded client is deliberately not exposed.
    pub api: Arc<WriteGuard>,
}

impl HubSpotStack {
    pub fn build(
        sdk: &SdkConfig,
        table: &str,
        token_secret_prefix: &str,
        credentials: &AppCredentials,
        endpoints: &HubSpotEndpoints,
    ) -> Result<Self, String> {
        let http =
            http_client(HTTP_TIMEOUT).map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
        let settings = OAuthSettings::with_app_scopes(
            endpoints.api_base.clone(),
            endpoints.auth_base.clone(),
            credentials.client_id.clone(),
            SecretString::clone(&credentials.client_secret),
        );
        let oauth = Arc::new(ReqwestOAuth::new(settings, http.clone()));
        let tenants = Arc::new(DynamoTenantStore::new(dynamodb.clone(), table));
        let vault = Arc::new(SecretsManagerTokenVault::new(
            aws_sdk_secretsmanager::Client::new(sdk),
            token_secret_prefix,
        ));
        let token_cache = Arc::new(DynamoTokenCache::new(dynamodb.clone(), table));
        let clock = Arc::new(SystemClock);
        let tokens = Arc::new(TokenManager::new(
            oauth.clone(),
            vault.clone(),
            token_cache.clone(),
            tenants.clone(),
            clock.clone(),
        ));
        let budget = Arc::new(DynamoRateBudget::new(dynamodb.clone(), table));
        let tickets = Arc::new(DynamoTicketStore::new(dynamodb, table));
        let client = Arc::new(ReqwestHubSpot::new(
            endpoints.api_base.clone(),
            http,
            tokens.clone(),
            budget,
            clock,
            RetryPolicy::default(),
        ));
        let api = Arc::new(WriteGuard::new(client, tickets.clone()));
        Ok(Self {
            tenants,
            vault,
            token_cache,
            oauth,
            tokens,
            tickets,
            api,
        })
    }

    /// Reads the app's credentials and builds the stack, as every function does at cold start.
    pub async fn from_access(sdk: &SdkConfig, access: &HubSpotAccess) -> Result<Self, String> {
        let credentials = app_credentials(
            sdk,
            &access.app_secret,
            access.client_id_override.as_deref(),
        )
        .await
        .map_err(|e| e.to_string())?;
        Self::build(
            sdk,
            &access.table_name,
            &access.token_secret_prefix,
            &credentials,
            &access.hubspot,
        )
    }
}
