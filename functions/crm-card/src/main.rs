//! Lambda entry point: read config, build clients once, serve requests with [`handle`].

use std::sync::Arc;

use common::adapters::aws::load_sdk_config;
use common::adapters::dynamodb::card_state::DynamoCardState;
use common::adapters::dynamodb::rate_budget::DynamoRateBudget;
use common::adapters::hubspot_stack::{HubSpotStack, app_credentials};
use common::adapters::sync_worker::{WorkerQueues, sync_worker};
use common::card::{CardService, RefreshPolicy};
use common::config::CrmCardConfig;
use common::ports::SystemClock;
use crm_card::{CrmCard, handle};
use lambda_http::{Error, Request, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    common::telemetry::init();
    let config =
        CrmCardConfig::from_env().inspect_err(|err| tracing::error!(%err, "cannot start"))?;
    let sdk = load_sdk_config().await;
    let access = &config.access;
    let credentials = app_credentials(
        &sdk,
        &access.app_secret,
        access.client_id_override.as_deref(),
    )
    .await
    .inspect_err(|err| tracing::error!(%err, "cannot start"))?;
    let stack = HubSpotStack::build(
        &sdk,
        &access.table_name,
        &access.token_secret_prefix,
        &credentials,
        &access.hubspot,
    )
    .inspect_err(|err| tracing::error!(%err, "cannot start"))?;
    let queues = WorkerQueues {
        outbound: &config.outbound_queue_url,
        sync: &config.sync_queue_url,
    };
    // The tab reads the same stores, and queues on the same queues, as the worker.
    let worker = sync_worker(&sdk, &stack, &access.table_name, queues);
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
    let service = CardService {
        tenants: worker.tenants.clone(),
        configs: worker.configs.clone(),
        records: worker.records.clone(),
        tickets: worker.tickets.clone(),
        state: Arc::new(DynamoCardState::new(dynamodb.clone(), &access.table_name)),
        pools: worker.pools.clone(),
        budget: Arc::new(DynamoRateBudget::new(dynamodb, &access.table_name)),
        sync_queue: worker.sync_queue.clone(),
        outbound: worker.outbound.clone(),
        clock: worker.clock.clone(),
        inline: config.inline_sync.then(|| worker.clone()),
        // Set per request from the URL HubSpot called (see the handler).
        install_url: String::new(),
        policy: RefreshPolicy::default(),
    };
    let card = CrmCard {
        client_secret: credentials.client_secret,
        service,
        clock: Arc::new(SystemClock),
        public_base_url: config.public_base_url,
    };
    let card = &card;
    run(service_fn(move |req: Request| async move {
        Ok::<_, Error>(handle(card, req).await)
    }))
    .await
}
