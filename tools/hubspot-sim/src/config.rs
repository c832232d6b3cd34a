//! How a simulator is started: the app it plays HubSpot for, the test user who installs it,
//! rate limits and webhook settings. Everything can also be changed later through the handle
//! or the admin API.

use serde::{Deserialize, Serialize};

use crate::limits::RateLimitSettings;
use crate::webhooks::WebhookSettings;

/// The public app registered in the simulated HubSpot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppConfig {
    pub client_id: String,
    pub client_secret: String,
    pub app_id: u64,
    /// Redirect URIs the authorize page accepts; empty accepts any `http(s)` URL.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            client_id: "sim-client-id".into(),
            client_secret: "sim-client-secret".into(),
            app_id: 54321,
            redirect_uris: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// 0 picks a free port.
    pub port: u16,
    pub app: AppConfig,
    /// The portal the authorize page installs into until told otherwise.
    pub default_portal: u64,
    pub user_id: u64,
    pub user_email: String,
    /// Access-token lifetime in seconds (HubSpot: 1800).
    pub access_token_ttl_secs: i64,
    pub rate_limits: RateLimitSettings,
    pub webhooks: WebhookSettings,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            port: 0,
            app: AppConfig::default(),
            default_portal: 62515,
            user_id: 293_199,
            user_email: "test.user@example.com".into(),
            access_token_ttl_secs: 1800,
            rate_limits: RateLimitSettings::default(),
            webhooks: WebhookSettings::default(),
        }
    }
}
