//! Which route a request is for, and the public URI HubSpot signed.
//!
//! Default: the URI is rebuilt from the request as API Gateway received it: `https://` + the
//! `Host` header + the raw path (stage prefix included) + the raw query string. With
//! `PUBLIC_BASE_URL` set (a custom domain with a base path, a CDN, or a local emulator), the
//! URI is that base + the route path + the raw query string.

use crate::webhook::uri::{public_uri, public_uri_under_base};
use lambda_http::http::header;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use url::Url;

/// Where a request was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestTarget {
    /// The path our routes are matched against: stage and base-path prefixes removed.
    pub route_path: String,
    /// The URI HubSpot signed, if it can be known (it cannot without a host).
    pub signed_uri: Option<String>,
}

/// Works out the route path and signed URI of a request.
pub fn request_target(req: &Request, public_base_url: Option<&Url>) -> RequestTarget {
    let raw_path = match req.raw_http_path() {
        "" => req.uri().path(),
        raw => raw,
    };
    let raw_query = req.uri().query();
    let (stage, domain) = api_gateway_stage_and_domain(req);
    let without_stage =
        strip_prefix_segment(raw_path, stage.as_deref().filter(|s| *s != "$default"));
    match public_base_url {
        Some(base) => {
            let base_path = base.path().trim_end_matches('/');
            let route_path = strip_prefix_segment(
                without_stage,
                Some(base_path.trim_start_matches('/')).filter(|p| !p.is_empty()),
            );
            let signed_uri = public_uri_under_base(base.as_str(), route_path, raw_query);
            RequestTarget {
                route_path: route_path.to_owned(),
                signed_uri: Some(signed_uri),
            }
        }
        None => {
            let host = req
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
                .or(domain);
            let scheme = req
                .headers()
                .get("x-forwarded-proto")
                .and_then(|h| h.to_str().ok())
                .filter(|s| matches!(*s, "http" | "https"))
                .unwrap_or("https");
            let signed_uri = host.map(|host| public_uri(scheme, &host, raw_path, raw_query));
            RequestTarget {
                route_path: without_stage.to_owned(),
                signed_uri,
            }
        }
    }
}

fn api_gateway_stage_and_domain(req: &Request) -> (Option<String>, Option<String>) {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => (ctx.stage.clone(), ctx.domain_name.clone()),
        _ => (None, None),
    }
}

/// `/prod/webhooks/hubspot` with prefix `prod` → `/webhooks/hubspot`; no match leaves it as is.
fn strip_prefix_segment<'a>(path: &'a str, prefix: Option<&str>) -> &'a str {
    let Some(prefix) = prefix else { return path };
    let prefix = prefix.trim_matches('/');
    match path.strip_prefix('/').and_then(|p| p.strip_prefix(prefix)) {
        Some(rest) if rest.starts_with('/') => rest,
        Some("") => "/",
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_prefixes_are_stripped_only_on_segment_boundaries() {
        assert_eq!(
            strip_prefix_segment("/prod/webhooks/hubspot", Some("prod")),
            "/webhooks/hubspot"
        );
        assert_eq!(
            strip_prefix_segment("/production/x", Some("prod")),
            "/production/x"
        );
        assert_eq!(strip_prefix_segment("/prod", Some("prod")), "/");
        assert_eq!(
            strip_prefix_segment("/webhooks/hubspot", None),
            "/webhooks/hubspot"
        );
        assert_eq!(strip_prefix_segment("/a/b/c", Some("/a/b/")), "/c");
    }
}
