//! The install flow through the handler, with the HubSpot simulator as HubSpot.

mod support;

use common::domain::ids::PortalId;
use common::ports::{TenantStatus, TenantStore};
use hubspot_sim::{AuthorizeChoice, FaultKind, FaultRule, JournalQuery};
use support::{Harness, body_text, location};

const PORTAL: PortalId = PortalId(62515);

#[tokio::test]
async fn a_full_install_binds_the_portal_stores_the_token_and_creates_the_properties() {
    let h = Harness::start().await;
    let (tenant, key) = h.tenant("acme").await;

    let response = h.install(&key).await;

    assert_eq!(response.status().as_u16(), 200, "{}", body_text(&response));
    assert!(body_text(&response).contains("connected to HubSpot portal 62515"));
    let stored = h
        .tenants
        .tenant(&tenant)
        .await
        .expect("store")
        .expect("tenant");
    assert_eq!(
        (stored.status, stored.portal_id),
        (TenantStatus::Connected, Some(PORTAL))
    );
    assert!(
        stored.scopes.iter().any(|s| s == "tickets"),
        "{:?}",
        stored.scopes
    );
    assert!(
        h.vault.stored(PORTAL).is_some(),
        "refresh token in the vault"
    );
    let created = h.sim.journal(&JournalQuery {
        method: Some("POST".into()),
        path_prefix: Some("/crm/properties/".into()),
        ..JournalQuery::default()
    });
    let properties = created
        .iter()
        .filter(|e| !e.path.ends_with("/groups") && e.status == 201)
        .count();
    assert_eq!(properties, 6, "{created:?}");
}

#[tokio::test]
async fn the_install_link_sends_the_customer_to_hubspot_with_scopes_and_state() {
    let h = Harness::start().await;
    let (_, key) = h.tenant("acme").await;
    let response = h
        .get(&format!("/oauth/install?license_key={}", key.expose()))
        .await;
    assert_eq!(response.status().as_u16(), 302);
    let url = url::Url::parse(&location(&response)).expect("url");
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(url.path(), "/oauth/authorize");
    assert_eq!(query["redirect_uri"], support::REDIRECT);
    assert!(
        query["scope"]
            .split(' ')
            .any(|s| s == "crm.objects.contacts.write")
    );
    assert!(query["optional_scope"].contains("crm.objects.owners.read"));
    assert!(query["state"].len() >= 32);
}

