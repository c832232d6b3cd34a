//! HubSpot request signatures, versions 1, 2 and 3.
//!
//! | version | input                                   | function     | encoding |
//! |---------|-----------------------------------------|--------------|----------|
//! | v1      | secret + body                           | SHA-256      | hex      |
//! | v2      | secret + method + uri + body            | SHA-256      | hex      |
//! | v3      | method + decoded uri + body + timestamp | HMAC-SHA256  | base64   |
//!
//! Every comparison is constant time, and errors never say how close a forgery came.

use base64::{Engine as _, engine::general_purpose::STANDARD as BASE64};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::uri::decode_for_v3;

/// HubSpot rejects v3 requests whose timestamp is more than five minutes old; we also refuse
/// ones more than five minutes in the future, which only a forger or a broken clock produces.
pub const MAX_TIMESTAMP_SKEW_MS: i64 = 5 * 60 * 1000;

/// Why a request's signature was refused. The HTTP layer answers 401 for all of them alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("signature or timestamp header missing")]
    Missing,
    #[error("signature or timestamp header malformed")]
    Malformed,
    #[error("timestamp outside the accepted window")]
    Stale,
    #[error("signature does not match")]
    Mismatch,
}

/// What a v3 signature covers, exactly as the request arrived.
#[derive(Debug, Clone, Copy)]
pub struct V3Request<'a> {
    pub method: &'a str,
    /// The full public URI HubSpot called (`https://host/path?query`), not yet decoded.
    pub uri: &'a str,
    pub body: &'a [u8],
    /// `X-HubSpot-Signature-v3`, if present.
    pub signature: Option<&'a str>,
    /// `X-HubSpot-Request-Timestamp` (epoch milliseconds), if present.
    pub timestamp: Option<&'a str>,
}

/// v1: lowercase hex SHA-256 of `client_secret + body`.
pub fn v1_signature(client_secret: &[u8], body: &[u8]) -> String {
    let mut digest = Sha256::new();
    digest.update(client_secret);
    digest.update(body);
    hex::encode(digest.finalize())
}

/// v2: lowercase hex SHA-256 of `client_secret + method + uri + body`; the URI is used verbatim.
pub fn v2_signature(client_secret: &[u8], method: &str, uri: &str, body: &[u8]) -> String {
    let mut digest = Sha256::new();
    digest.update(client_secret);
    digest.update(method.as_bytes());
    digest.update(uri.as_bytes());
    digest.update(body);
    hex::encode(digest.finalize())
}

/// v3: base64 HMAC-SHA256, keyed by the client secret, of `method + uri + body + timestamp`,
/// where the URI has had HubSpot's selected percent-sequences decoded first.
pub fn v3_signature(
    client_secret: &[u8],
    method: &str,
    uri: &str,
    body: &[u8],
    timestamp: &str,
) -> String {
    BASE64.encode(v3_mac(client_secret, method, uri, body, timestamp))
}

fn v3_mac(client_secret: &[u8], method: &str, uri: &str, body: &[u8], timestamp: &str) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(client_secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(method.as_bytes());
    mac.update(decode_for_v3(uri).as_bytes());
    mac.update(body);
    mac.update(timestamp.as_bytes());
    mac.finalize().into_bytes().into()
}

/// Checks a v1 signature (webhooks API events carry v1 beside v3).
pub fn verify_v1(
    client_secret: &[u8],
    body: &[u8],
    provided: Option<&str>,
) -> Result<(), SignatureError> {
    let provided = decode_hex_signature(provided)?;
    let mut digest = Sha256::new();
    digest.update(client_secret);
    digest.update(body);
    constant_time_match(&digest.finalize(), &provided)
}

/// Checks a v2 signature (workflow actions and classic CRM card fetches).
pub fn verify_v2(
    client_secret: &[u8],
    method: &str,
    uri: &str,
    body: &[u8],
    provided: Option<&str>,
) -> Result<(), SignatureError> {
    let provided = decode_hex_signature(provided)?;
    let mut digest = Sha256::new();
    digest.update(client_secret);
    digest.update(method.as_bytes());
    digest.update(uri.as_bytes());
    digest.update(body);
    constant_time_match(&digest.finalize(), &provided)
}

/// Checks a v3 signature and its timestamp against `now_ms` (epoch milliseconds).
///
/// The freshness check runs before the MAC so a replayed request costs no hashing, but both
/// outcomes surface to the caller as the same 401.
pub fn verify_v3(
    client_secret: &[u8],
    request: &V3Request<'_>,
    now_ms: i64,
) -> Result<(), SignatureError> {
    let (Some(signature), Some(timestamp)) = (request.signature, request.timestamp) else {
        return Err(SignatureError::Missing);
    };
    let sent_at = parse_timestamp(timestamp)?;
    if now_ms.saturating_sub(sent_at) > MAX_TIMESTAMP_SKEW_MS
        || sent_at.saturating_sub(now_ms) > MAX_TIMESTAMP_SKEW_MS
    {
        return Err(SignatureError::Stale);
    }
    let provided = BASE64
        .decode(signature.trim())
        .map_err(|_| SignatureError::Malformed)?;
    let expected = v3_mac(
        client_secret,
        request.method,
        request.uri,
        request.body,
        timestamp,
    );
    constant_time_match(&expected, &provided)
}

fn parse_timestamp(raw: &str) -> Result<i64, SignatureError> {
    // Digits only: `+5`, ` 5` or `5e3` are not something HubSpot sends.
    if raw.is_empty() || raw.len() > 19 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SignatureError::Malformed);
    }
    raw.parse().map_err(|_| SignatureError::Malformed)
}

