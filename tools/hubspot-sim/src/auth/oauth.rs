//! OAuth as HubSpot runs it for a public app: the authorize page (no UI: it approves or denies
//! as the admin API says), the token endpoint's two grants, introspection and revocation.
//! Errors follow RFC 6749 and keep HubSpot's legacy `status`/`message`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::tokens::{Grant, Install};
use crate::error::{ApiError, correlation_id};
use crate::middleware::JournalPortal;
use crate::state::{SimState, lock};

type Fields = HashMap<String, String>;

fn oauth_error(error: &str, status: &str, description: &str) -> Response {
    let body = json!({
        "error": error,
        "error_description": description,
        "status": status,
        "message": description,
        "correlationId": correlation_id(),
    });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map(String::as_str).unwrap_or("")
}

/// Client id and secret must be the app's.
/// `(error, legacy status, description)` of a refused client.
type ClientProblem = (&'static str, &'static str, &'static str);

fn check_client(state: &SimState, fields: &Fields) -> Result<(), ClientProblem> {
    if field(fields, "client_id") != state.config.app.client_id {
        return Err((
            "invalid_client",
            "BAD_CLIENT_ID",
            "missing or unknown client id",
        ));
    }
    if field(fields, "client_secret") != state.config.app.client_secret {
        return Err((
            "invalid_client",
            "BAD_CLIENT_SECRET",
            "missing or invalid client secret",
        ));
    }
    Ok(())
}

fn redirect_allowed(state: &SimState, uri: &str) -> bool {
    let allowed = &state.config.app.redirect_uris;
    if allowed.is_empty() {
        return uri.starts_with("http://") || uri.starts_with("https://");
    }
    allowed.iter().any(|a| a == uri)
}

/// `/oauth/{accountId}/authorize`: the account-pinned variant installs into that portal.
pub async fn authorize_pinned(
    State(state): State<Arc<SimState>>,
    Path(account): Path<u64>,
    Query(query): Query<Fields>,
) -> Response {
    approve_or_deny(&state, &query, Some(account))
}

pub async fn authorize(
    State(state): State<Arc<SimState>>,
    Query(query): Query<Fields>,
) -> Response {
    approve_or_deny(&state, &query, None)
}

/// No UI: approves as the configured user of the chosen portal, or denies, as `/_sim/oauth` says.
fn approve_or_deny(state: &SimState, query: &Fields, account: Option<u64>) -> Response {
    if field(query, "client_id") != state.config.app.client_id {
        return ApiError::validation("Authorization failed because the client_id is unknown")
            .into_response();
    }
    let redirect_uri = field(query, "redirect_uri");
    let Ok(mut target) = url::Url::parse(redirect_uri) else {
        return ApiError::validation("redirect_uri is missing or not a URL").into_response();
    };
    if !redirect_allowed(state, redirect_uri) {
        return ApiError::validation("redirect_uri does not match the app's redirect URL")
            .into_response();
    }
    let scope = field(query, "scope");
    if scope.trim().is_empty() {
        return ApiError::validation("scope is required").into_response();
    }
    let mut choice = lock(&state.authorize).clone();
    choice.portal_id = account.unwrap_or(choice.portal_id);
    {
        let mut pairs = target.query_pairs_mut();
        if choice.deny {
            pairs.append_pair("error", "access_denied");
            pairs.append_pair(
                "error_description",
                "The user denied the installation of this app",
            );
        } else {
            let mut scopes: Vec<String> = scope.split_whitespace().map(str::to_string).collect();
            scopes.extend(
                field(query, "optional_scope")
                    .split_whitespace()
                    .map(str::to_string),
            );
            if !scopes.iter().any(|s| s == "oauth") {
                scopes.push("oauth".into());
            }
            let install = Install {
                portal_id: choice.portal_id,
                user_id: choice.user_id,
                user_email: choice.user_email.clone(),
                scopes,
            };
            let now = state.clock.now_ms();
            lock(&state.store).ensure(choice.portal_id, now);
            let code = lock(&state.tokens).issue_code(install, redirect_uri, now);
            pairs.append_pair("code", &code);
        }
        if let Some(s) = query.get("state") {
            pairs.append_pair("state", s);
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, target.to_string())]).into_response()
}

