//! HubSpot, as the domain needs it: authenticated API calls per portal, and OAuth.

use async_trait::async_trait;
use secrecy::SecretString;
use serde_json::Value;

use crate::domain::ids::PortalId;
use crate::hubspot::HubSpotError;

/// The HTTP methods Deeto may use on HubSpot's API. There is deliberately no DELETE: Deeto
/// never deletes, archives or merges anything in a customer's CRM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Patch,
    Put,
}

/// Which HubSpot rate limit a call counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// 110 requests per rolling 10 seconds per portal.
    Standard,
    /// CRM search: 5 requests per second, separately.
    Search,
}

/// One API call. `path` is absolute from the API base, version included
/// (e.g. `/crm/properties/2026-09/contacts`).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    pub method: HttpMethod,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    pub kind: CallKind,
    /// The call creates records: an answer lost to a timeout or a 5xx may hide a success, so
    /// the client must not resend it on its own (the caller recovers, e.g. by looking first).
    pub creates: bool,
}

impl ApiRequest {
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            method: HttpMethod::Get,
            path: path.into(),
            query: Vec::new(),
            body: None,
            kind: CallKind::Standard,
            creates: false,
        }
    }

    pub fn post(path: impl Into<String>, body: Value) -> Self {
        Self {
            method: HttpMethod::Post,
            path: path.into(),
            query: Vec::new(),
            body: Some(body),
            kind: CallKind::Standard,
            creates: false,
        }
    }

    /// Marks a call that creates records (see [`ApiRequest::creates`]).
    pub fn creating(mut self) -> Self {
        self.creates = true;
        self
    }

    pub fn with_query(mut self, name: &str, value: impl Into<String>) -> Self {
        self.query.push((name.to_owned(), value.into()));
        self
    }
}

/// A successful (2xx) answer: 207 multi-status answers are successes the caller inspects.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiResponse {
    pub status: u16,
    pub body: Value,
}

/// HubSpot's CRM API for one installed portal: authentication, rate budget and retries are the
/// adapter's business; callers see a 2xx answer or a classified [`HubSpotError`].
#[async_trait]
pub trait HubSpotApi: Send + Sync {
    async fn send(
        &self,
        portal: PortalId,
        request: ApiRequest,
    ) -> Result<ApiResponse, HubSpotError>;
}

/// Tokens from a code exchange or a refresh.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: SecretString,
    pub refresh_token: SecretString,
    pub expires_in_secs: i64,
    /// Present in date-based token responses; otherwise learn it by introspection.
    pub hub_id: Option<PortalId>,
}

/// What introspection says about a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub hub_id: PortalId,
    pub scopes: Vec<String>,
    pub user: Option<String>,
    pub hub_domain: Option<String>,
}

/// HubSpot's OAuth endpoints (`/oauth/2026-03/...`) for this app.
#[async_trait]
pub trait OAuthApi: Send + Sync {
    /// The authorize page URL a customer is sent to, with the app's scopes and `state`.
    /// `redirect_uri` is passed per call: the API's public URL is only known from the request
    /// (a SAM template cannot give a function its own HTTP API's URL without a cycle).
    fn authorize_url(&self, state: &str, redirect_uri: &str) -> String;
    /// Exchanges a code; `redirect_uri` must be the one given to [`OAuthApi::authorize_url`].
    async fn exchange_code(&self, code: &str, redirect_uri: &str)
    -> Result<TokenSet, HubSpotError>;
    async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenSet, HubSpotError>;
    async fn introspect(&self, token: &SecretString) -> Result<TokenInfo, HubSpotError>;
    async fn revoke(&self, refresh_token: &SecretString) -> Result<(), HubSpotError>;
}
