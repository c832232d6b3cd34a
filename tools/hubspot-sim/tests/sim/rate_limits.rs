use hubspot_sim::SimConfig;
use serde_json::json;

use crate::support::{objects, start_with};

#[tokio::test]
async fn the_111th_call_in_ten_seconds_gets_hubspots_429_with_rate_limit_headers() {
    let (sim, api) = start_with(SimConfig::default()).await;
    let first = api.get(&objects("contacts")).await;
    assert_eq!(
        first.header("X-HubSpot-RateLimit-Max").as_deref(),
        Some("110")
    );
    assert_eq!(
        first.header("X-HubSpot-RateLimit-Remaining").as_deref(),
        Some("109")
    );
    assert_eq!(
        first
            .header("X-HubSpot-RateLimit-Interval-Milliseconds")
            .as_deref(),
        Some("10000")
    );
    for _ in 1..110 {
        assert_eq!(api.get(&objects("contacts")).await.status, 200);
    }
    let limited = api.get(&objects("contacts")).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.body["status"], "error");
    assert_eq!(limited.body["errorType"], "RATE_LIMIT");
    assert_eq!(limited.body["policyName"], "TEN_SECONDLY_ROLLING");
    assert!(limited.body["correlationId"].is_string() && limited.body["requestId"].is_string());
    assert_eq!(
        limited.header("X-HubSpot-RateLimit-Remaining").as_deref(),
        Some("0")
    );

    let other = crate::support::Api {
        token: sim.issue_token(1).access_token,
        base: api.base.clone(),
        client: api.client.clone(),
    };
    assert_eq!(
        other.get(&objects("contacts")).await.status,
        200,
        "limits are per portal"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn search_has_its_own_five_per_second_limit_and_no_rate_limit_headers() {
    let mut config = SimConfig::default();
    config.rate_limits.per_ten_seconds = 1;
    let (sim, api) = start_with(config).await;
    assert_eq!(api.get(&objects("contacts")).await.status, 200);
    assert_eq!(
        api.get(&objects("contacts")).await.status,
        429,
        "the ten-second budget of one is spent"
    );
    for _ in 0..5 {
        let ok = api.post(&objects("contacts/search"), json!({})).await;
        assert_eq!(ok.status, 200);
        assert_eq!(ok.header("X-HubSpot-RateLimit-Max"), None);
    }
    let limited = api.post(&objects("contacts/search"), json!({})).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.body["errorType"], "RATE_LIMIT");
    tokio::time::sleep(std::time::Duration::from_millis(1050)).await;
    assert_eq!(
        api.post(&objects("contacts/search"), json!({}))
            .await
            .status,
        200
    );
    sim.shutdown().await;
}