pub async fn token(State(state): State<Arc<SimState>>, Form(fields): Form<Fields>) -> Response {
    if let Err((error, status, description)) = check_client(&state, &fields) {
        return oauth_error(error, status, description);
    }
    let now = state.clock.now_ms();
    let mut tokens = lock(&state.tokens);
    let grant: Grant = match field(&fields, "grant_type") {
        "authorization_code" => {
            match tokens.take_code(field(&fields, "code"), field(&fields, "redirect_uri"), now) {
                Ok(install) => tokens.grant(install, None, now),
                Err(status) => {
                    return oauth_error(
                        "invalid_grant",
                        status,
                        "auth code is invalid, expired or already used",
                    );
                }
            }
        }
        "refresh_token" => {
            let refresh = field(&fields, "refresh_token").to_string();
            match tokens.refresh_install(&refresh) {
                Some(install) => tokens.grant(install, Some(refresh), now),
                None => {
                    return oauth_error(
                        "invalid_grant",
                        "BAD_REFRESH_TOKEN",
                        "refresh token is invalid, expired or revoked",
                    );
                }
            }
        }
        "" => {
            return oauth_error(
                "invalid_request",
                "BAD_GRANT_TYPE",
                "grant_type is required",
            );
        }
        _ => {
            return oauth_error(
                "unsupported_grant_type",
                "BAD_GRANT_TYPE",
                "unsupported grant_type",
            );
        }
    };
    let mut response = Json(&grant).into_response();
    response
        .extensions_mut()
        .insert(JournalPortal(grant.hub_id));
    response
}

pub async fn introspect(
    State(state): State<Arc<SimState>>,
    Form(fields): Form<Fields>,
) -> Response {
    if let Err((error, status, description)) = check_client(&state, &fields) {
        return oauth_error(error, status, description);
    }
    let token = field(&fields, "token");
    let now = state.clock.now_ms();
    let tokens = lock(&state.tokens);
    let app = &state.config.app;
    let info: Value = if let Ok(install) = tokens.check(token, now) {
        let expires_in = tokens.expires_in(token, now).unwrap_or(0);
        json!({
            "active": true, "app_id": app.app_id, "client_id": app.client_id, "expires_in": expires_in,
            "hub_id": install.portal_id, "hub_domain": format!("portal-{}.example.com", install.portal_id),
            "is_private_distribution": false, "scopes": install.scopes,
            "signed_access_token": {
                "expiresAt": now + expires_in * 1000, "hubId": install.portal_id, "userId": install.user_id,
                "appId": app.app_id, "scopes": "", "signature": "", "newSignature": "", "hublet": "na1",
                "isUserLevel": false,
            },
            "token": token, "token_type": "access", "token_use": "access_token",
            "user": install.user_email, "user_id": install.user_id,
        })
    } else if let Some(install) = tokens.refresh_install(token) {
        json!({
            "active": true, "client_id": app.client_id, "hub_id": install.portal_id,
            "hub_domain": format!("portal-{}.example.com", install.portal_id), "scopes": install.scopes,
            "token": token, "token_type": "refresh", "token_use": "refresh_token",
            "user": install.user_email, "user_id": install.user_id,
        })
    } else {
        json!({ "active": false })
    };
    Json(info).into_response()
}

pub async fn revoke(State(state): State<Arc<SimState>>, Form(fields): Form<Fields>) -> Response {
    if let Err((error, status, description)) = check_client(&state, &fields) {
        return oauth_error(error, status, description);
    }
    lock(&state.tokens).revoke(field(&fields, "token"));
    StatusCode::OK.into_response()
}
