//! [`TokenVault`] over Secrets Manager: one secret per portal, `{prefix}{portal_id}`, holding
//! `{"refresh_token": "..."}`. Written at install and when HubSpot rotates the refresh token
//! (rarely); access tokens live in the DynamoDB token cache, since AWS advises against writing
//! secrets often.

use async_trait::async_trait;
use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::{ProvideErrorMetadata, SdkError};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::domain::ids::PortalId;
use crate::ports::{StoreError, TokenVault};

#[derive(Debug, Clone)]
pub struct SecretsManagerTokenVault {
    client: Client,
    prefix: String,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    refresh_token: String,
}

fn code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> &str {
    match err {
        SdkError::ServiceError(service) => service.err().code().unwrap_or("Unknown"),
        _ => "network error",
    }
}

fn unavailable<E: ProvideErrorMetadata, R>(operation: &str, err: &SdkError<E, R>) -> StoreError {
    StoreError::Unavailable(format!("Secrets Manager {operation} failed: {}", code(err)))
}

const NOT_FOUND: &str = "ResourceNotFoundException";

impl SecretsManagerTokenVault {
    pub fn new(client: Client, prefix: impl Into<String>) -> Self {
        Self {
            client,
            prefix: prefix.into(),
        }
    }

    /// The secret's name for a portal.
    pub fn secret_name(&self, portal: PortalId) -> String {
        format!("{}{portal}", self.prefix)
    }

    async fn create(&self, name: &str, value: &str) -> Result<bool, StoreError> {
        match self
            .client
            .create_secret()
            .name(name)
            .secret_string(value)
            .send()
            .await
        {
            Ok(_) => Ok(true),
            // A concurrent install created it first: fall back to a new version.
            Err(err) if code(&err) == "ResourceExistsException" => Ok(false),
            Err(err) => Err(unavailable("CreateSecret", &err)),
        }
    }

    async fn put_version(&self, name: &str, value: &str) -> Result<bool, StoreError> {
        match self
            .client
            .put_secret_value()
            .secret_id(name)
            .secret_string(value)
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(err) if code(&err) == NOT_FOUND => Ok(false),
            Err(err) => Err(unavailable("PutSecretValue", &err)),
        }
    }
}

#[async_trait]
impl TokenVault for SecretsManagerTokenVault {
    async fn refresh_token(&self, portal: PortalId) -> Result<Option<SecretString>, StoreError> {
        let result = self
            .client
            .get_secret_value()
            .secret_id(self.secret_name(portal))
            .send()
            .await;
        let out = match result {
            Ok(out) => out,
            Err(err) if code(&err) == NOT_FOUND => return Ok(None),
            Err(err) => return Err(unavailable("GetSecretValue", &err)),
        };
        let raw = out.secret_string().ok_or_else(|| {
            StoreError::Corrupt("refresh-token secret has no string value".into())
        })?;
        // serde's message could quote the secret: report only that it is unreadable.
        let stored: Stored = serde_json::from_str(raw).map_err(|_| {
            StoreError::Corrupt("refresh-token secret is not the expected JSON".into())
        })?;
        Ok(Some(SecretString::from(stored.refresh_token)))
    }

    async fn store_refresh_token(
        &self,
        portal: PortalId,
        token: &SecretString,
    ) -> Result<(), StoreError> {
        let name = self.secret_name(portal);
        let value = serde_json::to_string(&Stored {
            refresh_token: token.expose_secret().to_owned(),
        })
        .map_err(|_| StoreError::Corrupt("refresh token could not be encoded".into()))?;
        // Most writes are rotations of an existing secret; try that first.
        if self.put_version(&name, &value).await? || self.create(&name, &value).await? {
            return Ok(());
        }
        if self.put_version(&name, &value).await? {
            return Ok(());
        }
        Err(StoreError::Unavailable(format!(
            "secret {name} neither exists nor can be created"
        )))
    }

    async fn delete(&self, portal: PortalId) -> Result<(), StoreError> {
        let result = self
            .client
            .delete_secret()
            .secret_id(self.secret_name(portal))
            .force_delete_without_recovery(true)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if code(&err) == NOT_FOUND => Ok(()),
            Err(err) => Err(unavailable("DeleteSecret", &err)),
        }
    }
}
