//! The refresh lease shared by processes.

use std::time::Duration;

use super::{NOW, PORTAL, World, exposed};
use crate::ports::{TokenCache, TokenProvider};

#[tokio::test]
async fn a_process_that_loses_the_lease_waits_and_reads_the_winners_token() {
    let world = World::installed(Ok("refresh-1")).await;
    assert_eq!(
        world
            .cache
            .try_lease(PORTAL, "other-lambda", NOW + 20_000, NOW)
            .await,
        Ok(true)
    );
    let process = world.process();
    let waiting = tokio::spawn(async move { process.access_token(PORTAL).await });

    tokio::time::sleep(Duration::from_millis(30)).await;
    world
        .cache_token("from-other-lambda", NOW + 30 * 60_000)
        .await;
    let token = exposed(waiting.await.expect("joined"));

    assert_eq!(token, Ok("from-other-lambda".into()));
    assert_eq!(world.oauth.refreshes(), 0);
}

#[tokio::test]
async fn an_expired_lease_of_a_crashed_process_is_taken_over() {
    let world = World::installed(Ok("refresh-1")).await;
    assert_eq!(
        world
            .cache
            .try_lease(PORTAL, "crashed-lambda", NOW - 1, NOW - 20_000)
            .await,
        Ok(true)
    );

    let token = exposed(world.process().access_token(PORTAL).await);

    assert_eq!(token, Ok("access-1".into()));
}
