use hubspot_sim::JournalQuery;
use serde_json::json;

use crate::support::{PORTAL, objects, start};

#[tokio::test]
async fn the_journal_records_portal_method_path_query_body_and_status_of_each_call() {
    let (sim, api) = start().await;
    let mark = sim.journal_mark();
    api.post(
        &objects("contacts"),
        json!({ "properties": { "email": "a@example.com" } }),
    )
    .await;
    api.get(&objects("contacts?limit=5")).await;
    api.post(&objects("contacts/search"), json!({})).await;
    sim.create_portal(77);

    let all = sim.journal(&JournalQuery {
        since: Some(mark),
        ..JournalQuery::default()
    });
    assert_eq!(all.len(), 3, "admin calls are not journaled");
    let create = &all[0];
    assert_eq!(create.portal_id, Some(PORTAL));
    assert_eq!((create.method.as_str(), create.status), ("POST", 201));
    assert_eq!(
        create.json_body().expect("json")["properties"]["email"],
        "a@example.com"
    );
    assert_eq!(all[1].query, "limit=5");

    let writes = sim.journal(&JournalQuery {
        writes_only: Some(true),
        ..JournalQuery::default()
    });
    assert_eq!(writes.len(), 1, "search is a read");
    assert_eq!(writes[0].path, objects("contacts"));
    sim.shutdown().await;
}

#[tokio::test]
async fn the_journal_is_reachable_over_the_admin_api() {
    let (sim, api) = start().await;
    api.get(&objects("tickets")).await;
    let response = api
        .client
        .get(format!(
            "{}/_sim/journal?method=GET&pathPrefix=/crm/",
            api.base
        ))
        .send()
        .await
        .expect("answer");
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["results"][0]["path"], objects("tickets"));
    assert_eq!(body["results"][0]["portalId"], PORTAL);
    sim.shutdown().await;
}
