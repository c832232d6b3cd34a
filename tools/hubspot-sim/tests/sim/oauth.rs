use std::time::Duration;

use hubspot_sim::{AuthorizeChoice, version};
use url::Url;

use crate::support::{Api, PORTAL, objects, start};

const REDIRECT: &str = "http://localhost:3000/oauth/callback";

/// Follows the authorize page by hand and returns the redirect it answered with.
async fn authorize(api: &Api, client_id: &str) -> (u16, Option<Url>) {
    authorize_at(api, "/oauth/authorize", client_id).await
}

async fn authorize_at(api: &Api, path: &str, client_id: &str) -> (u16, Option<Url>) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut url = Url::parse(&format!("{}{path}", api.base)).expect("url");
    url.query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("scope", "crm.objects.contacts.read tickets")
        .append_pair("optional_scope", "crm.objects.deals.read")
        .append_pair("state", "xyz");
    let response = client.get(url).send().await.expect("answer");
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .and_then(|l| Url::parse(l).ok());
    (response.status().as_u16(), location)
}

fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn token_path() -> String {
    format!("{}/token", version::oauth_prefix())
}

async fn exchange(api: &Api, code: &str) -> crate::support::Resp {
    let fields = [
        ("grant_type", "authorization_code"),
        ("client_id", "sim-client-id"),
        ("client_secret", "sim-client-secret"),
        ("redirect_uri", REDIRECT),
        ("code", code),
    ];
    api.form(&token_path(), &fields).await
}

#[tokio::test]
async fn the_authorize_page_redirects_with_a_code_that_exchanges_once_for_tokens() {
    let (sim, api) = start().await;
    let (status, location) = authorize(&api, "sim-client-id").await;
    assert_eq!(status, 302);
    let location = location.expect("a redirect");
    assert!(location.as_str().starts_with(REDIRECT));
    assert_eq!(param(&location, "state").as_deref(), Some("xyz"));
    let code = param(&location, "code").expect("a code");

    let grant = exchange(&api, &code).await;
    assert_eq!(grant.status, 200);
    assert_eq!(grant.body["token_type"], "bearer");
    assert_eq!(grant.body["expires_in"], 1800);
    assert_eq!(grant.body["hub_id"], PORTAL);
    let scopes: Vec<&str> = grant.body["scopes"]
        .as_array()
        .expect("scopes")
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert!(scopes.contains(&"crm.objects.deals.read") && scopes.contains(&"tickets"));

    let again = exchange(&api, &code).await;
    assert_eq!(again.status, 400);
    assert_eq!(again.body["error"], "invalid_grant");
    assert_eq!(again.body["status"], "BAD_AUTH_CODE");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_denied_install_redirects_with_access_denied_and_an_unknown_client_gets_no_redirect() {
    let (sim, api) = start().await;
    sim.set_authorize(AuthorizeChoice {
        deny: true,
        ..sim.authorize_choice()
    });
    let (_, location) = authorize(&api, "sim-client-id").await;
    let location = location.expect("a redirect");
    assert_eq!(param(&location, "error").as_deref(), Some("access_denied"));
    assert!(param(&location, "error_description").is_some());
    assert_eq!(param(&location, "code"), None);

    let (status, location) = authorize(&api, "someone-else").await;
    assert_eq!((status, location), (400, None));
    sim.shutdown().await;
}

#[tokio::test]
async fn refreshing_works_until_the_portal_uninstalls_then_gives_bad_refresh_token() {
    let (sim, api) = start().await;
    let grant = sim.issue_token(PORTAL);
    let refresh = |token: String| {
        let api = &api;
        async move {
            let fields = [
                ("grant_type", "refresh_token"),
                ("client_id", "sim-client-id"),
                ("client_secret", "sim-client-secret"),
                ("refresh_token", token.as_str()),
            ];
            api.form(&token_path(), &fields).await
        }
    };
    let fresh = refresh(grant.refresh_token.clone()).await;
    assert_eq!(fresh.status, 200);
    assert_ne!(fresh.body["access_token"], grant.access_token.as_str());

    sim.uninstall(PORTAL);
    let refused = refresh(grant.refresh_token).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.body["error"], "invalid_grant");
    assert_eq!(refused.body["status"], "BAD_REFRESH_TOKEN");
    assert!(refused.body["error_description"].is_string() && refused.body["message"].is_string());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_wrong_client_secret_is_invalid_client() {
    let (sim, api) = start().await;
    let fields = [
        ("grant_type", "refresh_token"),
        ("client_id", "sim-client-id"),
        ("client_secret", "nope"),
        ("refresh_token", "x"),
    ];
    let response = api.form(&token_path(), &fields).await;
    assert_eq!(response.status, 400);
    assert_eq!(response.body["error"], "invalid_client");
    assert_eq!(response.body["status"], "BAD_CLIENT_SECRET");
    sim.shutdown().await;
}

#[tokio::test]
async fn crm_calls_need_a_live_token_and_an_expired_one_gets_expired_authentication() {
    let (sim, mut api) = start().await;
    assert_eq!(api.get(&objects("contacts")).await.status, 200);

    sim.advance_clock(Duration::from_secs(31 * 60));
    let expired = api.get(&objects("contacts")).await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.body["category"], "EXPIRED_AUTHENTICATION");
    assert_eq!(expired.body["status"], "error");
    assert!(expired.body["correlationId"].is_string());

    api.token = "garbage".into();
    let unknown = api.get(&objects("contacts")).await;
    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.body["category"], "INVALID_AUTHENTICATION");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_token_without_the_scope_gets_missing_scopes() {
    let (sim, mut api) = start().await;
    api.token = sim
        .issue_token_with_scopes(PORTAL, &["oauth", "crm.objects.contacts.read"])
        .access_token;
    assert_eq!(api.get(&objects("contacts")).await.status, 200);
    let denied = api
        .post(
            &objects("contacts"),
            serde_json::json!({ "properties": {} }),
        )
        .await;
    assert_eq!(denied.status, 403);
    assert_eq!(denied.body["category"], "MISSING_SCOPES");
    sim.shutdown().await;
}

