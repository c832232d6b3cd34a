//! `deeto-hubspot config …`: a tenant's sync overrides (README: "Relevance, mapping and
//! campaigns"). The document is validated in full before anything is stored.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Subcommand;
use common::adapters::dynamodb::sync_config::{CACHE_TTL_MS, DynamoSyncConfig, SetOverridesError};
use common::adapters::dynamodb::tenants::DynamoTenantStore;
use common::domain::ids::TenantId;
use common::ports::{Clock, SystemClock, TenantStore};
use common::sync::{ConfigError, SyncConfig, SyncOverrides};
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show a tenant's stored overrides (the repo defaults apply where none are set).
    Show {
        #[arg(long)]
        tenant: String,
    },
    /// Validate an override document and store it as the tenant's; prints every problem.
    Set {
        #[arg(long)]
        tenant: String,
        /// The override document (JSON); replaces the stored one as a whole.
        #[arg(long)]
        file: PathBuf,
    },
}

pub async fn run(command: ConfigCommand, json: bool) -> Result<(), String> {
    let (client, table) = crate::dynamo().await?;
    let tenants = DynamoTenantStore::new(client.clone(), &table);
    let source = DynamoSyncConfig::new(
        client,
        table,
        SyncConfig::repo_default(),
        Arc::new(SystemClock),
    );
    match command {
        ConfigCommand::Show { tenant } => {
            let tenant = known_tenant(&tenants, tenant).await?;
            let raw = source.overrides(&tenant).await.map_err(|e| e.to_string())?;
            show(&tenant, raw.as_deref(), json);
            Ok(())
        }
        ConfigCommand::Set { tenant, file } => {
            let raw = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let tenant = known_tenant(&tenants, tenant).await?;
            match source
                .put_overrides(&tenant, &raw, SystemClock.now_ms())
                .await
            {
                Ok(()) => {
                    print_set(&tenant, &file, json);
                    Ok(())
                }
                Err(SetOverridesError::Invalid(errors)) => Err(refused(&file, &errors, json)),
                Err(SetOverridesError::Store(err)) => Err(err.to_string()),
            }
        }
    }
}

/// A typo in the tenant id would otherwise store overrides nobody reads.
async fn known_tenant(tenants: &DynamoTenantStore, id: String) -> Result<TenantId, String> {
    let id = TenantId(id);
    match tenants.tenant(&id).await.map_err(|e| e.to_string())? {
        Some(_) => Ok(id),
        None => Err(format!("no tenant {id}")),
    }
}

fn show(tenant: &TenantId, raw: Option<&str>, json: bool) {
    // A document valid when set can break when the code's rules change: the worker would then
    // refuse the tenant's messages, so say so here.
    if let Some(Err(errors)) = raw.map(SyncOverrides::parse) {
        eprintln!(
            "warning: the stored overrides no longer validate; the sync worker rejects them:"
        );
        for error in &errors {
            eprintln!("  {error}");
        }
    }
    if json {
        let document = raw.map(|r| serde_json::from_str(r).unwrap_or_else(|_| json!(r)));
        println!("{}", json!({ "tenantId": tenant.0, "overrides": document }));
        return;
    }
    match raw {
        Some(raw) => println!("{}", raw.trim_end()),
        None => println!("tenant {tenant} has no sync overrides: the repo defaults apply"),
    }
}

fn print_set(tenant: &TenantId, file: &std::path::Path, json: bool) {
    if json {
        println!("{}", json!({ "tenantId": tenant.0, "stored": true }));
    } else {
        println!(
            "sync overrides of tenant {tenant} set from {} (running workers pick them up within {} s)",
            file.display(),
            CACHE_TTL_MS / 1000
        );
    }
}

/// Every problem, prefixed with the file like a compiler's message, so editors can jump to it.
pub(crate) fn refused(file: &std::path::Path, errors: &[ConfigError], json: bool) -> String {
    if json {
        let rows: Vec<_> = errors
            .iter()
            .map(|e| match e {
                ConfigError::Syntax {
                    line,
                    column,
                    message,
                } => {
                    json!({ "line": line, "column": column, "message": message })
                }
                ConfigError::Invalid { path, message } => {
                    json!({ "path": path, "message": message })
                }
            })
            .collect();
        println!("{}", json!({ "stored": false, "errors": rows }));
    }
    let lines: Vec<String> = errors
        .iter()
        .map(|e| format!("  {}: {e}", file.display()))
        .collect();
    format!(
        "{} has {} problem(s); nothing was stored:\n{}",
        file.display(),
        errors.len(),
        lines.join("\n")
    )
}
