use hubspot_sim::GenerateSpec;
use serde_json::{Value, json};

use crate::support::{Api, PORTAL, objects, start};

async fn seed(api: &Api) {
    let people = [
        ("ada", "Ada", "lead", "10"),
        ("grace", "Grace", "customer", "20"),
        ("alan", "Alan", "customer", "30"),
        ("edsger", "", "lead", "40"),
    ];
    for (handle, first, stage, n) in people {
        let mut props = json!({ "email": format!("{handle}@example.com"), "lifecyclestage": stage, "jobtitle": n });
        if !first.is_empty() {
            props["firstname"] = first.into();
        }
        api.post(&objects("contacts"), json!({ "properties": props }))
            .await;
    }
}

async fn emails(api: &Api, body: Value) -> Vec<String> {
    let response = api.post(&objects("contacts/search"), body).await;
    assert_eq!(response.status, 200, "{}", response.body);
    response.body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["properties"]["email"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn filters_in_a_group_are_anded_and_groups_are_ored() {
    let (sim, api) = start().await;
    seed(&api).await;
    let body = json!({
        "filterGroups": [
            { "filters": [{ "propertyName": "lifecyclestage", "operator": "EQ", "value": "customer" }, { "propertyName": "firstname", "operator": "NEQ", "value": "alan" }] },
            { "filters": [{ "propertyName": "firstname", "operator": "NOT_HAS_PROPERTY" }] }
        ],
        "properties": ["email"], "limit": 10, "after": "0", "sorts": []
    });
    assert_eq!(
        emails(&api, body).await,
        ["grace@example.com", "edsger@example.com"]
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn in_wants_lowercase_values_and_has_property_between_and_sorting_behave() {
    let (sim, api) = start().await;
    seed(&api).await;
    let search = |filters: Value| json!({ "filterGroups": [{ "filters": filters }], "properties": ["email"], "sorts": [{ "propertyName": "email", "direction": "DESCENDING" }] });
    let lower = search(
        json!([{ "propertyName": "firstname", "operator": "IN", "values": ["ada", "grace"] }]),
    );
    assert_eq!(
        emails(&api, lower).await,
        ["grace@example.com", "ada@example.com"]
    );
    let upper =
        search(json!([{ "propertyName": "firstname", "operator": "IN", "values": ["Ada"] }]));
    assert!(emails(&api, upper).await.is_empty());
    let not_in = search(
        json!([{ "propertyName": "lifecyclestage", "operator": "NOT_IN", "values": ["customer"] }]),
    );
    assert_eq!(
        emails(&api, not_in).await,
        ["edsger@example.com", "ada@example.com"]
    );
    let has = search(json!([{ "propertyName": "firstname", "operator": "HAS_PROPERTY" }]));
    assert_eq!(emails(&api, has).await.len(), 3);
    let token = search(
        json!([{ "propertyName": "email", "operator": "CONTAINS_TOKEN", "value": "*@example.com" }]),
    );
    assert_eq!(emails(&api, token).await.len(), 4);
    sim.shutdown().await;
}

#[tokio::test]
async fn date_filters_compare_instants_given_as_epoch_milliseconds() {
    let (sim, api) = start().await;
    seed(&api).await;
    let now = hubspot_sim::clock::wall_ms();
    let body = |op: &str| {
        json!({ "filterGroups": [{ "filters": [
        { "propertyName": "createdate", "operator": op, "value": (now - 60_000).to_string(), "highValue": (now + 60_000).to_string() }] }] })
    };
    assert_eq!(emails(&api, body("BETWEEN")).await.len(), 4);
    assert_eq!(emails(&api, body("LT")).await.len(), 0);
    assert_eq!(emails(&api, body("GTE")).await.len(), 4);
    sim.shutdown().await;
}

#[tokio::test]
async fn search_returns_total_and_pages_with_after() {
    let (sim, api) = start().await;
    seed(&api).await;
    let first = api
        .post(&objects("contacts/search"), json!({ "limit": 3 }))
        .await;
    assert_eq!(first.body["total"], 4);
    assert_eq!(first.body["results"].as_array().map(Vec::len), Some(3));
    assert_eq!(first.body["paging"]["next"]["after"], "3");
    let second = api
        .post(
            &objects("contacts/search"),
            json!({ "limit": 3, "after": "3" }),
        )
        .await;
    assert_eq!(second.body["results"].as_array().map(Vec::len), Some(1));
    assert!(second.body.get("paging").is_none());
    sim.shutdown().await;
}

#[tokio::test]
async fn search_limits_are_enforced_with_400s() {
    let (sim, api) = start().await;
    let over_limit = api
        .post(&objects("contacts/search"), json!({ "limit": 201 }))
        .await;
    assert_eq!(over_limit.status, 400);
    let filter = json!({ "propertyName": "email", "operator": "HAS_PROPERTY" });
    let groups: Vec<Value> = (0..6)
        .map(|_| json!({ "filters": [filter.clone()] }))
        .collect();
    assert_eq!(
        api.post(
            &objects("contacts/search"),
            json!({ "filterGroups": groups })
        )
        .await
        .status,
        400
    );
    let unknown = json!({ "filterGroups": [{ "filters": [{ "propertyName": "nope", "operator": "EQ", "value": "x" }] }] });
    assert_eq!(
        api.post(&objects("contacts/search"), unknown).await.status,
        400
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn paging_past_ten_thousand_results_is_a_400() {
    let (sim, api) = start().await;
    sim.generate(
        PORTAL,
        GenerateSpec {
            companies: 10,
            contacts: 10_050,
            deals: 0,
            tickets: 0,
            seed: 7,
        },
    );
    let last_page = api
        .post(
            &objects("contacts/search"),
            json!({ "limit": 200, "after": "9900" }),
        )
        .await;
    assert_eq!(last_page.status, 200);
    assert_eq!(last_page.body["total"], 10_050);
    assert_eq!(
        last_page.body["results"].as_array().map(Vec::len),
        Some(100)
    );
    assert_eq!(last_page.body["paging"]["next"]["after"], "10000");
    let past = api
        .post(
            &objects("contacts/search"),
            json!({ "limit": 200, "after": "10000" }),
        )
        .await;
    assert_eq!(past.status, 400);
    assert_eq!(past.body["category"], "VALIDATION_ERROR");
    sim.shutdown().await;
}
