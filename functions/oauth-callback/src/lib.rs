//! `GET /oauth/install?license_key=…` sends the customer to HubSpot's authorize page;
//! `GET /oauth/callback?code=…&state=…` completes the install. People see these pages, so every
//! outcome is a short HTML page with a precise status code.

mod pages;

use common::adapters::http::{query_param, redirect, request_target};
use common::install::{CallbackParams, Installer};
use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};
use tracing::Instrument;
use url::Url;

pub use pages::{error_page, success_page};

pub const INSTALL_ROUTE: &str = "/oauth/install";
pub const CALLBACK_ROUTE: &str = "/oauth/callback";

/// The function's dependencies, built once per cold start.
#[derive(Debug)]
pub struct OAuthApp {
    pub installer: Installer,
    /// Configured callback URL; `None` derives it from each request.
    pub redirect_uri: Option<Url>,
}

/// Handles one request; every outcome is a response.
pub async fn handle(app: &OAuthApp, req: Request) -> Response<Body> {
    let target = request_target(&req, None);
    let span =
        tracing::info_span!("oauth", route = %target.route_path, status = tracing::field::Empty);
    async move {
        let response = route(app, &req, &target.route_path, target.signed_uri.as_deref()).await;
        tracing::Span::current().record("status", response.status().as_u16());
        response
    }
    .instrument(span)
    .await
}

async fn route(
    app: &OAuthApp,
    req: &Request,
    route: &str,
    public_uri: Option<&str>,
) -> Response<Body> {
    if route != INSTALL_ROUTE && route != CALLBACK_ROUTE {
        return pages::plain(
            StatusCode::NOT_FOUND,
            "Not found",
            "There is nothing at this address.",
        );
    }
    if req.method() != Method::GET {
        return pages::plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method not allowed",
            "Only GET is allowed here.",
        );
    }
    let Some(redirect_uri) = callback_url(app, route, public_uri) else {
        return pages::plain(
            StatusCode::BAD_REQUEST,
            "Bad request",
            "The request has no host.",
        );
    };
    if route == INSTALL_ROUTE {
        let Some(key) = query_param(req, "license_key") else {
            return pages::plain(
                StatusCode::BAD_REQUEST,
                "Licence key missing",
                "Open the install link from Deeto, which carries your licence key.",
            );
        };
        return match app.installer.start(&key, &redirect_uri).await {
            Ok(authorize_url) => redirect(&authorize_url).unwrap_or_else(|| {
                pages::plain(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Error",
                    "Bad authorize URL.",
                )
            }),
            Err(err) => error_page(&err),
        };
    }
    let params = CallbackParams {
        code: query_param(req, "code"),
        state: query_param(req, "state"),
        error: query_param(req, "error"),
        error_description: query_param(req, "error_description"),
    };
    match app.installer.complete(params, &redirect_uri).await {
        Ok(outcome) => success_page(&outcome),
        Err(err) => error_page(&err),
    }
}

/// Our callback's public URL: configured, or this request's public URL with the route replaced.
fn callback_url(app: &OAuthApp, route: &str, public_uri: Option<&str>) -> Option<String> {
    if let Some(configured) = &app.redirect_uri {
        return Some(configured.to_string());
    }
    let without_query = public_uri?.split('?').next()?;
    let base = without_query.strip_suffix(route)?;
    Some(format!("{base}{CALLBACK_ROUTE}"))
}
