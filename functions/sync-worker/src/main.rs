//! Lambda entry point: read config, build the adapters once, hand each SQS batch to [`handle`].

use std::sync::Arc;

use common::adapters::aws::load_sdk_config;
use common::adapters::dynamodb::campaigns::DynamoCampaignLedger;
use common::adapters::dynamodb::checkpoints::DynamoCheckpoints;
use common::adapters::dynamodb::commands::DynamoCommandLedger;
use common::adapters::dynamodb::records::DynamoRecordStore;
use common::adapters::dynamodb::sync_config::DynamoSyncConfig;
use common::adapters::hubspot_stack::HubSpotStack;
use common::adapters::sqs::SqsJobQueue;
use common::config::SyncWorkerConfig;
use common::ports::Clock;
use common::ports::SystemClock;
use common::sync::SyncConfig;
use common::sync::outbox::QueueOutbox;
use common::sync::worker::SyncWorker;
use lambda_runtime::{Error, LambdaEvent, run, service_fn};
use sync_worker::{handle, stop_at};

#[tokio::main]
async fn main() -> Result<(), Error> {
    common::telemetry::init();
    let config =
        SyncWorkerConfig::from_env().inspect_err(|err| tracing::error!(%err, "cannot start"))?;
    let sdk = load_sdk_config().await;
    let stack = HubSpotStack::from_access(&sdk, &config.access)
        .await
        .inspect_err(|err| tracing::error!(%err, "cannot start"))?;
    let table = &config.access.table_name;
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let clock = Arc::new(SystemClock);
    let worker = SyncWorker {
        tenants: stack.tenants.clone(),
        configs: Arc::new(DynamoSyncConfig::new(
            dynamodb.clone(),
            table,
            SyncConfig::repo_default(),
            clock.clone(),
        )),
        records: Arc::new(DynamoRecordStore::new(dynamodb.clone(), table)),
        ledger: Arc::new(DynamoCampaignLedger::new(dynamodb.clone(), table)),
        outbound: Arc::new(QueueOutbox::new(Arc::new(SqsJobQueue::new(
            sqs.clone(),
            config.outbound_queue_url,
        )))),
        hubspot: stack.api.clone(),
        clock,
        tickets: stack.tickets.clone(),
        commands: Arc::new(DynamoCommandLedger::new(dynamodb.clone(), table)),
        checkpoints: Arc::new(DynamoCheckpoints::new(dynamodb.clone(), table)),
        sync_queue: Arc::new(SqsJobQueue::new(sqs.clone(), config.sync_queue_url)),
    };
    let dead_letters = SqsJobQueue::new(sqs, config.dead_letter_queue_url);
    let (worker, dead_letters) = (&worker, &dead_letters);
    run(service_fn(move |event: LambdaEvent<_>| async move {
        let now = u64::try_from(SystemClock.now_ms()).unwrap_or_default();
        let deadline = stop_at(event.context.deadline, now);
        Ok::<_, Error>(handle(worker, dead_letters, event.payload, deadline).await)
    }))
    .await
}
