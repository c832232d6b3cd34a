//! Every way a card request can fail, mapped to its HTTP answer in one place. The card shows
//! `message` to the rep, so it says what happened in their words.

use common::adapters::http::json_response;
use common::card::{CardError, QueryError};
use common::webhook::SignatureError;
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};

use crate::body::BodyError;

#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    #[error("no such route")]
    NotFound,
    #[error("method not allowed; {0} is")]
    MethodNotAllowed(&'static str),
    #[error("body is {0} bytes, over the limit")]
    PayloadTooLarge(usize),
    #[error("signature refused: {0}")]
    Unauthorized(SignatureError),
    #[error("{0}")]
    BadQuery(QueryError),
    #[error("{0}")]
    BadBody(BodyError),
    #[error("{0}")]
    Card(CardError),
}

impl Rejection {
    pub fn status(&self) -> StatusCode {
        match self {
            Rejection::NotFound => StatusCode::NOT_FOUND,
            Rejection::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Rejection::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Rejection::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Rejection::BadQuery(_) | Rejection::BadBody(_) => StatusCode::BAD_REQUEST,
            Rejection::Card(CardError::NotFound(_)) => StatusCode::NOT_FOUND,
            Rejection::Card(CardError::NotConnected(_)) => StatusCode::CONFLICT,
            // HubSpot retries a 5xx once within the fetch's window; the card offers a retry.
            Rejection::Card(CardError::Store(_) | CardError::Publish(_)) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Rejection::NotFound => "not_found",
            Rejection::MethodNotAllowed(_) => "method_not_allowed",
            Rejection::PayloadTooLarge(_) => "payload_too_large",
            Rejection::Unauthorized(_) => "unauthorized",
            Rejection::BadQuery(_) | Rejection::BadBody(_) => "bad_request",
            Rejection::Card(CardError::NotFound(_)) => "not_found",
            Rejection::Card(CardError::NotConnected(_)) => "not_connected",
            Rejection::Card(_) => "unavailable",
        }
    }

    /// What the rep reads. A signature failure says nothing about which check failed, and an
    /// outage says nothing about our infrastructure.
    fn public_message(&self) -> String {
        match self {
            Rejection::NotFound => "no such route".into(),
            Rejection::MethodNotAllowed(allowed) => format!("only {allowed} is allowed here"),
            Rejection::PayloadTooLarge(_) => {
                format!("body exceeds {} bytes", crate::MAX_BODY_BYTES)
            }
            Rejection::Unauthorized(_) => "invalid or missing HubSpot signature".into(),
            Rejection::BadQuery(err) => err.to_string(),
            Rejection::BadBody(err) => err.to_string(),
            Rejection::Card(CardError::NotFound(what)) => what.clone(),
            Rejection::Card(CardError::NotConnected(_)) => {
                "Deeto is not connected to this HubSpot account. Ask your HubSpot admin to \
                 reconnect it."
                    .into()
            }
            Rejection::Card(_) => "Deeto is briefly unavailable; please try again.".into(),
        }
    }

    pub fn into_response(self) -> Response<Body> {
        let body = serde_json::json!({ "error": self.code(), "message": self.public_message() });
        let mut response = json_response(self.status(), &body);
        if let Rejection::MethodNotAllowed(allowed) = self {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allowed));
        }
        response
    }
}
