//! Every way a request can fail, mapped to its HTTP answer in one place.

use common::adapters::http::json_response;
use common::commands::FieldError;
use common::ports::{StoreError, TenantStatus};
use common::queue::EnqueueError;
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};
use serde_json::json;

use crate::auth::AuthFailure;
use crate::handler::{MAX_BODY_BYTES, RETRY_AFTER_SECONDS};

#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    #[error("no such route")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("body is {0} bytes, over the limit")]
    PayloadTooLarge(usize),
    #[error("not authenticated: {0}")]
    Unauthorized(AuthFailure),
    #[error("{} invalid command fields", .0.len())]
    Invalid(Vec<FieldError>),
    #[error("tenant is {}, not connected", .0.as_str())]
    NotConnected(TenantStatus),
    #[error("{0}")]
    Store(StoreError),
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
            Rejection::Invalid(_) => StatusCode::BAD_REQUEST,
            Rejection::NotConnected(_) => StatusCode::CONFLICT,
            Rejection::Store(StoreError::Unavailable(_)) | Rejection::QueueUnavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Rejection::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Rejection::NotFound => "not_found",
            Rejection::MethodNotAllowed => "method_not_allowed",
            Rejection::PayloadTooLarge(_) => "payload_too_large",
            Rejection::Unauthorized(_) => "unauthorized",
            Rejection::Invalid(_) => "invalid commands",
            Rejection::NotConnected(_) => "not_connected",
            Rejection::Store(StoreError::Unavailable(_)) | Rejection::QueueUnavailable(_) => {
                "unavailable"
            }
            Rejection::Store(_) => "internal",
        }
    }

    /// What the caller sees: enough to act on, nothing about our infrastructure, and the same
    /// words for an unknown key as for a malformed one.
    fn public_message(&self) -> String {
        match self {
            Rejection::NotFound => "no such route".into(),
            Rejection::MethodNotAllowed => "only POST is allowed here".into(),
            Rejection::PayloadTooLarge(_) => format!("body exceeds {MAX_BODY_BYTES} bytes"),
            Rejection::Unauthorized(AuthFailure::Missing) => {
                "send the licence key as `Authorization: Bearer <licence key>`".into()
            }
            Rejection::Unauthorized(AuthFailure::Revoked) => {
                "this licence key has been revoked".into()
            }
            Rejection::Unauthorized(_) => "invalid licence key".into(),
            Rejection::Invalid(errors) => format!(
                "{} problem(s) in the commands; nothing was queued",
                errors.len()
            ),
            Rejection::NotConnected(status) => format!(
                "the licence key's tenant is {} with HubSpot, so its commands cannot be carried \
                 out; nothing was queued. Install (or reconnect) the integration, then resend",
                status_words(*status)
            ),
            Rejection::Store(StoreError::Unavailable(_)) | Rejection::QueueUnavailable(_) => {
                format!(
                    "commands could not be queued right now; resend the same request after \
                     {RETRY_AFTER_SECONDS} seconds (commands are idempotent by id, so any that \
                     did get through are not carried out twice)"
                )
            }
            Rejection::Store(_) => "internal error".into(),
        }
    }

    pub fn into_response(self) -> Response<Body> {
        let mut body = json!({ "error": self.code(), "message": self.public_message() });
        if let Rejection::Invalid(errors) = &self {
            body["errors"] = json!(errors);
        }
        let mut response = json_response(self.status(), &body);
        let headers = response.headers_mut();
        match &self {
            Rejection::MethodNotAllowed => {
                headers.insert(header::ALLOW, HeaderValue::from_static("POST"));
            }
            Rejection::Unauthorized(AuthFailure::Missing) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Rejection::Unauthorized(_) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"invalid_token\""),
                );
            }
            _ if self.status() == StatusCode::SERVICE_UNAVAILABLE => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
            }
            _ => {}
        }
        response
    }
}

fn status_words(status: TenantStatus) -> &'static str {
    match status {
        TenantStatus::Pending => "not yet installed",
        TenantStatus::Disconnected => "disconnected",
        // A connected tenant without a portal: a half-written record; same advice.
        TenantStatus::Connected => "not bound to a portal",
    }
}
