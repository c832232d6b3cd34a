use super::*;

const REDIRECT: &str = "https://deeto.example/oauth/callback";

fn settings() -> OAuthSettings {
    OAuthSettings::with_app_scopes(
        Url::parse("https://api.hubapi.com").expect("url"),
        Url::parse("https://app.hubspot.com/").expect("url"),
        "client-1".into(),
        SecretString::from("shh"),
    )
}

#[test]
fn the_authorize_url_carries_every_scope_space_separated_and_the_state() {
    let oauth = ReqwestOAuth::new(settings(), reqwest::Client::new());

    let url = Url::parse(&oauth.authorize_url("st/ate+1", REDIRECT)).expect("a URL");

    assert_eq!(
        url.as_str().split('?').next(),
        Some("https://app.hubspot.com/oauth/authorize")
    );
    let query: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(query["client_id"], "client-1");
    assert_eq!(
        query["redirect_uri"],
        "https://deeto.example/oauth/callback"
    );
    assert_eq!(query["scope"], REQUIRED_SCOPES.join(" "));
    assert_eq!(query["optional_scope"], "crm.objects.owners.read");
    assert_eq!(query["state"], "st/ate+1");
}

#[test]
fn spaces_in_the_authorize_url_are_encoded_as_percent_20() {
    let oauth = ReqwestOAuth::new(settings(), reqwest::Client::new());

    let url = oauth.authorize_url("s", REDIRECT);

    assert!(
        url.contains("scope=oauth%20crm.objects.contacts.read%20"),
        "{url}"
    );
    assert!(!url.contains('+'));
}

#[test]
fn the_client_secret_never_appears_in_the_authorize_url_or_debug_output() {
    let oauth = ReqwestOAuth::new(settings(), reqwest::Client::new());

    assert!(!oauth.authorize_url("s", REDIRECT).contains("shh"));
    assert!(!format!("{oauth:?}").contains("shh"));
}

#[test]
fn the_documented_token_response_parses() {
    let body = br#"{"token_type":"bearer","refresh_token":"1e8f","access_token":"CIrT","expires_in":1800}"#;

    let parsed: TokenResponse = parse_json(body).expect("parses");

    assert_eq!(
        (
            parsed.access_token.as_str(),
            parsed.expires_in,
            parsed.hub_id
        ),
        ("CIrT", 1800, None)
    );
}

#[test]
fn an_unreadable_token_answer_is_a_protocol_error_that_does_not_quote_it() {
    let err = parse_json::<TokenResponse>(br#"{"access_token":"CIrTsecret"}"#)
        .expect_err("no refresh token");

    assert_eq!(err.kind, HubSpotErrorKind::Protocol);
    assert!(!err.message.contains("CIrTsecret"));
}

#[test]
fn endpoints_use_the_date_based_oauth_version() {
    let oauth = ReqwestOAuth::new(settings(), reqwest::Client::new());

    assert_eq!(
        oauth.endpoint("token/introspect"),
        "https://api.hubapi.com/oauth/2026-03/token/introspect"
    );
}
