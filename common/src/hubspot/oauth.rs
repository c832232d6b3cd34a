//! HubSpot's OAuth endpoints for this app (`OAuthApi` over reqwest): the authorize URL, code
//! exchange, refresh, introspection and revocation on the date-based `/oauth/2026-03/...`.

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use super::error::{HubSpotError, HubSpotErrorKind};
use super::version::OAUTH_VERSION;
use crate::domain::ids::PortalId;
use crate::ports::{OAuthApi, TokenInfo, TokenSet};

/// Scopes every install must grant: CRM records and the custom properties Deeto creates.
pub const REQUIRED_SCOPES: &[&str] = &[
    "oauth",
    "crm.objects.contacts.read",
    "crm.objects.contacts.write",
    "crm.objects.companies.read",
    "crm.objects.companies.write",
    "crm.objects.deals.read",
    "crm.objects.deals.write",
    "tickets",
    "crm.schemas.contacts.write",
    "crm.schemas.companies.write",
    "crm.schemas.deals.write",
    "crm.schemas.tickets.write",
];

/// Scopes asked for but not required (HubSpot drops them silently when the account lacks them).
pub const OPTIONAL_SCOPES: &[&str] = &["crm.objects.owners.read"];

/// Everything the OAuth adapter needs to know about the app.
#[derive(Debug, Clone)]
pub struct OAuthSettings {
    /// `HUBSPOT_API_BASE`: token, introspection and revocation endpoints.
    pub api_base: Url,
    /// `HUBSPOT_AUTH_BASE`: the authorize page.
    pub auth_base: Url,
    pub client_id: String,
    pub client_secret: SecretString,
    pub scopes: Vec<String>,
    pub optional_scopes: Vec<String>,
}

impl OAuthSettings {
    /// Settings with this app's [`REQUIRED_SCOPES`] and [`OPTIONAL_SCOPES`].
    pub fn with_app_scopes(
        api_base: Url,
        auth_base: Url,
        client_id: String,
        client_secret: SecretString,
    ) -> Self {
        Self {
            api_base,
            auth_base,
            client_id,
            client_secret,
            scopes: REQUIRED_SCOPES.iter().map(|s| s.to_string()).collect(),
            optional_scopes: OPTIONAL_SCOPES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// [`OAuthApi`] against HubSpot (or the simulator).
#[derive(Debug, Clone)]
pub struct ReqwestOAuth {
    settings: OAuthSettings,
    http: reqwest::Client,
}

/// `AccessTokenResponse`: only the fields we use.
#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug))]
struct TokenResponse {
    access_token: String,
    refresh_token: String,
    expires_in: i64,
    #[serde(default)]
    hub_id: Option<u64>,
}

/// The introspection answer for either token kind.
#[derive(Deserialize)]
struct IntrospectResponse {
    #[serde(default = "active_by_default")]
    active: bool,
    hub_id: Option<u64>,
    #[serde(default)]
    scopes: Vec<String>,
    user: Option<String>,
    hub_domain: Option<String>,
}

fn active_by_default() -> bool {
    true
}

impl ReqwestOAuth {
    pub fn new(settings: OAuthSettings, http: reqwest::Client) -> Self {
        Self { settings, http }
    }

    fn endpoint(&self, tail: &str) -> String {
        let base = self.settings.api_base.as_str().trim_end_matches('/');
        format!("{base}/oauth/{OAUTH_VERSION}/{tail}")
    }

    /// POSTs a form with the client credentials added; returns the 2xx body.
    async fn post_form(
        &self,
        tail: &str,
        fields: &[(&str, &str)],
    ) -> Result<Vec<u8>, HubSpotError> {
        let mut form: Vec<(&str, &str)> = vec![
            ("client_id", self.settings.client_id.as_str()),
            ("client_secret", self.settings.client_secret.expose_secret()),
        ];
        form.extend_from_slice(fields);
        let response = self
            .http
            .post(self.endpoint(tail))
            .form(&form)
            .send()
            .await
            .map_err(|e| HubSpotError::network(&e))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| HubSpotError::network(&e))?;
        tracing::debug!(endpoint = tail, status, "HubSpot OAuth call");
        if (200..300).contains(&status) {
            Ok(body.to_vec())
        } else {
            Err(HubSpotError::from_oauth_response(status, &body))
        }
    }

    async fn token_grant(&self, fields: &[(&str, &str)]) -> Result<TokenSet, HubSpotError> {
        let body = self.post_form("token", fields).await?;
        let parsed: TokenResponse = parse_json(&body)?;
        Ok(TokenSet {
            access_token: SecretString::from(parsed.access_token),
            refresh_token: SecretString::from(parsed.refresh_token),
            expires_in_secs: parsed.expires_in,
            hub_id: parsed.hub_id.map(PortalId),
        })
    }
}

/// A 2xx body we cannot read is a protocol error. serde's message is left out on purpose: it
/// can quote the body, and token answers carry secrets.
fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, HubSpotError> {
    serde_json::from_slice(body).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Data => "a missing or mistyped field",
            _ => "no readable JSON",
        };
        HubSpotError::new(
            HubSpotErrorKind::Protocol,
            None,
            format!("unexpected OAuth answer: {what}"),
        )
    })
}

