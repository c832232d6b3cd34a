//! The OAuth adapter against the simulator.

use super::*;

/// Follows the authorize URL as an approving admin would; the redirect's query (code, state).
async fn approve_install(
    oauth: &ReqwestOAuth,
    state: &str,
    redirect: &str,
) -> std::collections::HashMap<String, String> {
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = no_redirects
        .get(oauth.authorize_url(state, redirect))
        .send()
        .await
        .expect("authorize page");
    let location = page.headers()["location"].to_str().expect("ascii");
    let location = url::Url::parse(location).expect("redirect URL");
    location.query_pairs().into_owned().collect()
}

#[tokio::test]
async fn the_oauth_adapter_exchanges_introspects_refreshes_and_revokes_against_the_simulator() {
    let logs = capture_logs();
    let sim = Simulator::start(SimConfig::default())
        .await
        .expect("simulator starts");
    let oauth = oauth_for(&sim);
    let redirect = "http://127.0.0.1:9/oauth/callback";

    let query = approve_install(&oauth, "state-42", redirect).await;
    let tokens = oauth
        .exchange_code(&query["code"], redirect)
        .await
        .expect("code exchanged");
    let info = oauth
        .introspect(&tokens.access_token)
        .await
        .expect("introspected");
    let refreshed = oauth
        .refresh(&tokens.refresh_token)
        .await
        .expect("refreshed");
    oauth.revoke(&tokens.refresh_token).await.expect("revoked");
    let after_revoke = oauth
        .refresh(&tokens.refresh_token)
        .await
        .expect_err("revoked token refused");

    assert_eq!(query["state"], "state-42");
    assert_eq!(
        (tokens.hub_id, info.hub_id),
        (Some(PortalId(PORTAL)), PortalId(PORTAL))
    );
    assert!(
        REQUIRED_SCOPES
            .iter()
            .chain(OPTIONAL_SCOPES)
            .all(|s| info.scopes.iter().any(|g| g == s)),
        "{:?}",
        info.scopes
    );
    assert_eq!(tokens.expires_in_secs, 1800);
    assert_ne!(
        refreshed.access_token.expose_secret(),
        tokens.access_token.expose_secret()
    );
    assert_eq!(after_revoke.kind, HubSpotErrorKind::InvalidGrant);
    let mut secrets = [
        &tokens.access_token,
        &tokens.refresh_token,
        &refreshed.access_token,
    ]
    .map(|s| s.expose_secret().to_owned())
    .to_vec();
    secrets.extend([CLIENT_SECRET.to_owned(), query["code"].clone()]);
    logs.assert_no_secret(&as_strs(&secrets));
}
