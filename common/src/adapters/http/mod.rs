//! The inbound HTTP edge: API Gateway (payload 2.0) requests as lambda_http hands them over,
//! and the responses every HTTP function gives.

mod response;
mod target;

pub use response::{html_page, json_response, query_param, redirect};
pub use target::{RequestTarget, request_target};