/// Space-separated, each part percent-encoded, spaces as `%20` as HubSpot's docs ask.
fn encode_query(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| {
            let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            // byte_serialize writes a space as `+` and a literal `+` as `%2B`, so this is exact.
            format!("{name}={}", encoded.replace('+', "%20"))
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[async_trait]
impl OAuthApi for ReqwestOAuth {
    fn authorize_url(&self, state: &str, redirect_uri: &str) -> String {
        let base = self.settings.auth_base.as_str().trim_end_matches('/');
        let mut pairs = vec![
            ("client_id", self.settings.client_id.clone()),
            ("redirect_uri", redirect_uri.to_owned()),
            ("scope", self.settings.scopes.join(" ")),
        ];
        if !self.settings.optional_scopes.is_empty() {
            pairs.push(("optional_scope", self.settings.optional_scopes.join(" ")));
        }
        pairs.push(("state", state.to_owned()));
        format!("{base}/oauth/authorize?{}", encode_query(&pairs))
    }

    #[tracing::instrument(skip_all)]
    async fn exchange_code(
        &self,
        code: &str,
        redirect_uri: &str,
    ) -> Result<TokenSet, HubSpotError> {
        self.token_grant(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ])
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenSet, HubSpotError> {
        self.token_grant(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose_secret()),
        ])
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn introspect(&self, token: &SecretString) -> Result<TokenInfo, HubSpotError> {
        let body = self
            .post_form("token/introspect", &[("token", token.expose_secret())])
            .await?;
        let parsed: IntrospectResponse = parse_json(&body)?;
        let hub_id = match (parsed.active, parsed.hub_id) {
            (true, Some(hub_id)) => hub_id,
            (false, _) => {
                return Err(HubSpotError::new(
                    HubSpotErrorKind::Unauthorized,
                    None,
                    "token is not active",
                ));
            }
            (true, None) => {
                return Err(HubSpotError::new(
                    HubSpotErrorKind::Protocol,
                    None,
                    "introspection without hub_id",
                ));
            }
        };
        Ok(TokenInfo {
            hub_id: PortalId(hub_id),
            scopes: parsed.scopes,
            user: parsed.user,
            hub_domain: parsed.hub_domain,
        })
    }

    #[tracing::instrument(skip_all)]
    async fn revoke(&self, refresh_token: &SecretString) -> Result<(), HubSpotError> {
        let fields = [
            ("token", refresh_token.expose_secret()),
            ("token_type_hint", "refresh_token"),
        ];
        self.post_form("token/revoke", &fields).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests;