fn decode_hex_signature(provided: Option<&str>) -> Result<Vec<u8>, SignatureError> {
    let provided = provided.ok_or(SignatureError::Missing)?;
    hex::decode(provided.trim().to_ascii_lowercase()).map_err(|_| SignatureError::Malformed)
}

fn constant_time_match(expected: &[u8], provided: &[u8]) -> Result<(), SignatureError> {
    // Length is public (always 32 bytes for SHA-256), so checking it first leaks nothing.
    if expected.len() == provided.len() && bool::from(expected.ct_eq(provided)) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"test-secret";
    const URI: &str = "https://hooks.example.com/webhooks/hubspot";
    const NOW: i64 = 1_764_000_000_000;

    fn signed(body: &[u8], timestamp: i64) -> (String, String) {
        let ts = timestamp.to_string();
        (v3_signature(SECRET, "POST", URI, body, &ts), ts)
    }

    fn verify(
        body: &[u8],
        sig: Option<&str>,
        ts: Option<&str>,
        now: i64,
    ) -> Result<(), SignatureError> {
        let request = V3Request {
            method: "POST",
            uri: URI,
            body,
            signature: sig,
            timestamp: ts,
        };
        verify_v3(SECRET, &request, now)
    }

    #[test]
    fn a_fresh_correct_signature_is_accepted() {
        let (sig, ts) = signed(b"[]", NOW - 1000);
        assert_eq!(verify(b"[]", Some(&sig), Some(&ts), NOW), Ok(()));
    }

    #[test]
    fn a_timestamp_exactly_five_minutes_old_is_still_accepted() {
        let (sig, ts) = signed(b"[]", NOW - MAX_TIMESTAMP_SKEW_MS);
        assert_eq!(verify(b"[]", Some(&sig), Some(&ts), NOW), Ok(()));
    }

    #[test]
    fn a_timestamp_older_than_five_minutes_is_stale_even_with_a_correct_signature() {
        let (sig, ts) = signed(b"[]", NOW - MAX_TIMESTAMP_SKEW_MS - 1);
        assert_eq!(
            verify(b"[]", Some(&sig), Some(&ts), NOW),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn a_timestamp_more_than_five_minutes_ahead_is_refused() {
        let (sig, ts) = signed(b"[]", NOW + MAX_TIMESTAMP_SKEW_MS + 1);
        assert_eq!(
            verify(b"[]", Some(&sig), Some(&ts), NOW),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn a_changed_body_timestamp_or_uri_breaks_the_signature() {
        let (sig, ts) = signed(b"[1]", NOW);
        assert_eq!(
            verify(b"[2]", Some(&sig), Some(&ts), NOW),
            Err(SignatureError::Mismatch)
        );
        let other_ts = (NOW - 1).to_string();
        assert_eq!(
            verify(b"[1]", Some(&sig), Some(&other_ts), NOW),
            Err(SignatureError::Mismatch)
        );
        let request = V3Request {
            method: "POST",
            uri: "https://hooks.example.com/webhooks/other",
            body: b"[1]",
            signature: Some(&sig),
            timestamp: Some(&ts),
        };
        assert_eq!(
            verify_v3(SECRET, &request, NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_signature_made_with_another_secret_is_a_mismatch() {
        let ts = NOW.to_string();
        let forged = v3_signature(b"guess", "POST", URI, b"[]", &ts);
        assert_eq!(
            verify(b"[]", Some(&forged), Some(&ts), NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn missing_headers_are_reported_as_missing() {
        assert_eq!(
            verify(b"[]", None, Some("1"), NOW),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(b"[]", Some("abc="), None, NOW),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn malformed_headers_are_reported_as_malformed() {
        let ts = NOW.to_string();
        for bad_ts in ["", "-5", "+5", "12a", "1e12", "99999999999999999999"] {
            assert_eq!(
                verify(b"[]", Some("abc="), Some(bad_ts), NOW),
                Err(SignatureError::Malformed),
                "{bad_ts}"
            );
        }
        assert_eq!(
            verify(b"[]", Some("not base64!"), Some(&ts), NOW),
            Err(SignatureError::Malformed)
        );
        // Well-formed base64 of the wrong length is simply not the signature.
        assert_eq!(
            verify(b"[]", Some("AAAA"), Some(&ts), NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn v3_hashes_the_uri_after_hubspots_selected_decoding() {
        let ts = NOW.to_string();
        let encoded = "https://h.example.com/p%3Ax?email=a%40b.com";
        let decoded = "https://h.example.com/p:x?email=a@b.com";
        let sig = v3_signature(SECRET, "POST", decoded, b"", &ts);
        let request = V3Request {
            method: "POST",
            uri: encoded,
            body: b"",
            signature: Some(&sig),
            timestamp: Some(&ts),
        };
        assert_eq!(verify_v3(SECRET, &request, NOW), Ok(()));
    }

    #[test]
    fn v1_and_v2_accept_uppercase_hex_and_reject_garbage() {
        let sig = v1_signature(SECRET, b"body").to_uppercase();
        assert_eq!(verify_v1(SECRET, b"body", Some(&sig)), Ok(()));
        assert_eq!(
            verify_v1(SECRET, b"body", Some("zz")),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_v1(SECRET, b"body", None),
            Err(SignatureError::Missing)
        );
        let sig = v2_signature(SECRET, "GET", URI, b"");
        assert_eq!(verify_v2(SECRET, "GET", URI, b"", Some(&sig)), Ok(()));
        assert_eq!(
            verify_v2(SECRET, "POST", URI, b"", Some(&sig)),
            Err(SignatureError::Mismatch)
        );
    }
}
