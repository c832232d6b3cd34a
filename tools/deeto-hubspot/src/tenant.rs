//! `deeto-hubspot tenant …`

use std::sync::Arc;

use clap::Subcommand;
use common::adapters::dynamodb::checkpoints::DynamoCheckpoints;
use common::adapters::dynamodb::tenants::DynamoTenantStore;
use common::adapters::hubspot_stack::app_credentials;
use common::adapters::secrets::token_vault::SecretsManagerTokenVault;
use common::config::{AppSecretSource, Env, HubSpotEndpoints};
use common::domain::ids::TenantId;
use common::domain::iso_time::iso;
use common::hubspot::client::http_client;
use common::hubspot::oauth::{OAuthSettings, ReqwestOAuth};
use common::install::{disconnect_tenant, hash_license_key, new_license_key};
use common::ports::{Clock, SystemClock, Tenant, TenantStore};
use common::reconcile::{CheckpointStore, run_id};
use serde_json::json;

#[derive(Subcommand)]
pub enum TenantCommand {
    /// Create a tenant; prints its licence key once (only a hash is stored).
    Create {
        #[arg(long)]
        name: String,
    },
    /// List every tenant.
    List,
    /// Show one tenant.
    Show { id: String },
    /// Revoke the HubSpot refresh token, delete its secret, and mark the tenant disconnected.
    Disconnect {
        id: String,
        #[arg(long, default_value = "disconnected by an operator")]
        reason: String,
    },
    /// Revoke the tenant's licence key: new installs with it are refused.
    RevokeKey { id: String },
    /// Give the tenant a new licence key (printed once); the old one stops working at once.
    RotateKey { id: String },
}

pub async fn run(command: TenantCommand, json: bool) -> Result<(), String> {
    let mut env = Env::from_process();
    let table = env.required("TABLE_NAME", "the integration's DynamoDB table");
    env.finish(()).map_err(|e| e.to_string())?;
    let sdk = common::adapters::aws::load_sdk_config().await;
    let table_name = table.clone();
    let store = DynamoTenantStore::new(aws_sdk_dynamodb::Client::new(&sdk), table);
    match command {
        TenantCommand::Create { name } => create(&store, name, json).await,
        TenantCommand::List => {
            let tenants = store.list_tenants().await.map_err(|e| e.to_string())?;
            let syncs = last_syncs(&sdk, &table_name, &tenants).await?;
            print_tenants(&tenants, &syncs, json);
            Ok(())
        }
        TenantCommand::Show { id } => {
            let tenant = store
                .tenant(&TenantId(id.clone()))
                .await
                .map_err(|e| e.to_string())?
                .ok_or(format!("no tenant {id}"))?;
            let tenants = [tenant];
            let syncs = last_syncs(&sdk, &table_name, &tenants).await?;
            print_tenants(&tenants, &syncs, json);
            Ok(())
        }
        TenantCommand::Disconnect { id, reason } => {
            disconnect(&sdk, &store, id, &reason, json).await
        }
        TenantCommand::RotateKey { id } => rotate(&store, id, json).await,
        TenantCommand::RevokeKey { id } => {
            store
                .revoke_license(&TenantId(id.clone()))
                .await
                .map_err(|e| e.to_string())?;
            println!("licence key of tenant {id} revoked");
            Ok(())
        }
    }
}

async fn create(store: &DynamoTenantStore, name: String, json: bool) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("--name must not be empty".into());
    }
    let key = new_license_key();
    let tenant = Tenant::pending(
        TenantId(uuid::Uuid::new_v4().to_string()),
        name.trim().to_owned(),
    );
    store
        .create_tenant(&tenant, &hash_license_key(&key))
        .await
        .map_err(|e| e.to_string())?;
    if json {
        println!(
            "{}",
            json!({ "tenantId": tenant.id.0, "name": tenant.name, "licenseKey": key.expose() })
        );
    } else {
        println!(
            "tenant:      {}\nname:        {}\nlicence key: {}\n(shown once: only its hash is stored)",
            tenant.id,
            tenant.name,
            key.expose()
        );
    }
    Ok(())
}

async fn rotate(store: &DynamoTenantStore, id: String, json: bool) -> Result<(), String> {
    let tenant = TenantId(id.clone());
    if store
        .tenant(&tenant)
        .await
        .map_err(|e| e.to_string())?
        .is_none()
    {
        return Err(format!("no tenant {id}"));
    }
    let key = new_license_key();
    store
        .rotate_license(&tenant, &hash_license_key(&key))
        .await
        .map_err(|e| e.to_string())?;
    if json {
        println!("{}", json!({ "tenantId": id, "licenseKey": key.expose() }));
    } else {
        println!(
            "tenant:          {id}\nnew licence key: {}\n(shown once; the old key no longer works)",
            key.expose()
        );
    }
    Ok(())
}