#[tokio::test]
async fn unknown_revoked_or_missing_licence_keys_are_refused() {
    let h = Harness::start().await;
    let (tenant, key) = h.tenant("acme").await;
    let unknown = common::install::new_license_key();
    assert_eq!(
        h.get(&format!("/oauth/install?license_key={}", unknown.expose()))
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        h.get("/oauth/install?license_key=not-a-key")
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(h.get("/oauth/install").await.status().as_u16(), 400);
    h.tenants.revoke_license(&tenant).await.expect("revoked");
    let response = h
        .get(&format!("/oauth/install?license_key={}", key.expose()))
        .await;
    assert_eq!(response.status().as_u16(), 403);
    assert!(body_text(&response).contains("revoked"));
}

#[tokio::test]
async fn a_replayed_callback_is_refused_and_changes_nothing() {
    let h = Harness::start().await;
    let (_, key) = h.tenant("acme").await;
    let callback = h.authorize(&key).await;
    assert_eq!(h.callback(&callback).await.status().as_u16(), 200);
    let writes_before = h.vault.writes();

    let replay = h.callback(&callback).await;

    assert_eq!(replay.status().as_u16(), 400);
    assert!(body_text(&replay).contains("already used"));
    assert_eq!(h.vault.writes(), writes_before);
}

#[tokio::test]
async fn an_unknown_or_missing_state_is_a_400_and_nothing_is_stored() {
    let h = Harness::start().await;
    for path in [
        "/oauth/callback?code=abc&state=forged",
        "/oauth/callback?code=abc",
        "/oauth/callback?state=x",
    ] {
        let response = h.get(path).await;
        assert_eq!(response.status().as_u16(), 400, "{path}");
    }
    assert_eq!(h.vault.writes(), 0);
}

#[tokio::test]
async fn an_expired_state_is_refused() {
    let h = Harness::start().await;
    let (tenant, _) = h.tenant("acme").await;
    common::ports::OAuthStateStore::put(h.states.as_ref(), "old-state", &tenant, 1)
        .await
        .expect("put");
    let response = h.get("/oauth/callback?code=abc&state=old-state").await;
    assert_eq!(response.status().as_u16(), 400);
    assert!(body_text(&response).contains("expired"));
}

#[tokio::test]
async fn a_denied_authorization_shows_hubspots_reason_and_burns_the_state() {
    let h = Harness::start().await;
    let (tenant, key) = h.tenant("acme").await;
    h.sim.set_authorize(AuthorizeChoice {
        portal_id: 62515,
        user_id: 1,
        user_email: "admin@acme.test".into(),
        deny: true,
    });
    let callback = h.authorize(&key).await;

    let response = h.callback(&callback).await;

    assert_eq!(response.status().as_u16(), 400);
    assert!(body_text(&response).contains("access_denied"));
    let state = url::Url::parse(&callback)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    let reuse = h
        .get(&format!("/oauth/callback?code=abc&state={state}"))
        .await;
    assert_eq!(reuse.status().as_u16(), 400);
    assert_eq!(
        h.tenants
            .tenant(&tenant)
            .await
            .expect("store")
            .expect("tenant")
            .status,
        TenantStatus::Pending
    );
}

#[tokio::test]
async fn a_refused_code_is_a_400_and_hubspot_being_down_a_502() {
    let h = Harness::start().await;
    let (_, key) = h.tenant("acme").await;
    let callback = h.authorize(&key).await;
    let state = url::Url::parse(&callback)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    let response = h
        .get(&format!(
            "/oauth/callback?code=not-a-real-code&state={state}"
        ))
        .await;
    assert_eq!(response.status().as_u16(), 400, "{}", body_text(&response));

    let callback = h.authorize(&key).await;
    h.sim.add_fault(FaultRule {
        id: 0,
        method: Some("POST".into()),
        path: "/oauth/*/token".into(),
        fault: FaultKind::Status { status: 503 },
        share: 1.0,
        random: false,
        times: None,
        seen: 0,
        injected: 0,
    });
    let response = h.callback(&callback).await;
    assert_eq!(response.status().as_u16(), 502, "{}", body_text(&response));
    assert_eq!(h.vault.writes(), 0);
}

#[tokio::test]
async fn a_portal_already_claimed_by_another_tenant_is_refused_clearly() {
    let h = Harness::start().await;
    let (first, first_key) = h.tenant("acme").await;
    let (_, second_key) = h.tenant("globex").await;
    assert_eq!(h.install(&first_key).await.status().as_u16(), 200);

    let response = h.install(&second_key).await;

    assert_eq!(response.status().as_u16(), 409);
    assert!(body_text(&response).contains("already connected to another Deeto account"));
    assert_eq!(
        h.tenants
            .portal(PORTAL)
            .await
            .expect("store")
            .expect("binding")
            .tenant_id,
        first
    );
}

#[tokio::test]
async fn a_reinstall_replaces_the_token_and_keeps_the_binding() {
    let h = Harness::start().await;
    let (tenant, key) = h.tenant("acme").await;
    assert_eq!(h.install(&key).await.status().as_u16(), 200);
    let first_token = h.vault.stored(PORTAL).expect("token");

    let again = h.install(&key).await;

    assert_eq!(again.status().as_u16(), 200);
    assert!(body_text(&again).contains("reconnected"));
    assert_ne!(h.vault.stored(PORTAL).expect("token"), first_token);
    assert_eq!(
        h.tenants
            .portal(PORTAL)
            .await
            .expect("store")
            .expect("binding")
            .tenant_id,
        tenant
    );
}

#[tokio::test]
async fn a_deeto_property_of_the_wrong_type_is_named() {
    let h = Harness::start().await;
    let (_, key) = h.tenant("acme").await;
    let token = h.sim.issue_token(62515).access_token;
    let response = reqwest::Client::new()
        .post(format!("{}/crm/properties/2026-09/deals", h.sim.base_url()))
        .bearer_auth(token)
        .json(&serde_json::json!({"name": "deeto_id", "label": "Deeto", "type": "number", "fieldType": "number", "groupName": "dealinformation"}))
        .send()
        .await
        .expect("sim answers");
    assert_eq!(response.status().as_u16(), 201);

    let answer = h.install(&key).await;

    assert_eq!(answer.status().as_u16(), 409);
    assert!(
        body_text(&answer).contains("deals.deeto_id exists with type number"),
        "{}",
        body_text(&answer)
    );
    let binding = h
        .tenants
        .portal(PORTAL)
        .await
        .expect("read")
        .expect("bound");
    assert_eq!(
        binding.status,
        TenantStatus::Disconnected,
        "half-installed is not connected"
    );
    let reason = binding.reason.unwrap_or_default();
    assert!(reason.contains("install incomplete"), "{reason}");
}

#[tokio::test]
async fn other_paths_and_methods_are_404_and_405() {
    let h = Harness::start().await;
    assert_eq!(h.get("/oauth/other").await.status().as_u16(), 404);
    let mut post = support::get_request("/oauth/install?license_key=x");
    *post.method_mut() = lambda_http::http::Method::POST;
    assert_eq!(
        oauth_callback::handle(&h.app, post).await.status().as_u16(),
        405
    );
}

#[tokio::test]
async fn no_licence_key_token_or_client_secret_appears_in_the_logs() {
    let logs = integration_tests::logs::capture_logs();
    let h = Harness::start().await;
    let (_, key) = h.tenant("acme").await;

    let response = h.install(&key).await;
    assert_eq!(response.status().as_u16(), 200);
    let replay = h
        .get(&format!(
            "/oauth/install?license_key={}",
            common::install::new_license_key().expose()
        ))
        .await;
    assert_eq!(replay.status().as_u16(), 403);

    assert!(
        logs.text().contains("install completed"),
        "the capture works"
    );
    let refresh = h.vault.stored(PORTAL).expect("refresh token");
    logs.assert_no_secret(&[key.expose(), refresh.as_str(), "sim-client-secret"]);
    // The access token from the code exchange is never known to the test: look for the shape
    // the simulator gives every access token (`CN` and 32 hex digits).
    let text = logs.text();
    let access_tokens = text.match_indices("CN").filter(|(at, _)| {
        let rest = &text[at + 2..];
        rest.len() >= 32 && rest[..32].chars().all(|c| c.is_ascii_hexdigit())
    });
    assert_eq!(
        access_tokens.count(),
        0,
        "an access token appears in a log line"
    );
}
