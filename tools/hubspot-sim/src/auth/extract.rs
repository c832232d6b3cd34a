//! The bearer token on a CRM request: which portal it is for and what it may do. HubSpot's
//! 401 and 403 bodies come from here.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde_json::json;

use super::tokens::TokenProblem;
use crate::error::ApiError;
use crate::state::{SimState, lock};

#[derive(Debug, Clone)]
pub struct Caller {
    pub portal_id: u64,
    pub scopes: Vec<String>,
}

impl Caller {
    /// HubSpot's 403 unless the token holds at least one of `any_of`.
    pub fn require(&self, any_of: &[String]) -> Result<(), ApiError> {
        if any_of.iter().any(|s| self.scopes.contains(s)) {
            return Ok(());
        }
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "MISSING_SCOPES",
            "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
        )
        .with_errors(vec![json!({
            "message": "One or more of the following scopes are required.",
            "context": { "requiredGranularScopes": any_of },
        })]))
    }
}

pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

fn unauthenticated() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "INVALID_AUTHENTICATION",
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
    )
}

impl FromRequestParts<Arc<SimState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<SimState>,
    ) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or_else(unauthenticated)?;
        let now = state.clock.now_ms();
        let tokens = lock(&state.tokens);
        match tokens.check(token, now) {
            Ok(install) => Ok(Caller {
                portal_id: install.portal_id,
                scopes: install.scopes.clone(),
            }),
            Err(TokenProblem::Unknown) => Err(unauthenticated()),
            Err(TokenProblem::Expired(ago_ms)) => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "EXPIRED_AUTHENTICATION",
                format!(
                    "The OAuth token used to make this call expired {} minute(s) ago.",
                    ago_ms / 60_000
                ),
            )),
        }
    }
}
