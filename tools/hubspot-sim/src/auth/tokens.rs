//! Authorization codes, access tokens and refresh tokens of the simulated app's installs.

use std::collections::HashMap;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Install {
    pub portal_id: u64,
    pub user_id: u64,
    pub user_email: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone)]
struct AccessToken {
    install: Install,
    expires_ms: i64,
}

#[derive(Debug, Clone)]
struct AuthCode {
    install: Install,
    redirect_uri: String,
    expires_ms: i64,
}

/// What the token endpoint returns (`AccessTokenResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub token_type: &'static str,
    pub token_use: &'static str,
    pub hub_id: u64,
    pub user_id: u64,
    pub scopes: Vec<String>,
}

/// Why an access token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    Unknown,
    /// Expired this many milliseconds ago.
    Expired(i64),
}

#[derive(Debug, Default)]
pub struct Tokens {
    access: HashMap<String, AccessToken>,
    refresh: HashMap<String, Install>,
    codes: HashMap<String, AuthCode>,
    pub ttl_secs: i64,
}

/// Codes live ten minutes, like HubSpot's short-lived, single-use codes.
const CODE_TTL_MS: i64 = 10 * 60 * 1000;

impl Tokens {
    pub fn new(ttl_secs: i64) -> Self {
        Self {
            ttl_secs,
            ..Self::default()
        }
    }

    pub fn issue_code(&mut self, install: Install, redirect_uri: &str, now_ms: i64) -> String {
        let code = uuid::Uuid::new_v4().to_string();
        let entry = AuthCode {
            install,
            redirect_uri: redirect_uri.into(),
            expires_ms: now_ms + CODE_TTL_MS,
        };
        self.codes.insert(code.clone(), entry);
        code
    }

    /// Single use: a code is gone after the first exchange, whatever its outcome.
    pub fn take_code(
        &mut self,
        code: &str,
        redirect_uri: &str,
        now_ms: i64,
    ) -> Result<Install, &'static str> {
        let entry = self.codes.remove(code).ok_or("BAD_AUTH_CODE")?;
        if entry.expires_ms < now_ms {
            return Err("BAD_AUTH_CODE");
        }
        if entry.redirect_uri != redirect_uri {
            return Err("MISMATCH_REDIRECT_URI_AUTH_CODE");
        }
        Ok(entry.install)
    }

    /// Issues an access token, with a new refresh token unless one is given to keep.
    pub fn grant(&mut self, install: Install, refresh_token: Option<String>, now_ms: i64) -> Grant {
        let access_token = format!("CN{}", uuid::Uuid::new_v4().simple());
        let refresh_token = refresh_token.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let expires_ms = now_ms + self.ttl_secs * 1000;
        self.access.insert(
            access_token.clone(),
            AccessToken {
                install: install.clone(),
                expires_ms,
            },
        );
        self.refresh.insert(refresh_token.clone(), install.clone());
        Grant {
            access_token,
            refresh_token,
            expires_in: self.ttl_secs,
            token_type: "bearer",
            token_use: "access_token",
            hub_id: install.portal_id,
            user_id: install.user_id,
            scopes: install.scopes,
        }
    }

    pub fn refresh_install(&self, refresh_token: &str) -> Option<Install> {
        self.refresh.get(refresh_token).cloned()
    }

    pub fn check(&self, access_token: &str, now_ms: i64) -> Result<&Install, TokenProblem> {
        let token = self.access.get(access_token).ok_or(TokenProblem::Unknown)?;
        if token.expires_ms <= now_ms {
            return Err(TokenProblem::Expired(now_ms - token.expires_ms));
        }
        Ok(&token.install)
    }

    /// Seconds left on an access token (introspection's `expires_in`).
    pub fn expires_in(&self, access_token: &str, now_ms: i64) -> Option<i64> {
        self.access
            .get(access_token)
            .map(|t| (t.expires_ms - now_ms).max(0) / 1000)
    }

    /// The portal a token belongs to, valid or not (for the journal).
    pub fn portal_of(&self, access_token: &str) -> Option<u64> {
        self.access.get(access_token).map(|t| t.install.portal_id)
    }

    pub fn revoke(&mut self, token: &str) -> bool {
        self.refresh.remove(token).is_some() || self.access.remove(token).is_some()
    }

    /// The app is uninstalled from a portal: every token of it stops working.
    pub fn uninstall(&mut self, portal_id: u64) {
        self.access.retain(|_, t| t.install.portal_id != portal_id);
        self.refresh.retain(|_, i| i.portal_id != portal_id);
    }
}