async fn disconnect(
    sdk: &aws_config::SdkConfig,
    store: &DynamoTenantStore,
    id: String,
    reason: &str,
    json: bool,
) -> Result<(), String> {
    let mut env = Env::from_process();
    let prefix = env.required(
        "TOKEN_SECRET_PREFIX",
        "name prefix of the per-portal token secrets",
    );
    let oauth = crate_oauth(sdk, &mut env).await?;
    env.finish(()).map_err(|e| e.to_string())?;
    let vault = SecretsManagerTokenVault::new(aws_sdk_secretsmanager::Client::new(sdk), prefix);
    let done = disconnect_tenant(
        store,
        &vault,
        oauth.as_ref(),
        &TenantId(id.clone()),
        reason,
        SystemClock.now_ms(),
    )
    .await
    .map_err(|e| e.to_string())?;
    let portal = done
        .portal
        .map(|p| p.to_string())
        .unwrap_or_else(|| "none".into());
    if json {
        println!(
            "{}",
            json!({ "tenantId": id, "portalId": portal, "tokenRevoked": done.token_revoked })
        );
    } else {
        println!(
            "tenant {id} disconnected (portal {portal}, token revoked: {})",
            done.token_revoked
        );
    }
    Ok(())
}

/// The app's OAuth client, for revoking tokens.
async fn crate_oauth(
    sdk: &aws_config::SdkConfig,
    env: &mut Env,
) -> Result<Arc<dyn common::ports::OAuthApi>, String> {
    let source = AppSecretSource::read(env);
    let endpoints = HubSpotEndpoints::read(env);
    let client_id = env.optional("HUBSPOT_CLIENT_ID");
    let credentials = app_credentials(sdk, &source, client_id.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    let http = http_client(std::time::Duration::from_secs(10)).map_err(|e| e.to_string())?;
    let settings = OAuthSettings::with_app_scopes(
        endpoints.api_base,
        endpoints.auth_base,
        credentials.client_id,
        credentials.client_secret,
    );
    Ok(Arc::new(ReqwestOAuth::new(settings, http)))
}

/// The last finished daily reconcile of each tenant's portal (the last full sync), by tenant.
async fn last_syncs(
    sdk: &aws_config::SdkConfig,
    table: &str,
    tenants: &[Tenant],
) -> Result<Vec<Option<i64>>, String> {
    let checkpoints = DynamoCheckpoints::new(aws_sdk_dynamodb::Client::new(sdk), table);
    let tomorrow = run_id(SystemClock.now_ms() + 24 * 3600 * 1000);
    let mut syncs = Vec::with_capacity(tenants.len());
    for tenant in tenants {
        let Some(portal) = tenant.portal_id else {
            syncs.push(None);
            continue;
        };
        // The newest run up to today; an unfinished one says when it started.
        let run = checkpoints
            .previous(portal, &tomorrow)
            .await
            .map_err(|e| e.to_string())?;
        syncs.push(run.map(|r| r.finished_at_ms.unwrap_or(r.started_at_ms)));
    }
    Ok(syncs)
}

fn print_tenants(tenants: &[Tenant], syncs: &[Option<i64>], json: bool) {
    if json {
        let rows: Vec<_> = tenants
            .iter()
            .zip(syncs)
            .map(|(t, sync)| json!({ "tenantId": t.id.0, "name": t.name, "status": t.status.as_str(), "licenseActive": t.license_active,
                             "portalId": t.portal_id.map(|p| p.0), "scopes": t.scopes, "installedAtMs": t.installed_at_ms,
                             "lastSyncAtMs": sync, "statusReason": t.status_reason }))
            .collect();
        println!("{}", serde_json::Value::Array(rows));
        return;
    }
    println!(
        "{:<38} {:<24} {:<24} {:<10} {:<17} {:<17} LAST ERROR",
        "TENANT", "NAME", "STATUS", "PORTAL", "INSTALLED", "LAST SYNC"
    );
    let day = |ms: Option<i64>| ms.map_or("-".to_owned(), |ms| iso(ms)[..16].replace('T', " "));
    for (t, sync) in tenants.iter().zip(syncs) {
        let portal = t
            .portal_id
            .map(|p| p.to_string())
            .unwrap_or_else(|| "-".into());
        let status = if t.license_active {
            t.status.as_str().to_owned()
        } else {
            format!("{} (key revoked)", t.status.as_str())
        };
        println!(
            "{:<38} {:<24} {:<24} {:<10} {:<17} {:<17} {}",
            t.id,
            t.name,
            status,
            portal,
            day(t.installed_at_ms),
            day(*sync),
            t.status_reason.as_deref().unwrap_or("-")
        );
    }
}
