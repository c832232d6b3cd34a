//! Refreshing: when, how often, and what a refused or failed refresh does.

use std::time::Duration;

use secrecy::ExposeSecret;

use super::{NOW, PORTAL, World, exposed};
use crate::hubspot::HubSpotErrorKind;
use crate::ports::{TenantStatus, TenantStore, TokenCache, TokenError, TokenProvider};

#[tokio::test]
async fn a_fresh_shared_token_is_used_without_refreshing() {
    let world = World::installed(Ok("refresh-1")).await;
    world.cache_token("shared", NOW + 20 * 60_000).await;

    let token = exposed(world.process().access_token(PORTAL).await);

    assert_eq!(token, Ok("shared".into()));
    assert_eq!(world.oauth.refreshes(), 0);
}

#[tokio::test]
async fn a_token_within_five_minutes_of_expiry_is_refreshed_and_shared() {
    let world = World::installed(Ok("refresh-1")).await;
    world.cache_token("old", NOW + 4 * 60_000).await;

    let token = exposed(world.process().access_token(PORTAL).await);

    assert_eq!(token, Ok("access-1".into()));
    let shared = world
        .cache
        .get(PORTAL)
        .await
        .expect("read")
        .expect("cached");
    assert_eq!(shared.access_token.expose_secret(), "access-1");
    assert_eq!(shared.expires_at_ms, NOW + 1_800_000);
    assert_eq!(
        world.cache.lease_owner(PORTAL),
        None,
        "the lease is released"
    );
}

#[tokio::test]
async fn twenty_concurrent_tasks_in_three_processes_cause_one_refresh() {
    let world = World::installed(Ok("refresh-1")).await;
    let processes = [world.process(), world.process(), world.process()];

    let calls = (0..20).map(|i| {
        let process = processes[i % 3].clone();
        tokio::spawn(async move { process.access_token(PORTAL).await })
    });
    let tokens = futures::future::join_all(calls).await;

    assert!(
        tokens
            .into_iter()
            .all(|t| exposed(t.expect("joined")) == Ok("access-1".into()))
    );
    assert_eq!(world.oauth.refreshes(), 1);
}

#[tokio::test]
async fn a_rotated_refresh_token_replaces_the_secret_and_an_unchanged_one_is_not_rewritten() {
    let rotated = World::installed(Ok("refresh-2")).await;
    let same = World::installed(Ok("refresh-1")).await;

    rotated.process().access_token(PORTAL).await.expect("token");
    same.process().access_token(PORTAL).await.expect("token");

    assert_eq!(
        (
            rotated.vault.stored(PORTAL).as_deref(),
            rotated.vault.writes()
        ),
        (Some("refresh-2"), 2)
    );
    assert_eq!(same.vault.writes(), 1);
}

#[tokio::test]
async fn a_refused_refresh_token_disconnects_the_tenant_with_reason_and_time() {
    let world = World::installed(Err(HubSpotErrorKind::InvalidGrant)).await;
    let process = world.process();

    let first = process.access_token(PORTAL).await;
    let second = process.access_token(PORTAL).await;

    assert!(
        matches!(first, Err(TokenError::Disconnected { ref reason }) if reason.contains("refresh token is invalid"))
    );
    assert!(matches!(second, Err(TokenError::Disconnected { .. })));
    assert_eq!(
        world.oauth.refreshes(),
        1,
        "parked work does not ask HubSpot again"
    );
    let binding = world
        .tenants
        .portal(PORTAL)
        .await
        .expect("read")
        .expect("bound");
    assert_eq!(binding.status, TenantStatus::Disconnected);
    assert!(
        binding
            .reason
            .expect("reason")
            .contains("refresh token is invalid")
    );
    assert_eq!(binding.changed_at_ms, Some(NOW));
}

#[tokio::test]
async fn a_disconnected_portal_gets_no_token_even_with_a_cached_one() {
    let world = World::installed(Ok("refresh-1")).await;
    world.cache_token("shared", NOW + 20 * 60_000).await;
    world
        .tenants
        .mark_disconnected(PORTAL, "uninstalled", NOW)
        .await
        .expect("marked");

    let token = world.process().access_token(PORTAL).await;

    assert_eq!(
        token.map(|_| ()),
        Err(TokenError::Disconnected {
            reason: "uninstalled".into()
        })
    );
    assert_eq!(world.oauth.refreshes(), 0);
}

#[tokio::test]
async fn a_failed_refresh_cools_down_before_the_next_try() {
    let world = World::installed(Err(HubSpotErrorKind::Upstream)).await;
    let process = world.process();

    let failed = process.access_token(PORTAL).await;
    let cooling = process.access_token(PORTAL).await;
    world.advance(61_000);
    *world.oauth.answer.lock().expect("lock") = Ok("refresh-1");
    let recovered = exposed(process.access_token(PORTAL).await);

    let until_ms = NOW + 60_000;
    assert_eq!(
        failed.map(|_| ()),
        Err(TokenError::CoolingDown { until_ms })
    );
    assert_eq!(
        cooling.map(|_| ()),
        Err(TokenError::CoolingDown { until_ms })
    );
    assert_eq!(recovered, Ok("access-4".into()));
    assert_eq!(
        world.oauth.refreshes(),
        4,
        "three tries, then one after the cool-down"
    );
}

#[tokio::test(start_paused = true)]
async fn a_refresh_refused_for_a_moment_is_tried_again_without_cooling_down() {
    let world = World::installed(Err(HubSpotErrorKind::RateLimited)).await;
    let process = world.process();
    let oauth = world.oauth.clone();
    // HubSpot's token endpoint answers 429 for the first try only (it takes 30 ms; the first
    // retry waits at least 125 ms).
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(60)).await;
        *oauth.answer.lock().expect("lock") = Ok("refresh-1");
    });

    let token = exposed(process.access_token(PORTAL).await);

    assert_eq!(token, Ok("access-2".into()));
    assert_eq!(world.oauth.refreshes(), 2);
}
