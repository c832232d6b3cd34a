//! What the fuzz targets share: the committed API Gateway samples in `events/` as request
//! templates, HubSpot's v3 signing, one runtime, and the statuses each function may answer.

use std::sync::OnceLock;

use base64::Engine;
use common::webhook::signature::v3_signature;
use serde_json::{Value, json};

/// The local test secret the committed samples are signed with.
pub const SECRET: &str = "deeto-local-test-secret";
/// The samples' fixed timestamp; the functions' clocks stand still there.
pub const SAMPLE_TIME: i64 = 1_764_763_200_000;
/// The host the samples were sent to.
pub const HOST: &str = "abc123xyz.execute-api.eu-west-1.amazonaws.com";

/// One runtime for every input: building one per input would dominate the run.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap_or_else(|err| panic!("no runtime: {err}"))
    })
}

/// A committed sample event (`events/{path}`), parsed (each target reads it once).
pub fn template(path: &str) -> Value {
    let file = format!("{}/../events/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|err| panic!("{file}: {err}"));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{file}: {err}"))
}

/// How a fuzzed request is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    /// With the app's secret, now: it reaches the parsers.
    Valid,
    /// With the app's secret, six minutes ago.
    Stale,
    /// With another secret.
    Forged,
    /// Not at all: the template's headers stay.
    Template,
}

/// What a fuzz input changes in a template.
#[derive(Debug, Clone)]
pub struct Changes<'a> {
    pub method: &'a str,
    pub raw_query: Option<&'a str>,
    pub body: &'a [u8],
    pub signing: Signing,
}

/// Every fuzz input starts with one control byte (how to sign, which method); the rest is the
/// body or query. The seeds are `events/` files behind a control byte of 0 (valid, usual method).
pub fn split<'a>(data: &'a [u8], usual: &'static str) -> Option<(Signing, &'static str, &'a [u8])> {
    let (&control, rest) = data.split_first()?;
    let signing = match control & 0b11 {
        0 => Signing::Valid,
        1 => Signing::Stale,
        2 => Signing::Forged,
        _ => Signing::Template,
    };
    Some((signing, method(control >> 2, usual), rest))
}

/// The template with the changes applied, as API Gateway (payload 2.0) would deliver it; `None`
/// when lambda_http cannot read the event (API Gateway would not have sent it).
pub fn request(mut event: Value, changes: &Changes<'_>) -> Option<lambda_http::Request> {
    event["requestContext"]["http"]["method"] = json!(changes.method);
    let path = event["rawPath"].as_str().unwrap_or("/").to_owned();
    event["routeKey"] = json!(format!("{} {path}", changes.method));
    match std::str::from_utf8(changes.body) {
        Ok(text) => {
            event["body"] = json!(text);
            event["isBase64Encoded"] = json!(false);
        }
        Err(_) => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(changes.body);
            event["body"] = json!(encoded);
            event["isBase64Encoded"] = json!(true);
        }
    }
    if let Some(query) = changes.raw_query {
        // API Gateway only forwards request lines that are valid HTTP; lambda_http (not our
        // code) panics building a request from a query that is not a valid URI query.
        if format!("https://{HOST}{path}?{query}")
            .parse::<lambda_http::http::Uri>()
            .is_err()
        {
            return None;
        }
        event["rawQueryString"] = json!(query);
        // API Gateway joins repeated parameters with commas.
        let mut parameters = serde_json::Map::new();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let joined = match parameters.get(name.as_ref()).and_then(Value::as_str) {
                Some(before) => format!("{before},{value}"),
                None => value.into_owned(),
            };
            parameters.insert(name.into_owned(), json!(joined));
        }
        event["queryStringParameters"] = Value::Object(parameters);
    }
    event["headers"].as_object_mut()?.remove("content-length");
    let (secret, at) = match changes.signing {
        Signing::Valid => (SECRET, SAMPLE_TIME),
        Signing::Stale => (SECRET, SAMPLE_TIME - 6 * 60 * 1000),
        Signing::Forged => ("not-the-app-secret", SAMPLE_TIME),
        Signing::Template => ("", 0),
    };
    if changes.signing != Signing::Template {
        let query = event["rawQueryString"].as_str().unwrap_or_default();
        let uri = match query.is_empty() {
            true => format!("https://{HOST}{path}"),
            false => format!("https://{HOST}{path}?{query}"),
        };
        let timestamp = at.to_string();
        let signature = v3_signature(
            secret.as_bytes(),
            changes.method,
            &uri,
            changes.body,
            &timestamp,
        );
        let headers = event["headers"].as_object_mut()?;
        headers.insert("x-hubspot-request-timestamp".into(), json!(timestamp));
        headers.insert("x-hubspot-signature-v3".into(), json!(signature));
    }
    lambda_http::request::from_str(&event.to_string()).ok()
}

/// The HTTP method of the control byte's upper bits: mostly the usual one.
fn method(bits: u8, usual: &'static str) -> &'static str {
    const OTHERS: [&str; 6] = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];
    match bits % 8 {
        0..=5 => usual,
        _ => OTHERS[usize::from(bits / 8) % OTHERS.len()],
    }
}

/// Fails the run (a finding) when a function answers a status it never should.
pub fn assert_status(function: &str, status: u16, allowed: &[u16]) {
    assert!(
        allowed.contains(&status),
        "{function} answered {status}, not one of {allowed:?}"
    );
}
