//! Every request shape the allowlist permits, one or more of each.

use serde_json::json;

use super::*;
pub(super) fn allowed() -> Vec<ApiRequest> {
    let mut all = vec![
        get("/crm/objects/{v}/contacts/101").with_query("properties", "email,deeto_id"),
        get("/crm/pipelines/{v}/tickets"),
        get("/crm/properties/{v}/contacts/deeto_id"),
        post(
            "/crm/objects/{v}/contacts/batch/read",
            json!({"inputs": [{"id": "a@b.com"}], "idProperty": "email"}),
        )
        .with_query("archived", "false"),
        post("/crm/objects/{v}/deals/search", json!({"filterGroups": []})),
        post(
            "/crm/associations/{v}/contacts/companies/batch/read",
            batch(vec![json!({"id": "101"})]),
        ),
        post(
            "/crm/properties/{v}/tickets/batch/read",
            batch(vec![json!({"name": "deeto_id"})]),
        ),
        patch("/crm/objects/{v}/contacts/101", deeto_id()),
        patch("/crm/objects/{v}/companies/201", deeto_id()),
        patch("/crm/objects/{v}/deals/301", props(&[])),
        post(
            "/crm/objects/{v}/contacts/batch/update",
            batch(vec![
                with_id(json!("101"), deeto_id()),
                with_id(json!(102), deeto_id()),
            ]),
        ),
        post(
            "/crm/objects/{v}/companies/batch/update",
            batch(vec![with_id(json!("201"), deeto_id())]),
        ),
        post(
            "/crm/objects/{v}/deals/batch/update",
            batch(vec![with_id(json!("301"), deeto_id())]),
        ),
        post("/crm/objects/{v}/contacts", lead()),
        post(
            "/crm/objects/{v}/contacts/batch/create",
            batch(vec![
                {
                    let mut input = lead();
                    input["objectWriteTraceId"] = json!("0");
                    input["associations"] = json!([]);
                    input
                },
                props(&[("email", "b@example.com")]),
            ]),
        ),
        post(
            "/crm/objects/{v}/tickets",
            ticket_with(json!([association(101, 16), association(301, 28)])),
        ),
        post(
            "/crm/objects/{v}/tickets/batch/create",
            batch(vec![ticket_with(json!([association(102, 16)]))]),
        ),
        patch(
            "/crm/objects/{v}/tickets/501",
            props(&[("deeto_status", "done"), ("hs_pipeline_stage", "4")]),
        ),
        post(
            "/crm/objects/{v}/tickets/batch/update",
            batch(vec![with_id(
                json!("501"),
                props(&[("subject", "Renamed")]),
            )]),
        ),
        put("/crm/objects/{v}/tickets/501/associations/default/contacts/101"),
        put("/crm/objects/{v}/tickets/501/associations/default/deals/301"),
        post(
            "/crm/associations/{v}/tickets/contacts/batch/associate/default",
            batch(vec![pair(OWNED, 101), pair(OWNED, 102)]),
        ),
        post(
            "/crm/associations/{v}/tickets/deals/batch/associate/default",
            batch(vec![pair(OWNED, 301)]),
        ),
        post("/crm/properties/{v}/tickets", property("deeto_status")),
        post(
            "/crm/properties/{v}/tickets/batch/create",
            batch(vec![property("deeto_id"), property("deeto_type")]),
        ),
        post(
            "/crm/properties/{v}/companies/batch/create",
            batch(vec![property("deeto_id")]),
        ),
    ];
    for object in ["contacts", "companies", "deals", "tickets"] {
        all.push(post(
            &format!("/crm/properties/{{v}}/{object}/groups"),
            json!({"name": "deeto", "label": "Deeto", "displayOrder": -1}),
        ));
    }
    all
}
