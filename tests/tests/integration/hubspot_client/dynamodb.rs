//! The DynamoDB and Secrets Manager adapters on moto.

use super::*;

#[tokio::test]
async fn the_dynamodb_budget_paces_a_window_fills_it_to_its_ceiling_and_carries_it_over() {
    let stack = TestStack::new().await;
    let budget = DynamoRateBudget::new(
        aws_sdk_dynamodb::Client::new(&stack.sdk),
        stack.reference("Table"),
    );
    let limit = common::hubspot::budget::limit_for(CallKind::Standard);
    let portal = PortalId(PORTAL);
    let window = 1_800_000_000_000;
    let grant_all = |at: i64| {
        let budget = &budget;
        async move {
            let mut granted = 0;
            while granted < 200
                && budget
                    .try_acquire(portal, CallKind::Standard, at)
                    .await
                    .expect("budget")
                    .is_none()
            {
                granted += 1;
            }
            granted
        }
    };

    let at_start = grant_all(window).await;
    let refused = budget.try_acquire(portal, CallKind::Standard, window).await;
    let by_the_end = at_start + grant_all(window + 9_999).await;
    let search = budget.try_acquire(portal, CallKind::Search, window).await;
    let next_window = budget
        .try_acquire(portal, CallKind::Standard, window + 10_000)
        .await;

    assert_eq!(
        at_start,
        limit.burst(),
        "a burst at once, not the whole window"
    );
    assert_eq!(refused, Ok(Some(limit.wait_ms(0, at_start, window))));
    assert_eq!(
        by_the_end,
        limit.ceiling(),
        "the window filled to its ceiling"
    );
    assert!(limit.ceiling() < 110, "headroom below HubSpot's maximum");
    assert_eq!(search, Ok(None), "search has its own budget");
    assert!(
        matches!(next_window, Ok(Some(_))),
        "the full window still carries over at its start"
    );
}

#[tokio::test]
async fn the_dynamodb_lease_is_exclusive_and_token_writes_leave_it_alone() {
    let stack = TestStack::new().await;
    let cache = DynamoTokenCache::new(
        aws_sdk_dynamodb::Client::new(&stack.sdk),
        stack.reference("Table"),
    );
    let portal = PortalId(PORTAL);

    let first = cache.try_lease(portal, "lambda-a", 2_000, 1_000).await;
    let token = CachedToken {
        access_token: SecretString::from("t"),
        expires_at_ms: 9_000,
    };
    cache.put(portal, &token).await.expect("token cached");
    let contested = cache.try_lease(portal, "lambda-b", 2_500, 1_500).await;
    cache
        .release_lease(portal, "lambda-b")
        .await
        .expect("a stranger's release is a no-op");
    let still_held = cache.try_lease(portal, "lambda-b", 2_500, 1_600).await;
    cache
        .release_lease(portal, "lambda-a")
        .await
        .expect("released");
    let after_release = cache.try_lease(portal, "lambda-b", 3_000, 1_700).await;
    let after_expiry = cache.try_lease(portal, "lambda-c", 9_000, 3_001).await;
    cache
        .set_cooldown(portal, 5_000)
        .await
        .expect("cool-down set");

    assert_eq!(
        (first, contested, still_held),
        (Ok(true), Ok(false), Ok(false))
    );
    assert_eq!((after_release, after_expiry), (Ok(true), Ok(true)));
    let cached = cache.get(portal).await.expect("read").expect("token kept");
    assert_eq!(
        (cached.access_token.expose_secret(), cached.expires_at_ms),
        ("t", 9_000)
    );
    assert_eq!(cache.cooldown_until(portal).await, Ok(Some(5_000)));
}

#[tokio::test]
async fn the_vault_creates_replaces_reads_and_deletes_a_portals_refresh_token() {
    let stack = TestStack::new().await;
    let prefix = format!("t{}/refresh/", uuid::Uuid::new_v4().simple());
    let vault =
        SecretsManagerTokenVault::new(aws_sdk_secretsmanager::Client::new(&stack.sdk), prefix);
    let portal = PortalId(PORTAL);

    let before = vault.refresh_token(portal).await;
    vault
        .store_refresh_token(portal, &SecretString::from("first"))
        .await
        .expect("created");
    vault
        .store_refresh_token(portal, &SecretString::from("rotated"))
        .await
        .expect("replaced");
    let stored = vault
        .refresh_token(portal)
        .await
        .expect("read")
        .map(|t| t.expose_secret().to_owned());
    vault.delete(portal).await.expect("deleted");
    let after = vault.refresh_token(portal).await;

    assert!(matches!(before, Ok(None)));
    assert_eq!(stored.as_deref(), Some("rotated"));
    assert!(matches!(after, Ok(None)));
    assert!(vault.delete(portal).await.is_ok(), "deleting twice is fine");
}
