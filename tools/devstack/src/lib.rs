//! Developer tooling for the local stack: creates the resources `template.yaml` declares on the
//! moto server, resolves each function's environment the way CloudFormation would, and builds
//! HubSpot-signed webhook requests and API Gateway events.

pub mod provision;
pub mod pump;
pub mod signing;
pub mod template;

pub use provision::{Provisioned, provision};
pub use signing::{
    SignedFetch, SignedWebhook, api_gateway_v2_event, api_gateway_v2_request, sign_fetch,
    sign_webhook,
};
pub use template::Template;
