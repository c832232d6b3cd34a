//! The pages a customer sees, and the one mapping from install errors to status codes.

use common::adapters::http::html_page;
use common::install::properties::ProvisionError;
use common::install::{InstallError, InstallOutcome};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

pub(crate) fn plain(status: StatusCode, title: &str, message: &str) -> Response<Body> {
    html_page(status, title, message)
}

pub fn success_page(outcome: &InstallOutcome) -> Response<Body> {
    let what = if outcome.reinstall {
        "reconnected"
    } else {
        "connected"
    };
    let message = format!(
        "{} is now {what} to HubSpot portal {}. You can close this page; reference data will appear in HubSpot shortly.",
        outcome.tenant_name, outcome.portal
    );
    html_page(StatusCode::OK, "Deeto is connected to HubSpot", &message)
}

/// Status code and page for each way an install can fail.
pub fn error_page(err: &InstallError) -> Response<Body> {
    let status = match err {
        InstallError::UnknownLicense | InstallError::RevokedLicense => StatusCode::FORBIDDEN,
        InstallError::MissingParameter(_)
        | InstallError::InvalidState(_)
        | InstallError::Denied { .. } => StatusCode::BAD_REQUEST,
        InstallError::PortalClaimed(_) | InstallError::TenantHasOtherPortal(_) => {
            StatusCode::CONFLICT
        }
        // A refused code (expired, reused) is the customer's to retry; HubSpot being down is not.
        InstallError::Exchange(e) if !e.is_retryable() => StatusCode::BAD_REQUEST,
        InstallError::Exchange(_) => StatusCode::BAD_GATEWAY,
        InstallError::Provisioning(ProvisionError::WrongType { .. }) => StatusCode::CONFLICT,
        InstallError::Provisioning(ProvisionError::HubSpot { .. }) => StatusCode::BAD_GATEWAY,
        InstallError::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
    };
    if status.is_server_error() {
        tracing::error!(error = %err, "install failed");
    } else {
        tracing::warn!(error = %err, "install refused");
    }
    let message = match err {
        // Infrastructure detail stays in the logs.
        InstallError::Store(_) => "A temporary problem on our side stopped the installation. Please try again in a minute.".to_owned(),
        other => other.to_string(),
    };
    html_page(status, "Deeto could not be connected", &message)
}
