//! Near misses on record writes: links, leads, tickets and their associations.

use serde_json::json;

use super::*;
/// Record writes that miss: `(request, what the refusal must name)`.
pub(super) fn near_misses() -> Vec<(ApiRequest, &'static str)> {
    let v = "/crm/objects/{v}";
    vec![
        // Links: another property, another object type.
        (
            patch(&format!("{v}/contacts/101"), props(&[("email", "x@y.z")])),
            "property `email` on contacts",
        ),
        (
            post(
                &format!("{v}/deals/batch/update"),
                batch(vec![with_id(json!("301"), props(&[("dealstage", "won")]))]),
            ),
            "`dealstage` on deals",
        ),
        (
            patch(&format!("{v}/products/1"), deeto_id()),
            "object type `products`",
        ),
        (
            patch(&format!("{v}/0-1/101"), deeto_id()),
            "object type `0-1`",
        ),
        (
            post(&format!("{v}/companies"), props(&[("name", "Acme")])),
            "creating object type `companies`",
        ),
        (
            post(&format!("{v}/deals/batch/create"), batch(vec![deeto_id()])),
            "creating object type `deals`",
        ),
        (
            post(
                &format!("{v}/contacts/batch/update"),
                batch(vec![
                    json!({"id": "a@b.com", "idProperty": "email", "properties": {"deeto_id": "r"}}),
                ]),
            ),
            "`idProperty`",
        ),
        (
            patch(&format!("{v}/contacts/101"), deeto_id()).with_query("idProperty", "email"),
            "query parameters on a write",
        ),
        (
            patch(
                &format!("{v}/contacts/101"),
                json!({"properties": {"deeto_id": 7}}),
            ),
            "is not a string",
        ),
        (
            patch(
                &format!("{v}/contacts/101"),
                json!({"properties": ["deeto_id"]}),
            ),
            "no `properties` object",
        ),
        (
            patch(&format!("{v}/contacts/101"), json!([deeto_id()])),
            "is not an object",
        ),
        (
            req(HttpMethod::Patch, &format!("{v}/contacts/101"), None),
            "no body to check",
        ),
        (
            post(
                &format!("{v}/contacts/batch/update"),
                json!({"inputs": {"id": "101"}}),
            ),
            "no `inputs` list",
        ),
        (
            post(
                &format!("{v}/contacts/batch/update"),
                batch(vec![deeto_id()]),
            ),
            "has no `id`",
        ),
        (
            post(
                &format!("{v}/contacts/batch/update"),
                batch(vec![with_id(json!("10a"), deeto_id())]),
            ),
            "\"10a\" is not a record id",
        ),
        (
            post(
                &format!("{v}/contacts/batch/update"),
                batch(vec![with_id(json!(-3), deeto_id())]),
            ),
            "-3 is not a record id",
        ),
        // Tickets: someone else's, another property.
        (
            patch(
                &format!("{v}/tickets/999"),
                props(&[("deeto_status", "done")]),
            ),
            "tickets 999 were not created by Deeto",
        ),
        (
            post(
                &format!("{v}/tickets/batch/update"),
                batch(vec![
                    with_id(json!("501"), props(&[])),
                    with_id(json!("999"), props(&[])),
                ]),
            ),
            "tickets 999",
        ),
        (
            patch(
                &format!("{v}/tickets/501"),
                props(&[("hs_ticket_priority", "HIGH")]),
            ),
            "`hs_ticket_priority` on tickets",
        ),
        (
            post(
                &format!("{v}/tickets"),
                ticket_with(json!([association(201, 26)])),
            ),
            "only to contacts (16) or deals (28)",
        ),
        (
            post(
                &format!("{v}/tickets"),
                ticket_with(
                    json!([{"to": {"id": "101"}, "types": [{"associationCategory": "USER_DEFINED", "associationTypeId": 16}]}]),
                ),
            ),
            "USER_DEFINED",
        ),
        (
            post(
                &format!("{v}/tickets"),
                ticket_with(json!([{"to": {"id": "101"}, "types": []}])),
            ),
            "without `types`",
        ),
        // Leads: extra property, no email, associations.
        (
            post(
                &format!("{v}/contacts"),
                props(&[("email", "a@b.c"), ("phone", "555")]),
            ),
            "property `phone` on contacts",
        ),
        (
            post(
                &format!("{v}/contacts/batch/create"),
                batch(vec![props(&[("firstname", "Ada")])]),
            ),
            "without `email`",
        ),
        (
            post(&format!("{v}/contacts"), props(&[("email", " ")])),
            "without `email`",
        ),
        (
            post(&format!("{v}/contacts"), {
                let mut l = lead();
                l["associations"] = json!([association(201, 279)]);
                l
            }),
            "associations on a lead",
        ),
    ]
}