#[tokio::test]
async fn introspection_describes_live_tokens_and_revoked_refresh_tokens_stop_working() {
    let (sim, api) = start().await;
    let grant = sim.issue_token(PORTAL);
    let introspect = format!("{}/token/introspect", version::oauth_prefix());
    let creds = [
        ("client_id", "sim-client-id"),
        ("client_secret", "sim-client-secret"),
    ];
    let access = api
        .form(
            &introspect,
            &[creds[0], creds[1], ("token", grant.access_token.as_str())],
        )
        .await;
    assert_eq!(access.body["active"], true);
    assert_eq!(access.body["hub_id"], PORTAL);
    assert_eq!(access.body["token_use"], "access_token");
    assert!(access.body["expires_in"].as_i64().is_some_and(|s| s > 1700));

    let revoke = format!("{}/token/revoke", version::oauth_prefix());
    assert_eq!(
        api.form(
            &revoke,
            &[creds[0], creds[1], ("token", grant.refresh_token.as_str())]
        )
        .await
        .status,
        200
    );
    let gone = api
        .form(
            &introspect,
            &[creds[0], creds[1], ("token", grant.refresh_token.as_str())],
        )
        .await;
    assert_eq!(gone.body["active"], false);
    sim.shutdown().await;
}

#[tokio::test]
async fn the_account_pinned_authorize_page_installs_into_that_account() {
    let (sim, api) = start().await;
    let (_, location) = authorize_at(&api, "/oauth/777/authorize", "sim-client-id").await;
    let code = param(&location.expect("a redirect"), "code").expect("a code");
    let grant = exchange(&api, &code).await;
    assert_eq!(grant.body["hub_id"], 777);
    assert_eq!(
        sim.portals().iter().filter(|p| p.portal_id == 777).count(),
        1
    );
    sim.shutdown().await;
}
