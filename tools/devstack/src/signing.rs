//! HubSpot-signed webhook requests, as HubSpot would send them, for tests and local runs.

use common::webhook::signature::{v1_signature, v3_signature};
use serde_json::{Value, json};

/// The signature headers HubSpot adds to a webhook POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedWebhook {
    pub timestamp: String,
    pub signature_v1: String,
    pub signature_v3: String,
}

impl SignedWebhook {
    /// Header name/value pairs, lower-case as API Gateway v2 passes them on.
    pub fn headers(&self) -> [(&'static str, String); 4] {
        [
            ("x-hubspot-signature", self.signature_v1.clone()),
            ("x-hubspot-signature-version", "v1".to_owned()),
            ("x-hubspot-signature-v3", self.signature_v3.clone()),
            ("x-hubspot-request-timestamp", self.timestamp.clone()),
        ]
    }
}

/// Signs a webhook POST to `uri` the way HubSpot does: v1 beside v3.
pub fn sign_webhook(
    client_secret: &str,
    uri: &str,
    body: &str,
    timestamp_ms: i64,
) -> SignedWebhook {
    let timestamp = timestamp_ms.to_string();
    SignedWebhook {
        signature_v1: v1_signature(client_secret.as_bytes(), body.as_bytes()),
        signature_v3: v3_signature(
            client_secret.as_bytes(),
            "POST",
            uri,
            body.as_bytes(),
            &timestamp,
        ),
        timestamp,
    }
}

/// An API Gateway HTTP API (payload v2.0) event for a signed webhook POST to `public_url`
/// (`https://host/path?query`), through the given stage (`$default` or a name).
pub fn api_gateway_v2_event(
    public_url: &str,
    body: &str,
    signed: &SignedWebhook,
    stage: &str,
) -> Result<Value, String> {
    let headers: Vec<(&str, String)> = signed.headers().into_iter().collect();
    api_gateway_v2_request("POST", public_url, body, &headers, stage)
}

/// A request as `hubspot.fetch` sends it from an app card: the v3 signature and its timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedFetch {
    pub timestamp: String,
    pub signature_v3: String,
}

impl SignedFetch {
    pub fn headers(&self) -> [(&'static str, String); 2] {
        [
            ("x-hubspot-signature-v3", self.signature_v3.clone()),
            ("x-hubspot-request-timestamp", self.timestamp.clone()),
        ]
    }
}

/// Signs a `hubspot.fetch` request (any method) to `uri`, query included, as HubSpot does.
pub fn sign_fetch(
    client_secret: &str,
    method: &str,
    uri: &str,
    body: &str,
    timestamp_ms: i64,
) -> SignedFetch {
    let timestamp = timestamp_ms.to_string();
    SignedFetch {
        signature_v3: v3_signature(
            client_secret.as_bytes(),
            method,
            uri,
            body.as_bytes(),
            &timestamp,
        ),
        timestamp,
    }
}

/// An API Gateway HTTP API (payload v2.0) event for a `method` request to `public_url`
/// (`https://host/path?query`) with extra `headers`, through the given stage.
pub fn api_gateway_v2_request(
    method: &str,
    public_url: &str,
    body: &str,
    extra_headers: &[(&str, String)],
    stage: &str,
) -> Result<Value, String> {
    let url = url::Url::parse(public_url).map_err(|e| format!("bad URL {public_url}: {e}"))?;
    let host = url.host_str().ok_or("URL has no host")?.to_owned();
    let raw_path = url.path().to_owned();
    let raw_query = url.query().unwrap_or_default().to_owned();
    let route_path = match stage {
        "$default" => raw_path.clone(),
        name => raw_path
            .strip_prefix(&format!("/{name}"))
            .unwrap_or(&raw_path)
            .to_owned(),
    };
    let mut headers = serde_json::Map::new();
    headers.insert("content-type".into(), json!("application/json"));
    headers.insert("host".into(), json!(host));
    headers.insert(
        "user-agent".into(),
        json!("HubSpot Connect 2.0 (http://dev.hubspot.com/)"),
    );
    headers.insert("x-forwarded-proto".into(), json!(url.scheme()));
    for (name, value) in extra_headers {
        headers.insert((*name).into(), json!(value));
    }
    // API Gateway also hands over the query decoded, repeated keys comma-joined.
    let mut query = serde_json::Map::new();
    for (name, value) in url.query_pairs() {
        let joined = match query.get(name.as_ref()).and_then(Value::as_str) {
            Some(before) => format!("{before},{value}"),
            None => value.into_owned(),
        };
        query.insert(name.into_owned(), json!(joined));
    }
    let timestamp = extra_headers
        .iter()
        .find(|(name, _)| *name == "x-hubspot-request-timestamp")
        .map(|(_, value)| value.as_str());
    let time_epoch: i64 = timestamp.and_then(|t| t.parse().ok()).unwrap_or_default();
    let mut event = json!({
        "version": "2.0",
        "routeKey": format!("{method} {route_path}"),
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": host.split('.').next().unwrap_or("api"),
            "domainName": host,
            "domainPrefix": host.split('.').next().unwrap_or("api"),
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": "54.174.0.10",
                "userAgent": "HubSpot Connect 2.0 (http://dev.hubspot.com/)"
            },
            "requestId": format!("local-{time_epoch}"),
            "routeKey": format!("{method} {route_path}"),
            "stage": stage,
            "time": "03/Dec/2025:12:00:00 +0000",
            "timeEpoch": time_epoch
        },
        "body": body,
        "isBase64Encoded": false
    });
    if !query.is_empty() {
        event["queryStringParameters"] = Value::Object(query);
    }
    Ok(event)
}
