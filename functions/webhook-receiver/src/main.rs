//! Lambda entry point: read config, build clients once, serve requests with [`handle`].

use std::sync::Arc;

use common::adapters::{aws::load_sdk_config, secrets::load_app_credentials, sqs::SqsJobQueue};
use common::config::{AppSecretSource, ReceiverConfig};
use common::ports::SystemClock;
use common::queue::RetryPolicy;
use lambda_http::{Error, Request, run, service_fn};
use webhook_receiver::{Receiver, handle};

#[tokio::main]
async fn main() -> Result<(), Error> {
    common::telemetry::init();
    let config =
        ReceiverConfig::from_env().inspect_err(|err| tracing::error!(%err, "cannot start"))?;
    let aws = load_sdk_config().await;
    let client_secret = match config.app_secret {
        AppSecretSource::Override(secret) => secret,
        AppSecretSource::SecretsManager(id) => {
            let client = aws_sdk_secretsmanager::Client::new(&aws);
            load_app_credentials(&client, &id)
                .await
                .inspect_err(|err| tracing::error!(%err, "cannot start"))?
                .client_secret
        }
    };
    let receiver = Receiver {
        client_secret,
        queue: Arc::new(SqsJobQueue::new(
            aws_sdk_sqs::Client::new(&aws),
            config.sync_queue_url,
        )),
        clock: Arc::new(SystemClock),
        public_base_url: config.public_base_url,
        retry: RetryPolicy::default(),
    };
    let receiver = &receiver;
    run(service_fn(move |req: Request| async move {
        Ok::<_, Error>(handle(receiver, req).await)
    }))
    .await
}
