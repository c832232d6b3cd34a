//! HubSpot's error body, and the one place a simulator error becomes an HTTP response.
//!
//! Shape (`Error` in every spec): `{status:"error", message, correlationId, category,
//! subCategory?, errors?[{message, in?, code?, context?}], context?, links?}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub category: &'static str,
    pub message: String,
    /// Boxed so `Result<_, ApiError>` stays small on the happy path.
    pub detail: Box<Detail>,
}

/// The optional parts of HubSpot's error body.
#[derive(Debug, Clone, Default)]
pub struct Detail {
    pub sub_category: Option<String>,
    pub errors: Vec<Value>,
    pub context: Option<Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, category: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            category,
            message: message.into(),
            detail: Box::default(),
        }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "OBJECT_NOT_FOUND", message)
    }

    pub fn conflict(category: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, category, message)
    }

    /// The 404 HubSpot gives for an unknown record id.
    pub fn object_not_found(id: &str) -> Self {
        Self::not_found("Object not found.  objectId are usually numeric.")
            .with_context(json!({ "id": [id] }))
    }

    pub fn unknown_object_type(name: &str) -> Self {
        Self::validation(format!("Unable to infer object type from: {name}"))
    }

    pub fn with_sub_category(mut self, sub: impl Into<String>) -> Self {
        self.detail.sub_category = Some(sub.into());
        self
    }

    pub fn with_errors(mut self, errors: Vec<Value>) -> Self {
        self.detail.errors = errors;
        self
    }

    pub fn with_context(mut self, context: Value) -> Self {
        self.detail.context = Some(context);
        self
    }

    /// The top-level error body.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("status".into(), "error".into());
        body.insert("message".into(), self.message.clone().into());
        body.insert("correlationId".into(), correlation_id().into());
        body.insert("category".into(), self.category.into());
        if let Some(sub) = &self.detail.sub_category {
            body.insert("subCategory".into(), sub.clone().into());
        }
        if !self.detail.errors.is_empty() {
            body.insert("errors".into(), Value::Array(self.detail.errors.clone()));
        }
        if let Some(context) = &self.detail.context {
            body.insert("context".into(), context.clone());
        }
        Value::Object(body)
    }

    /// One entry of a batch response's `errors[]` (`StandardError`).
    pub fn standard_error(&self) -> Value {
        json!({
            "status": "error",
            "category": self.category,
            "message": self.message,
            "subCategory": self.detail.sub_category,
            "context": self.detail.context.clone().unwrap_or_else(|| json!({})),
            "errors": self.detail.errors,
            "links": {},
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

pub fn correlation_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub type ApiResult<T> = Result<T, ApiError>;
