//! Forgetting a token HubSpot refused, without forgetting its replacement.

use super::{NOW, PORTAL, World, exposed};
use crate::ports::TokenProvider;

#[tokio::test]
async fn a_token_refused_on_first_use_is_dropped_here_and_in_the_shared_cache() {
    let world = World::installed(Ok("refresh-1")).await;
    world.cache_token("refused", NOW + 20 * 60_000).await;
    let process = world.process();
    process.access_token(PORTAL).await.expect("token");

    process.invalidate(PORTAL).await;
    let token = exposed(process.access_token(PORTAL).await);

    assert_eq!(token, Ok("access-1".into()));
    assert_eq!(world.oauth.refreshes(), 1);
}

#[tokio::test]
async fn invalidate_keeps_a_replacement_fetched_moments_ago_but_not_an_older_one() {
    let world = World::installed(Ok("refresh-1")).await;
    world.cache_token("refused", NOW + 20 * 60_000).await;
    let process = world.process();
    process.access_token(PORTAL).await.expect("token");
    process.invalidate(PORTAL).await;
    process.access_token(PORTAL).await.expect("replacement");

    process.invalidate(PORTAL).await;
    let kept = exposed(process.access_token(PORTAL).await);
    world.advance(11_000);
    process.invalidate(PORTAL).await;
    let replaced = exposed(process.access_token(PORTAL).await);

    assert_eq!(kept, Ok("access-1".into()));
    assert_eq!(replaced, Ok("access-2".into()));
}

#[tokio::test]
async fn invalidate_leaves_a_newer_shared_token_alone() {
    let world = World::installed(Ok("refresh-1")).await;
    world.cache_token("refused", NOW + 20 * 60_000).await;
    let process = world.process();
    process.access_token(PORTAL).await.expect("token");
    world
        .cache_token("newer-from-another-lambda", NOW + 30 * 60_000)
        .await;

    process.invalidate(PORTAL).await;
    let token = exposed(process.access_token(PORTAL).await);

    assert_eq!(token, Ok("newer-from-another-lambda".into()));
    assert_eq!(world.oauth.refreshes(), 0);
}
