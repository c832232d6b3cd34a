//! Lambda entry point: read config, build the adapters once, hand each SQS batch to [`handle`].

use common::adapters::aws::load_sdk_config;
use common::adapters::hubspot_stack::HubSpotStack;
use common::adapters::sqs::SqsJobQueue;
use common::adapters::sync_worker::{WorkerQueues, sync_worker};
use common::config::SyncWorkerConfig;
use common::ports::{Clock, SystemClock};
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
    let queues = WorkerQueues {
        outbound: &config.outbound_queue_url,
        sync: &config.sync_queue_url,
    };
    let worker = sync_worker(&sdk, &stack, &config.access.table_name, queues);
    let dead_letters =
        SqsJobQueue::new(aws_sdk_sqs::Client::new(&sdk), config.dead_letter_queue_url);
    let (worker, dead_letters) = (&worker, &dead_letters);
    let local_timeout = config.local_timeout;
    run(service_fn(move |event: LambdaEvent<_>| async move {
        let now = u64::try_from(SystemClock.now_ms()).unwrap_or_default();
        let deadline = stop_at(event.context.deadline, now, local_timeout);
        Ok::<_, Error>(handle(worker, dead_letters, event.payload, deadline).await)
    }))
    .await
}
