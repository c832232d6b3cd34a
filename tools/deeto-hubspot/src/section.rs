//! `deeto-hubspot mapping|rules show|set|reset PORTAL`: one section of a portal's tenant's sync
//! overrides at a time (`mapping`, or the campaign rules under `campaigns`), validated on its
//! own (errors name the file's line or the field) before it is merged into the stored document.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Subcommand;
use common::adapters::dynamodb::sync_config::{DynamoSyncConfig, SetOverridesError};
use common::adapters::dynamodb::tenants::DynamoTenantStore;
use common::domain::ids::{PortalId, TenantId};
use common::ports::{Clock, SystemClock, TenantStore};
use common::sync::{
    CampaignOverride, ConfigError, CrmObject, MappingOverride, SyncConfig, SyncConfigSource,
};
use serde_json::{Map, Value, json};

#[derive(Debug, Subcommand)]
pub enum SectionCommand {
    /// The stored override and what is in effect (repo defaults plus the override).
    Show { portal: u64 },
    /// Validate FILE and store it as this section (the rest of the overrides is kept).
    Set {
        portal: u64,
        #[arg(long)]
        file: PathBuf,
    },
    /// Remove this section's override: the repo defaults apply again.
    Reset { portal: u64 },
}

/// Which section a command works on.
#[derive(Debug, Clone, Copy)]
pub enum Section {
    Mapping,
    Rules,
}

impl Section {
    /// Its key in the overrides document.
    fn key(self) -> &'static str {
        match self {
            Section::Mapping => "mapping",
            Section::Rules => "campaigns",
        }
    }

    fn validate(self, raw: &str) -> Result<(), Vec<ConfigError>> {
        match self {
            Section::Mapping => MappingOverride::parse(raw).map(|_| ()),
            Section::Rules => CampaignOverride::parse(raw).map(|_| ()),
        }
    }

    /// What is in effect, for people and scripts.
    fn effective(self, config: &SyncConfig) -> Value {
        match self {
            Section::Mapping => {
                let objects = CrmObject::ALL.map(|o| {
                    let properties: Vec<&str> = config.mapping.properties(o).collect();
                    (o.plural().to_owned(), json!(properties))
                });
                Value::Object(objects.into_iter().collect())
            }
            Section::Rules => json!(config.rules.rules),
        }
    }
}

pub async fn run(section: Section, command: SectionCommand, json: bool) -> Result<(), String> {
    let (client, table) = crate::dynamo().await?;
    let tenants = DynamoTenantStore::new(client.clone(), &table);
    let source = DynamoSyncConfig::new(
        client,
        table,
        SyncConfig::repo_default(),
        Arc::new(SystemClock),
    );
    let portal = match &command {
        SectionCommand::Show { portal }
        | SectionCommand::Set { portal, .. }
        | SectionCommand::Reset { portal } => PortalId(*portal),
    };
    let tenant = tenants
        .portal(portal)
        .await
        .map_err(|e| e.to_string())?
        .map(|b| b.tenant_id)
        .ok_or_else(|| format!("unknown portal {portal}: no tenant installed it"))?;
    let mut document = stored(&source, &tenant).await?;
    match command {
        SectionCommand::Show { .. } => {
            let config = source.config(&tenant).await.map_err(|e| e.to_string())?;
            let shown = json!({"portalId": portal.0, "tenantId": tenant.0,
                "override": document.get(section.key()), "effective": section.effective(&config)});
            let text = if json {
                shown.to_string()
            } else {
                serde_json::to_string_pretty(&shown).map_err(|e| e.to_string())?
            };
            println!("{text}");
            return Ok(());
        }
        SectionCommand::Set { file, .. } => {
            let raw = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            section
                .validate(&raw)
                .map_err(|errors| crate::config::refused(&file, &errors, json))?;
            let value: Value = serde_json::from_str(&raw).map_err(|e| e.to_string())?;
            document.insert(section.key().to_owned(), value);
        }
        SectionCommand::Reset { .. } => {
            document.remove(section.key());
        }
    }
    let raw = serde_json::to_string_pretty(&document).map_err(|e| e.to_string())?;
    match source
        .put_overrides(&tenant, &raw, SystemClock.now_ms())
        .await
    {
        Ok(()) => {
            println!(
                "{}",
                json!({"portalId": portal.0, "section": section.key(), "stored": true})
            );
            Ok(())
        }
        Err(SetOverridesError::Invalid(errors)) => Err(format!(
            "the merged overrides do not validate; nothing was stored: {}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )),
        Err(SetOverridesError::Store(err)) => Err(err.to_string()),
    }
}

/// The tenant's stored overrides as a JSON object (empty when none).
async fn stored(
    source: &DynamoSyncConfig,
    tenant: &TenantId,
) -> Result<Map<String, Value>, String> {
    let raw = source.overrides(tenant).await.map_err(|e| e.to_string())?;
    match raw.map(|r| serde_json::from_str::<Value>(&r)) {
        None => Ok(Map::new()),
        Some(Ok(Value::Object(map))) => Ok(map),
        Some(_) => {
            Err("the stored overrides are not a JSON object; fix them with `config set`".into())
        }
    }
}
