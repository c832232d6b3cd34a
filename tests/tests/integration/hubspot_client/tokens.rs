//! Token refresh: single flight across Lambdas, 401 recovery, disconnection.

use super::*;

#[tokio::test]
async fn twenty_concurrent_callers_with_an_expired_access_token_cause_exactly_one_refresh() {
    let logs = capture_logs();
    let harness = Harness::start().await;
    harness.cache_access_token(now_ms() - 1_000).await;
    harness.sim.advance_clock(Duration::from_secs(31 * 60));
    let lambdas: Vec<_> = (0..4)
        .map(|_| harness.lambda(RetryPolicy::default()))
        .collect();
    let mark = harness.sim.journal_mark();

    let calls = (0..20).map(|i| list_contacts(&lambdas[i % lambdas.len()]));
    let results = futures::future::join_all(calls).await;

    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(harness.token_requests_since(mark), 1);
    let crm = harness.requests_since(mark, "/crm/");
    assert_eq!((crm.len(), crm.iter().all(|e| e.status == 200)), (20, true));
    logs.assert_no_secret(&as_strs(&harness.secrets().await));
}

#[tokio::test]
async fn a_refused_access_token_is_refreshed_once_and_the_call_succeeds() {
    let logs = capture_logs();
    let harness = Harness::start().await;
    harness.cache_access_token(now_ms() + 20 * 60_000).await;
    harness.sim.advance_clock(Duration::from_secs(31 * 60));
    let mark = harness.sim.journal_mark();

    let result = list_contacts(&harness.lambda(RetryPolicy::default())).await;

    assert!(result.is_ok(), "{result:?}");
    let statuses: Vec<u16> = harness
        .requests_since(mark, "/crm/")
        .iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(statuses, [401, 200]);
    assert_eq!(harness.token_requests_since(mark), 1);
    logs.assert_no_secret(&as_strs(&harness.secrets().await));
}

#[tokio::test]
async fn a_revoked_refresh_token_disconnects_the_tenant_and_parks_its_work() {
    let logs = capture_logs();
    let harness = Harness::start().await;
    harness.cache_access_token(now_ms() + 20 * 60_000).await;
    harness.sim.uninstall(PORTAL);
    let lambda = harness.lambda(RetryPolicy::default());

    let first = list_contacts(&lambda).await.expect_err("uninstalled");
    let binding = harness
        .tenants
        .portal(PortalId(PORTAL))
        .await
        .expect("read")
        .expect("bound");
    let mark = harness.sim.journal_mark();
    let again = list_contacts(&lambda).await.expect_err("still parked");
    let elsewhere = list_contacts(&harness.lambda(RetryPolicy::default()))
        .await
        .expect_err("parked everywhere");

    assert_eq!(first.kind, HubSpotErrorKind::Disconnected);
    assert!(
        first.message.starts_with("portal disconnected"),
        "{}",
        first.message
    );
    assert!(!first.is_retryable());
    assert_eq!(binding.status, TenantStatus::Disconnected);
    assert!(
        binding
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("refresh token is invalid")),
        "{binding:?}"
    );
    assert!(binding.changed_at_ms.is_some());
    assert_eq!(
        (again.kind, elsewhere.kind),
        (
            HubSpotErrorKind::Disconnected,
            HubSpotErrorKind::Disconnected
        )
    );
    assert!(
        harness
            .sim
            .journal(&JournalQuery {
                since: Some(mark),
                ..JournalQuery::default()
            })
            .is_empty(),
        "no request to HubSpot once parked"
    );
    logs.assert_no_secret(&as_strs(&harness.secrets().await));
}
