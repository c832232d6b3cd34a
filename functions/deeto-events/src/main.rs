//! Lambda entry point: read config, build the adapters once, serve requests with [`handle`].

use std::sync::Arc;

use common::adapters::aws::load_sdk_config;
use common::adapters::dynamodb::tenants::DynamoTenantStore;
use common::adapters::sqs::SqsJobQueue;
use common::config::DeetoEventsConfig;
use common::ports::SystemClock;
use common::queue::RetryPolicy;
use deeto_events::{DeetoEvents, handle};
use lambda_http::{Error, Request, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    common::telemetry::init();
    let config =
        DeetoEventsConfig::from_env().inspect_err(|err| tracing::error!(%err, "cannot start"))?;
    let aws = load_sdk_config().await;
    let app = DeetoEvents {
        tenants: Arc::new(DynamoTenantStore::new(
            aws_sdk_dynamodb::Client::new(&aws),
            config.table_name,
        )),
        queue: Arc::new(SqsJobQueue::new(
            aws_sdk_sqs::Client::new(&aws),
            config.sync_queue_url,
        )),
        clock: Arc::new(SystemClock),
        retry: RetryPolicy::default(),
    };
    let app = &app;
    run(service_fn(move |req: Request| async move {
        Ok::<_, Error>(handle(app, req).await)
    }))
    .await
}
