//! Lambda entry point: read config, build the adapters once, serve requests with [`handle`].

use std::sync::Arc;

use common::adapters::aws::load_sdk_config;
use common::adapters::dynamodb::oauth_state::DynamoOAuthStateStore;
use common::adapters::hubspot_stack::HubSpotStack;
use common::config::OAuthCallbackConfig;
use common::install::Installer;
use common::ports::SystemClock;
use lambda_http::{Error, Request, run, service_fn};
use oauth_callback::{OAuthApp, handle};

#[tokio::main]
async fn main() -> Result<(), Error> {
    common::telemetry::init();
    let config =
        OAuthCallbackConfig::from_env().inspect_err(|err| tracing::error!(%err, "cannot start"))?;
    let sdk = load_sdk_config().await;
    let stack = HubSpotStack::from_access(&sdk, &config.access)
        .await
        .inspect_err(|err| tracing::error!(%err, "cannot start"))?;
    let installer = Installer {
        tenants: stack.tenants.clone(),
        states: Arc::new(DynamoOAuthStateStore::new(
            aws_sdk_dynamodb::Client::new(&sdk),
            &config.access.table_name,
        )),
        oauth: stack.oauth.clone(),
        vault: stack.vault.clone(),
        token_cache: stack.token_cache.clone(),
        hubspot: stack.api.clone(),
        clock: Arc::new(SystemClock),
    };
    let app = OAuthApp {
        installer,
        redirect_uri: config.redirect_uri,
    };
    let app = &app;
    run(service_fn(move |req: Request| async move {
        Ok::<_, Error>(handle(app, req).await)
    }))
    .await
}
