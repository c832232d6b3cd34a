//! An install harness: the HubSpot simulator on 127.0.0.1, the real OAuth and CRM adapters,
//! in-memory stores, and API Gateway events built like API Gateway builds them.

use std::sync::Arc;

use common::adapters::memory::{
    MemoryOAuthStateStore, MemoryTenantStore, MemoryTokenCache, MemoryTokenVault,
    UnlimitedRateBudget,
};
use common::domain::ids::TenantId;
use common::hubspot::client::{ReqwestHubSpot, http_client};
use common::hubspot::oauth::{OAuthSettings, ReqwestOAuth};
use common::hubspot::retry::RetryPolicy;
use common::install::{Installer, LicenseKey, hash_license_key, new_license_key};
use common::ports::{Clock, SystemClock, Tenant, TenantStore};
use common::tokens::TokenManager;
use hubspot_sim::{RunningSim, SimConfig, Simulator};
use lambda_http::{Body, Request, Response};
use oauth_callback::{OAuthApp, handle};
use secrecy::SecretString;
use url::Url;

pub const REDIRECT: &str = "https://abc123xyz.execute-api.eu-west-1.amazonaws.com/oauth/callback";

pub struct Harness {
    pub sim: RunningSim,
    pub app: OAuthApp,
    pub tenants: Arc<MemoryTenantStore>,
    pub vault: Arc<MemoryTokenVault>,
    pub states: Arc<MemoryOAuthStateStore>,
}

impl Harness {
    pub async fn start() -> Self {
        let mut config = SimConfig::default();
        config.app.redirect_uris = vec![REDIRECT.to_owned()];
        let sim = Simulator::start(config.clone())
            .await
            .expect("simulator starts");
        let base = Url::parse(&sim.base_url()).expect("base url");
        let http = http_client(std::time::Duration::from_secs(10)).expect("http client");
        let settings = OAuthSettings::with_app_scopes(
            base.clone(),
            base.clone(),
            config.app.client_id.clone(),
            SecretString::from(config.app.client_secret.clone()),
        );
        let oauth = Arc::new(ReqwestOAuth::new(settings, http.clone()));
        let tenants = Arc::new(MemoryTenantStore::default());
        let vault = Arc::new(MemoryTokenVault::default());
        let cache = Arc::new(MemoryTokenCache::default());
        let states = Arc::new(MemoryOAuthStateStore::default());
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let tokens = Arc::new(TokenManager::new(
            oauth.clone(),
            vault.clone(),
            cache.clone(),
            tenants.clone(),
            clock.clone(),
        ));
        let hubspot = Arc::new(ReqwestHubSpot::new(
            base,
            http,
            tokens,
            Arc::new(UnlimitedRateBudget),
            clock.clone(),
            RetryPolicy::default(),
        ));
        let installer = Installer {
            tenants: tenants.clone(),
            states: states.clone(),
            oauth,
            vault: vault.clone(),
            token_cache: cache,
            hubspot,
            clock,
        };
        Self {
            sim,
            app: OAuthApp {
                installer,
                redirect_uri: None,
            },
            tenants,
            vault,
            states,
        }
    }

    /// A tenant with an active licence key; returns its id and key.
    pub async fn tenant(&self, name: &str) -> (TenantId, LicenseKey) {
        let key = new_license_key();
        let tenant = Tenant::pending(TenantId(format!("t-{name}")), name.to_owned());
        self.tenants
            .create_tenant(&tenant, &hash_license_key(&key))
            .await
            .expect("tenant created");
        (tenant.id, key)
    }

    pub async fn get(&self, path_and_query: &str) -> Response<Body> {
        handle(&self.app, get_request(path_and_query)).await
    }

    /// `/oauth/install` → the simulator's authorize page → the callback URL HubSpot redirects to.
    pub async fn authorize(&self, key: &LicenseKey) -> String {
        let install = self
            .get(&format!("/oauth/install?license_key={}", key.expose()))
            .await;
        assert_eq!(install.status().as_u16(), 302, "{}", body_text(&install));
        let authorize = location(&install);
        let no_redirects = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let answer = no_redirects
            .get(&authorize)
            .send()
            .await
            .expect("authorize page answers");
        assert_eq!(answer.status().as_u16(), 302);
        answer.headers()["location"]
            .to_str()
            .expect("ascii")
            .to_owned()
    }

    /// Runs the whole flow and returns the callback's answer.
    pub async fn install(&self, key: &LicenseKey) -> Response<Body> {
        let callback = self.authorize(key).await;
        self.callback(&callback).await
    }

    pub async fn callback(&self, callback_url: &str) -> Response<Body> {
        let path = callback_url
            .strip_prefix("https://abc123xyz.execute-api.eu-west-1.amazonaws.com")
            .expect("our callback");
        self.get(path).await
    }
}

pub fn get_request(path_and_query: &str) -> Request {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let event = serde_json::json!({
        "version": "2.0", "routeKey": format!("GET {path}"), "rawPath": path, "rawQueryString": query,
        "headers": {"host": "abc123xyz.execute-api.eu-west-1.amazonaws.com", "x-forwarded-proto": "https"},
        "requestContext": {"accountId": "1", "apiId": "abc123xyz", "domainName": "abc123xyz.execute-api.eu-west-1.amazonaws.com",
            "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": "test"},
            "requestId": "r", "routeKey": format!("GET {path}"), "stage": "$default", "time": "t", "timeEpoch": 0},
        "isBase64Encoded": false
    });
    lambda_http::request::from_str(&event.to_string()).expect("event parses")
}

pub fn location(response: &Response<Body>) -> String {
    response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned()
}

pub fn body_text(response: &Response<Body>) -> String {
    String::from_utf8_lossy(response.body().as_ref()).into_owned()
}
