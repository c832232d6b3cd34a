//! HubSpot's official signature test vectors (from its docs and SDK test suites) must all pass.
//! The file lives in the shared HubSpot fact folder beside the repository, not in it.

use std::path::PathBuf;

use common::webhook::signature::{
    v1_signature, v2_signature, v3_signature, verify_v1, verify_v2, verify_v3,
};
use common::webhook::{SignatureError, V3Request};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    id: String,
    version: String,
    client_secret: String,
    method: Option<String>,
    uri: Option<String>,
    body: String,
    timestamp: Option<String>,
    expected_signature: String,
}

fn vectors() -> Vec<Vector> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/hubspot/signature-vectors.json");
    let raw = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("official vectors not found at {}: {err}", path.display()));
    let vectors: Vec<Vector> = serde_json::from_str(&raw).expect("vectors file is valid JSON");
    assert_eq!(vectors.len(), 8, "the official set has 8 vectors");
    vectors
}

#[test]
fn every_official_vector_computes_the_expected_signature() {
    for v in vectors() {
        let secret = v.client_secret.as_bytes();
        let body = v.body.as_bytes();
        let computed = match v.version.as_str() {
            "v1" => v1_signature(secret, body),
            "v2" => v2_signature(
                secret,
                v.method.as_deref().expect("method"),
                v.uri.as_deref().expect("uri"),
                body,
            ),
            "v3" => v3_signature(
                secret,
                v.method.as_deref().expect("method"),
                v.uri.as_deref().expect("uri"),
                body,
                v.timestamp.as_deref().expect("timestamp"),
            ),
            other => panic!("{}: unknown version {other}", v.id),
        };
        assert_eq!(computed, v.expected_signature, "vector {}", v.id);
    }
}

#[test]
fn every_official_vector_verifies_and_a_tampered_body_does_not() {
    for v in vectors() {
        let secret = v.client_secret.as_bytes();
        let body = v.body.as_bytes();
        // One extra byte: works for the empty-body vector too.
        let mut tampered = body.to_vec();
        tampered.push(b' ');
        let (good, bad) = match v.version.as_str() {
            "v1" => (
                verify_v1(secret, body, Some(&v.expected_signature)),
                verify_v1(secret, &tampered, Some(&v.expected_signature)),
            ),
            "v2" => {
                let (m, u) = (
                    v.method.as_deref().expect("method"),
                    v.uri.as_deref().expect("uri"),
                );
                (
                    verify_v2(secret, m, u, body, Some(&v.expected_signature)),
                    verify_v2(secret, m, u, &tampered, Some(&v.expected_signature)),
                )
            }
            _ => {
                let ts = v.timestamp.as_deref().expect("timestamp");
                // The vectors' timestamps are old: verify "as of" the moment they were made.
                let now: i64 = ts.parse().expect("numeric timestamp");
                let request = |body: &[u8]| -> Result<(), SignatureError> {
                    let r = V3Request {
                        method: v.method.as_deref().expect("method"),
                        uri: v.uri.as_deref().expect("uri"),
                        body,
                        signature: Some(&v.expected_signature),
                        timestamp: Some(ts),
                    };
                    verify_v3(secret, &r, now)
                };
                (request(body), request(&tampered))
            }
        };
        assert_eq!(good, Ok(()), "vector {} should verify", v.id);
        assert_eq!(
            bad,
            Err(SignatureError::Mismatch),
            "vector {} with a tampered body",
            v.id
        );
    }
}

#[test]
fn official_v3_vectors_are_stale_today() {
    for v in vectors().into_iter().filter(|v| v.version == "v3") {
        let r = V3Request {
            method: "POST",
            uri: v.uri.as_deref().expect("uri"),
            body: v.body.as_bytes(),
            signature: Some(&v.expected_signature),
            timestamp: v.timestamp.as_deref(),
        };
        let now = common::ports::Clock::now_ms(&common::ports::SystemClock);
        assert_eq!(
            verify_v3(v.client_secret.as_bytes(), &r, now),
            Err(SignatureError::Stale),
            "vector {}",
            v.id
        );
    }
}
