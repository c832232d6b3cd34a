//! Lambda entry point: read config, build the adapters once, hand each scheduled event to
//! [`handle`].

use common::adapters::aws::load_sdk_config;
use common::adapters::dynamodb::checkpoints::DynamoCheckpoints;
use common::adapters::dynamodb::tenants::DynamoTenantStore;
use common::adapters::sqs::SqsJobQueue;
use common::config::DailyReconcileConfig;
use common::ports::SystemClock;
use common::reconcile::Starter;
use daily_reconcile::handle;
use lambda_runtime::{Error, LambdaEvent, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    common::telemetry::init();
    let config = DailyReconcileConfig::from_env()
        .inspect_err(|err| tracing::error!(%err, "cannot start"))?;
    let aws = load_sdk_config().await;
    let dynamodb = aws_sdk_dynamodb::Client::new(&aws);
    let tenants = DynamoTenantStore::new(dynamodb.clone(), &config.table_name);
    let checkpoints = DynamoCheckpoints::new(dynamodb, &config.table_name);
    let queue = SqsJobQueue::new(aws_sdk_sqs::Client::new(&aws), config.sync_queue_url);
    let starter = Starter {
        tenants: &tenants,
        checkpoints: &checkpoints,
        sync_queue: &queue,
    };
    let starter = &starter;
    run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            // Lambda reports the error by its message and retries the scheduled invocation.
            handle(starter, &SystemClock, event.payload)
                .await
                .map_err(Error::from)
        },
    ))
    .await
}
