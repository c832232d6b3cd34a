//! [`SyncConfigSource`] over DynamoDB: a tenant's override document (`TENANT#{tenant}` /
//! `SYNCCONFIG`, attribute `document`, the raw JSON an operator set with `deeto-hubspot config
//! set`) applied to a base configuration, normally the repo defaults.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;

use super::item::{get_s, n, s, unavailable};
use super::tenant_pk;
use crate::domain::ids::TenantId;
use crate::ports::{Clock, StoreError};
use crate::sync::config::{ConfigError, SyncConfig, SyncConfigSource};
use crate::sync::overrides::SyncOverrides;

const SK: &str = "SYNCCONFIG";
/// How long a warm instance reuses a tenant's configuration. The worker asks for it on every
/// batch and it changes only when an operator sets it, so one read per tenant per 30 s saves
/// a read (and its latency) per batch; a change reaches every warm instance within 30 s.
pub const CACHE_TTL_MS: i64 = 30_000;

/// Why overrides were not stored.
#[derive(Debug, thiserror::Error)]
pub enum SetOverridesError {
    /// Every problem of the document, each with its line or JSON path.
    #[error("the override document has {} problem(s)", .0.len())]
    Invalid(Vec<ConfigError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct DynamoSyncConfig {
    client: Client,
    table: String,
    base: SyncConfig,
    clock: Arc<dyn Clock>,
    /// Tenant → (read at, configuration). Never held across an await.
    cache: Mutex<HashMap<TenantId, (i64, SyncConfig)>>,
}

impl std::fmt::Debug for DynamoSyncConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynamoSyncConfig")
            .field("table", &self.table)
            .finish_non_exhaustive()
    }
}

impl DynamoSyncConfig {
    pub fn new(
        client: Client,
        table: impl Into<String>,
        base: SyncConfig,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            client,
            table: table.into(),
            base,
            clock,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Validates the document and stores it as the tenant's overrides; nothing is stored
    /// unless every part is valid.
    pub async fn put_overrides(
        &self,
        tenant: &TenantId,
        raw: &str,
        at_ms: i64,
    ) -> Result<(), SetOverridesError> {
        SyncOverrides::parse(raw).map_err(SetOverridesError::Invalid)?;
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(tenant_pk(tenant)))
            .item("sk", s(SK))
            .item("document", s(raw))
            .item("updated_at_ms", n(at_ms))
            .send()
            .await
            .map_err(|e| unavailable("PutItem", e))?;
        self.forget(tenant);
        Ok(())
    }

    /// The tenant's stored override document, as the operator wrote it.
    pub async fn overrides(&self, tenant: &TenantId) -> Result<Option<String>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(tenant_pk(tenant)))
            .key("sk", s(SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        out.item
            .map(|item| {
                get_s(&item, "document").ok_or_else(|| {
                    StoreError::Corrupt(format!("sync config of tenant {tenant} lacks `document`"))
                })
            })
            .transpose()
    }

    fn cached(&self, tenant: &TenantId, now_ms: i64) -> Option<SyncConfig> {
        let cache = self.cache.lock().ok()?;
        let (read_at, config) = cache.get(tenant)?;
        (now_ms - read_at < CACHE_TTL_MS).then(|| config.clone())
    }

    fn remember(&self, tenant: &TenantId, now_ms: i64, config: &SyncConfig) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(tenant.clone(), (now_ms, config.clone()));
        }
    }

    fn forget(&self, tenant: &TenantId) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.remove(tenant);
        }
    }
}

#[async_trait]
impl SyncConfigSource for DynamoSyncConfig {
    async fn config(&self, tenant: &TenantId) -> Result<SyncConfig, StoreError> {
        let now_ms = self.clock.now_ms();
        if let Some(config) = self.cached(tenant, now_ms) {
            return Ok(config);
        }
        let config = match self.overrides(tenant).await? {
            None => self.base.clone(),
            Some(raw) => {
                let overrides = SyncOverrides::parse(&raw).map_err(|errors| {
                    let first = errors.first().map(ToString::to_string).unwrap_or_default();
                    StoreError::Corrupt(format!(
                        "stored sync overrides of tenant {tenant} are invalid ({} problem(s)), first: {first}",
                        errors.len()
                    ))
                })?;
                self.base.with_overrides(&overrides)
            }
        };
        self.remember(tenant, now_ms, &config);
        Ok(config)
    }
}
