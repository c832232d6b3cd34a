//! Parsing HubSpot's documented error bodies (`/work/shared/hubspot/samples`) into one type.

use super::*;

const VALIDATION_BODY: &str = r#"{
  "status": "error",
  "message": "This will be a human readable message with details about the error.",
  "errors": [{"message": "details", "in": "name"}],
  "category": "VALIDATION_ERROR",
  "correlationId": "a43683b0-5717-4ceb-80b4-104d02915d8c"
}"#;

const RATE_LIMIT_BODY: &str = r#"{
  "status": "error",
  "message": "You have reached your ten_secondly_rolling limit.",
  "errorType": "RATE_LIMIT",
  "correlationId": "c033cdaa-2c40-4a64-ae48-b4cec88dad24",
  "policyName": "TEN_SECONDLY_ROLLING",
  "requestId": "3d3e35b7-0dae-4b9f-a6e3-9c230cbcf8dd"
}"#;

const OAUTH_BAD_REFRESH: &str = r#"{
  "error": "invalid_grant",
  "error_description": "refresh token is invalid, expired or revoked",
  "status": "BAD_REFRESH_TOKEN",
  "message": "refresh token is invalid, expired or revoked"
}"#;

#[test]
fn a_validation_body_keeps_message_category_and_correlation_id_and_is_permanent() {
    let err = HubSpotError::from_api_response(400, None, VALIDATION_BODY.as_bytes());

    assert_eq!(err.kind, HubSpotErrorKind::Validation);
    assert_eq!(err.status, Some(400));
    assert!(
        err.message
            .starts_with("This will be a human readable message")
    );
    assert_eq!(err.category.as_deref(), Some("VALIDATION_ERROR"));
    assert_eq!(
        err.correlation_id.as_deref(),
        Some("a43683b0-5717-4ceb-80b4-104d02915d8c")
    );
    assert!(!err.is_retryable());
}

#[test]
fn a_429_body_yields_its_policy_and_is_retryable() {
    let err = HubSpotError::from_api_response(429, None, RATE_LIMIT_BODY.as_bytes());

    assert_eq!(err.kind, HubSpotErrorKind::RateLimited);
    assert_eq!(err.rate_limit_policy(), Some("TEN_SECONDLY_ROLLING"));
    assert_eq!(err.retry_after_ms, None);
    assert!(err.is_retryable());
}

#[test]
fn a_retry_after_header_in_seconds_becomes_milliseconds() {
    let err = HubSpotError::from_api_response(429, Some("3"), b"");

    assert_eq!(err.retry_after_ms, Some(3_000));
    assert_eq!(err.rate_limit_policy(), None);
}

#[test]
fn an_unparseable_retry_after_is_ignored() {
    assert_eq!(parse_retry_after_ms("Wed, 21 Oct 2026 07:28:00 GMT"), None);
    assert_eq!(parse_retry_after_ms("-1"), None);
    assert_eq!(parse_retry_after_ms(" 1.5 "), Some(1_500));
}

#[test]
fn statuses_are_classified_retryable_or_permanent() {
    let cases = [
        (401, HubSpotErrorKind::Unauthorized, false),
        (403, HubSpotErrorKind::Forbidden, false),
        (404, HubSpotErrorKind::NotFound, false),
        (409, HubSpotErrorKind::Conflict, false),
        (422, HubSpotErrorKind::Validation, false),
        (415, HubSpotErrorKind::Validation, false),
        (423, HubSpotErrorKind::Upstream, true),
        (477, HubSpotErrorKind::Upstream, true),
        (500, HubSpotErrorKind::Upstream, true),
        (503, HubSpotErrorKind::Upstream, true),
        (524, HubSpotErrorKind::Upstream, true),
        (302, HubSpotErrorKind::Protocol, false),
    ];
    for (status, kind, retryable) in cases {
        let err = HubSpotError::from_api_response(status, None, b"not json");
        assert_eq!(
            (err.kind, err.is_retryable()),
            (kind, retryable),
            "status {status}"
        );
    }
}

#[test]
fn a_locked_portal_waits_two_seconds_unless_told_otherwise() {
    assert_eq!(
        HubSpotError::from_api_response(423, None, b"").retry_after_ms,
        Some(2_000)
    );
    assert_eq!(
        HubSpotError::from_api_response(423, Some("5"), b"").retry_after_ms,
        Some(5_000)
    );
}

#[test]
fn an_oauth_invalid_grant_is_an_invalid_grant() {
    let err = HubSpotError::from_oauth_response(400, OAUTH_BAD_REFRESH.as_bytes());

    assert_eq!(err.kind, HubSpotErrorKind::InvalidGrant);
    assert_eq!(err.category.as_deref(), Some("invalid_grant"));
    assert_eq!(err.message, "refresh token is invalid, expired or revoked");
    assert!(!err.is_retryable());
}

#[test]
fn a_legacy_bad_refresh_token_status_alone_is_an_invalid_grant() {
    let body = br#"{"status": "BAD_REFRESH_TOKEN", "message": "missing or unknown refresh token"}"#;

    let err = HubSpotError::from_oauth_response(400, body);

    assert_eq!(err.kind, HubSpotErrorKind::InvalidGrant);
    assert_eq!(err.category.as_deref(), Some("BAD_REFRESH_TOKEN"));
}

#[test]
fn other_oauth_errors_are_classified_by_status() {
    let body = br#"{"error": "invalid_client", "error_description": "missing or invalid client secret", "status": "BAD_CLIENT_SECRET"}"#;

    let client = HubSpotError::from_oauth_response(400, body);
    let outage = HubSpotError::from_oauth_response(502, b"<html>bad gateway</html>");

    assert_eq!(client.kind, HubSpotErrorKind::Validation);
    assert_eq!(client.category.as_deref(), Some("invalid_client"));
    assert_eq!(outage.kind, HubSpotErrorKind::Upstream);
    assert!(outage.is_retryable());
}
