//! Every way a webhook request can fail, mapped to its HTTP answer in one place.

use common::adapters::http::json_response;
use common::queue::EnqueueError;
use common::webhook::{BatchError, SignatureError};
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};

#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    #[error("no such route")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("body is {0} bytes, over the limit")]
    PayloadTooLarge(usize),
    #[error("signature refused: {0}")]
    Unauthorized(SignatureError),
    #[error("{0}")]
    BadRequest(BatchError),
    #[error("{0}")]
    QueueUnavailable(EnqueueError),
}

impl Rejection {
    pub fn status(&self) -> StatusCode {
        match self {
            Rejection::NotFound => StatusCode::NOT_FOUND,
            Rejection::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Rejection::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Rejection::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Rejection::BadRequest(_) => StatusCode::BAD_REQUEST,
            // HubSpot retries any 5xx, which is exactly what we want when SQS is down.
            Rejection::QueueUnavailable(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message the caller sees. A signature failure says nothing about which check failed,
    /// and a queue failure says nothing about our infrastructure.
    fn public_message(&self) -> String {
        match self {
            Rejection::NotFound => "no such route".into(),
            Rejection::MethodNotAllowed => "only POST is allowed here".into(),
            Rejection::PayloadTooLarge(_) => {
                format!("body exceeds {} bytes", crate::MAX_BODY_BYTES)
            }
            Rejection::Unauthorized(_) => "invalid or missing signature".into(),
            Rejection::BadRequest(err) => err.to_string(),
            Rejection::QueueUnavailable(_) => "events could not be stored; please retry".into(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Rejection::NotFound => "not_found",
            Rejection::MethodNotAllowed => "method_not_allowed",
            Rejection::PayloadTooLarge(_) => "payload_too_large",
            Rejection::Unauthorized(_) => "unauthorized",
            Rejection::BadRequest(_) => "bad_request",
            Rejection::QueueUnavailable(_) => "unavailable",
        }
    }

    pub fn into_response(self) -> Response<Body> {
        let body = serde_json::json!({ "error": self.code(), "message": self.public_message() });
        let mut response = json_response(self.status(), &body);
        if matches!(self, Rejection::MethodNotAllowed) {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        response
    }
}
