//! The request handler: a plain async function over its dependencies, callable from tests.

use common::adapters::http::{json_response, request_target};
use common::card::{CardQuery, CardService, Shape, classic_card, parse_caller, parse_card_query};
use common::ports::Clock;
use common::webhook::V3Request;
use common::webhook::signature::verify_v3;
use lambda_http::http::{HeaderMap, Method, StatusCode};
use lambda_http::{Body, Request, Response};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use tokio::time::Instant;
use tracing::Instrument;
use url::Url;

use crate::body::parse_ask;
use crate::rejection::Rejection;

/// What the app card fetches when a rep opens the tab.
pub const CARD_ROUTE: &str = "/card";
/// What the "Request reference" button posts.
pub const ACTION_ROUTE: &str = "/card/actions/request-reference";
/// The action's body is two ids; anything near this size is not from the card.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Everything the handler needs, built once per cold start.
pub struct CrmCard {
    pub client_secret: SecretString,
    pub service: CardService,
    pub clock: Arc<dyn Clock>,
    pub public_base_url: Option<Url>,
}

impl std::fmt::Debug for CrmCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CrmCard")
            .field("public_base_url", &self.public_base_url)
            .finish_non_exhaustive()
    }
}

/// Handles one request. Never fails and never panics on input: every outcome is a response.
pub async fn handle(card: &CrmCard, req: Request) -> Response<Body> {
    let started = Instant::now();
    let span = tracing::info_span!(
        "card",
        route = tracing::field::Empty,
        portal = tracing::field::Empty,
        status = tracing::field::Empty
    );
    async move {
        let response = serve(card, &req, started)
            .await
            .unwrap_or_else(|rejection| {
                match rejection.status().is_server_error() {
                    true => tracing::error!(%rejection, "card request failed"),
                    false => tracing::warn!(%rejection, "card request rejected"),
                }
                rejection.into_response()
            });
        tracing::Span::current().record("status", response.status().as_u16());
        response
    }
    .instrument(span)
    .await
}

async fn serve(
    card: &CrmCard,
    req: &Request,
    started: Instant,
) -> Result<Response<Body>, Rejection> {
    let target = request_target(req, card.public_base_url.as_ref());
    tracing::Span::current().record("route", target.route_path.as_str());
    let allowed = match target.route_path.as_str() {
        CARD_ROUTE => Method::GET,
        ACTION_ROUTE => Method::POST,
        _ => return Err(Rejection::NotFound),
    };
    if req.method() != allowed {
        let allowed = if allowed == Method::GET {
            "GET"
        } else {
            "POST"
        };
        return Err(Rejection::MethodNotAllowed(allowed));
    }
    let body: &[u8] = req.body().as_ref();
    if body.len() > MAX_BODY_BYTES {
        return Err(Rejection::PayloadTooLarge(body.len()));
    }
    let Some(signed_uri) = target.signed_uri.as_deref() else {
        return Err(Rejection::Unauthorized(
            common::webhook::SignatureError::Missing,
        ));
    };
    let signed = V3Request {
        method: req.method().as_str(),
        uri: signed_uri,
        body,
        signature: header(req.headers(), "x-hubspot-signature-v3"),
        timestamp: header(req.headers(), "x-hubspot-request-timestamp"),
    };
    let secret = card.client_secret.expose_secret().as_bytes();
    verify_v3(secret, &signed, card.clock.now_ms()).map_err(Rejection::Unauthorized)?;
    // Only a verified request's query is believed: the portal and user come from it. It is
    // read from the URI HubSpot signed, not from a map an intermediary may have rebuilt.
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let get = |name: &str| {
        (params.iter())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let api_base = api_base(signed_uri, &target.route_path);
    match allowed {
        Method::GET => {
            let query = parse_card_query(get).map_err(Rejection::BadQuery)?;
            tracing::Span::current().record("portal", query.portal.0);
            open(card, &query, &api_base, started).await
        }
        _ => {
            let (portal, user) = parse_caller(get).map_err(Rejection::BadQuery)?;
            tracing::Span::current().record("portal", portal.0);
            let ask = parse_ask(body, get).map_err(Rejection::BadBody)?;
            let answer = card
                .service
                .request_reference(portal, &user, ask.deal, ask.reference)
                .await
                .map_err(Rejection::Card)?;
            Ok(json_response(StatusCode::OK, &to_json(&answer)))
        }
    }
}

async fn open(
    card: &CrmCard,
    query: &CardQuery,
    api_base: &str,
    started: Instant,
) -> Result<Response<Body>, Rejection> {
    let mut service = card.service.clone();
    service.install_url = format!("{api_base}/oauth/install");
    let answer = service
        .open(query, started)
        .await
        .map_err(Rejection::Card)?;
    let body = match query.shape {
        Shape::AppCard => to_json(&answer),
        Shape::Classic => classic_card(&answer, api_base),
    };
    Ok(json_response(StatusCode::OK, &body))
}

/// This API's public root as HubSpot called it: the signed URI without the route and query
/// (a stage or base path stays), so links and action hooks point back at this deployment.
fn api_base(signed_uri: &str, route_path: &str) -> String {
    let without_query = signed_uri.split('?').next().unwrap_or_default();
    without_query
        .strip_suffix(route_path)
        .unwrap_or(without_query)
        .trim_end_matches('/')
        .to_owned()
}

fn to_json(value: &impl serde::Serialize) -> serde_json::Value {
    // Our own types always serialise; a failure would be a bug, shown as an empty object.
    serde_json::to_value(value).unwrap_or_default()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .map(|value| value.to_str().unwrap_or("\u{0}invalid"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_base_keeps_a_stage_and_drops_the_route_and_query() {
        assert_eq!(
            api_base("https://x.example.com/prod/card?portalId=1", CARD_ROUTE),
            "https://x.example.com/prod"
        );
        assert_eq!(
            api_base(
                "https://x.example.com/card/actions/request-reference?a=1",
                ACTION_ROUTE
            ),
            "https://x.example.com"
        );
    }
}
