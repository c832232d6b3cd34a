//! Reading the HubSpot app's credentials from AWS Secrets Manager.

pub mod token_vault;

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
use secrecy::SecretString;
use serde::Deserialize;

/// The HubSpot app's OAuth client credentials. The client secret also keys request signatures.
#[derive(Debug, Clone)]
pub struct AppCredentials {
    pub client_id: String,
    pub client_secret: SecretString,
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("could not read secret {secret_id}: {code}")]
    Unreadable { secret_id: String, code: String },
    #[error("secret {secret_id} is not JSON with a non-empty `client_secret` field")]
    BadShape { secret_id: String },
}

#[derive(Deserialize)]
struct StoredCredentials {
    #[serde(default)]
    client_id: String,
    client_secret: String,
}

/// Parses the stored JSON `{"client_id": "…", "client_secret": "…"}`.
pub fn parse_app_credentials(secret_id: &str, raw: &str) -> Result<AppCredentials, SecretError> {
    let stored: StoredCredentials =
        serde_json::from_str(raw).map_err(|_| SecretError::BadShape {
            secret_id: secret_id.to_owned(),
        })?;
    if stored.client_secret.trim().is_empty() {
        return Err(SecretError::BadShape {
            secret_id: secret_id.to_owned(),
        });
    }
    Ok(AppCredentials {
        client_id: stored.client_id,
        client_secret: SecretString::from(stored.client_secret),
    })
}

/// Fetches and parses the app credentials (once per cold start).
pub async fn load_app_credentials(
    client: &Client,
    secret_id: &str,
) -> Result<AppCredentials, SecretError> {
    let output = client
        .get_secret_value()
        .secret_id(secret_id)
        .send()
        .await
        .map_err(|err| SecretError::Unreadable {
            secret_id: secret_id.to_owned(),
            code: err.code().unwrap_or("network error").to_owned(),
        })?;
    let raw = output
        .secret_string()
        .ok_or_else(|| SecretError::BadShape {
            secret_id: secret_id.to_owned(),
        })?;
    parse_app_credentials(secret_id, raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn stored_credentials_parse_and_never_print_the_secret() {
        let creds = parse_app_credentials("id", r#"{"client_id":"abc","client_secret":"s3cr3t"}"#)
            .expect("parses");
        assert_eq!(creds.client_secret.expose_secret(), "s3cr3t");
        assert!(!format!("{creds:?}").contains("s3cr3t"));
    }

    #[test]
    fn a_missing_or_empty_client_secret_is_a_bad_shape() {
        for raw in [
            "not json",
            r#"{"client_id":"abc"}"#,
            r#"{"client_secret":"  "}"#,
        ] {
            assert!(
                matches!(
                    parse_app_credentials("id", raw),
                    Err(SecretError::BadShape { .. })
                ),
                "{raw}"
            );
        }
    }
}
