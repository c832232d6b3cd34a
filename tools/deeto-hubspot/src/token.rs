//! `deeto-hubspot token check PORTAL`: is the portal's HubSpot authorization healthy? Takes an
//! access token the way every function does (cached, or refreshed from the stored refresh
//! token), introspects it, and compares the portal and scopes with what the app needs. No token
//! is ever printed.

use clap::Subcommand;
use common::adapters::hubspot_stack::HubSpotStack;
use common::config::{Env, HubSpotAccess};
use common::domain::ids::PortalId;
use common::hubspot::oauth::REQUIRED_SCOPES;
use common::ports::{OAuthApi, TenantStore, TokenProvider};
use serde::Serialize;

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Check the portal's tokens; exit 1 when it is not healthy.
    Check { portal: u64 },
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Health {
    portal_id: u64,
    status: String,
    healthy: bool,
    hub_id: Option<u64>,
    missing_scopes: Vec<String>,
    problem: Option<String>,
}

pub async fn run(command: TokenCommand, json: bool) -> Result<(), String> {
    let TokenCommand::Check { portal } = command;
    let mut env = Env::from_process();
    let access = HubSpotAccess::read(&mut env);
    env.finish(()).map_err(|e| e.to_string())?;
    let sdk = common::adapters::aws::load_sdk_config().await;
    let stack = HubSpotStack::from_access(&sdk, &access).await?;
    let binding = stack
        .tenants
        .portal(PortalId(portal))
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("unknown portal {portal}: no tenant installed it"))?;
    let mut health = Health {
        portal_id: portal,
        status: binding.status.as_str().to_owned(),
        healthy: false,
        hub_id: None,
        missing_scopes: Vec::new(),
        problem: None,
    };
    match stack.tokens.access_token(PortalId(portal)).await {
        Err(err) => health.problem = Some(format!("no access token: {err}")),
        Ok(token) => match stack.oauth.introspect(&token).await {
            Err(err) => health.problem = Some(format!("introspection failed: {err}")),
            Ok(info) => {
                health.hub_id = Some(info.hub_id.0);
                health.missing_scopes = REQUIRED_SCOPES
                    .iter()
                    .filter(|s| !info.scopes.iter().any(|have| have == *s))
                    .map(|s| (*s).to_owned())
                    .collect();
                if info.hub_id.0 != portal {
                    health.problem = Some(format!("the token is for portal {}", info.hub_id));
                } else if !health.missing_scopes.is_empty() {
                    health.problem = Some("required scopes are missing".into());
                }
            }
        },
    }
    health.healthy = health.problem.is_none();
    print(&health, json)?;
    if health.healthy {
        Ok(())
    } else {
        Err(format!("portal {portal} is not healthy"))
    }
}

fn print(health: &Health, json: bool) -> Result<(), String> {
    if json {
        let text = serde_json::to_string(health).map_err(|e| e.to_string())?;
        println!("{text}");
        return Ok(());
    }
    let verdict = if health.healthy {
        "healthy"
    } else {
        "NOT healthy"
    };
    println!(
        "portal {}: {verdict} (tenant {})",
        health.portal_id, health.status
    );
    if let Some(problem) = &health.problem {
        println!("  problem: {problem}");
    }
    if !health.missing_scopes.is_empty() {
        println!("  missing scopes: {}", health.missing_scopes.join(", "));
    }
    Ok(())
}
