//! Shared AWS SDK configuration. The SDK itself honours `AWS_ENDPOINT_URL`, `AWS_REGION` and
//! the credential chain, which is how every client reaches moto locally with no code change.

/// Loads the SDK configuration once per cold start; clients built from it share connections.
pub async fn load_sdk_config() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}
