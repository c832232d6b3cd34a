//! Rate limits and server errors: ridden out within the budget, or not retried.

use super::*;

#[tokio::test]
async fn a_429_storm_is_ridden_out_within_the_budget() {
    let logs = capture_logs();
    let harness = Harness::start().await;
    harness.cache_access_token(now_ms() + 20 * 60_000).await;
    harness.sim.add_fault(crm_reads_answer(429, 0.3, 10));
    let policy = RetryPolicy {
        max_attempts: 6,
        max_total: Duration::from_secs(45),
        ..RetryPolicy::default()
    };
    let lambdas: Vec<_> = (0..3).map(|_| harness.lambda(policy)).collect();
    let mark = harness.sim.journal_mark();
    let started = Instant::now();

    let results =
        futures::future::join_all((0..30).map(|i| list_contacts(&lambdas[i % lambdas.len()])))
            .await;

    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let crm = harness.requests_since(mark, "/crm/");
    let limited = crm.iter().filter(|e| e.status == 429).count();
    assert!((1..=10).contains(&limited), "{limited} 429s");
    assert_eq!(
        crm.len(),
        30 + limited,
        "each 429 costs exactly one more call"
    );
    assert!(started.elapsed() < Duration::from_secs(45));
    logs.assert_no_secret(&as_strs(&harness.secrets().await));
}

#[tokio::test]
async fn server_errors_are_retried_and_validation_errors_are_not() {
    let logs = capture_logs();
    let harness = Harness::start().await;
    harness.cache_access_token(now_ms() + 20 * 60_000).await;
    harness.sim.add_fault(crm_reads_answer(503, 1.0, 2));
    let lambda = harness.lambda(RetryPolicy::default());
    let mark = harness.sim.journal_mark();

    let recovered = list_contacts(&lambda).await;
    let refused = lambda
        .send(
            PortalId(PORTAL),
            ApiRequest::post(
                CONTACTS,
                serde_json::json!({"properties": {"no_such_property": "x"}}),
            ),
        )
        .await;

    assert!(recovered.is_ok(), "{recovered:?}");
    let refused = refused.expect_err("unknown property");
    assert_eq!(
        (refused.kind, refused.status),
        (HubSpotErrorKind::Validation, Some(400))
    );
    assert!(refused.correlation_id.is_some());
    let statuses: Vec<u16> = harness
        .requests_since(mark, "/crm/")
        .iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(statuses, [503, 503, 200, 400]);
    logs.assert_no_secret(&as_strs(&harness.secrets().await));
}

#[tokio::test]
async fn a_create_is_resent_after_a_429_but_never_after_an_unclear_server_error() {
    let harness = Harness::start().await;
    harness.cache_access_token(now_ms() + 20 * 60_000).await;
    let lambda = harness.lambda(RetryPolicy::default());
    let create = |email: &str| {
        ApiRequest::post(
            CONTACTS,
            serde_json::json!({"properties": {"email": email}}),
        )
        .creating()
    };
    let creates_answer = |status: u16| FaultRule {
        method: Some("POST".into()),
        path: "/crm/objects/*".into(),
        fault: FaultKind::Status { status },
        share: 1.0,
        times: Some(1),
        ..crm_reads_answer(status, 1.0, 1)
    };

    harness.sim.add_fault(creates_answer(429));
    let mark = harness.sim.journal_mark();
    let after_429 = lambda.send(PortalId(PORTAL), create("a@acme.test")).await;
    let statuses_429: Vec<u16> = harness
        .requests_since(mark, "/crm/")
        .iter()
        .map(|e| e.status)
        .collect();

    harness.sim.add_fault(creates_answer(503));
    let mark = harness.sim.journal_mark();
    let after_503 = lambda.send(PortalId(PORTAL), create("b@acme.test")).await;
    let statuses_503: Vec<u16> = harness
        .requests_since(mark, "/crm/")
        .iter()
        .map(|e| e.status)
        .collect();

    assert!(after_429.is_ok(), "{after_429:?}");
    assert_eq!(statuses_429, [429, 201]);
    let unclear = after_503.expect_err("a 503 on a create is the caller's to recover");
    assert_eq!(unclear.status, Some(503));
    assert_eq!(
        statuses_503,
        [503],
        "a create whose outcome is unclear is not resent"
    );
}
