//! Near misses by path: deletion by any name, foreign schema, odd paths.

use serde_json::json;

use super::*;
/// Deletion by any name, foreign schema, odd paths: `(request, what the refusal must name)`.
pub(super) fn near_misses() -> Vec<(ApiRequest, &'static str)> {
    let v = "/crm/objects/{v}";
    vec![
        // Archive, merge, deletion by another name, labelled associations, upserts.
        (
            post(
                &format!("{v}/contacts/batch/archive"),
                batch(vec![json!({"id": "101"})]),
            ),
            "not a request Deeto makes",
        ),
        (
            post(
                "/crm/associations/{v}/tickets/contacts/batch/archive",
                batch(vec![pair(OWNED, 101)]),
            ),
            "not a request Deeto makes",
        ),
        (
            post(
                &format!("{v}/contacts/merge"),
                json!({"primaryObjectId": "101", "objectIdToMerge": "102"}),
            ),
            "not a request Deeto makes",
        ),
        (
            post(
                &format!("{v}/contacts/gdpr-delete"),
                json!({"objectId": "101"}),
            ),
            "not a request Deeto makes",
        ),
        (
            post(&format!("{v}/contacts/batch/upsert"), batch(vec![])),
            "not a request Deeto makes",
        ),
        (
            put(&format!("{v}/tickets/501/associations/contacts/101")),
            "not a request Deeto makes",
        ),
        (
            put(&format!("{v}/contacts/101")),
            "not a request Deeto makes",
        ),
        (
            patch("/crm/v3/objects/contacts/101", deeto_id()),
            "not a request Deeto makes",
        ),
        (
            patch("/crm/objects/2026-03/contacts/101", deeto_id()),
            "not a request Deeto makes",
        ),
        // Associations: from a ticket Deeto did not create, to a company, from a contact.
        (
            put(&format!(
                "{v}/tickets/999/associations/default/contacts/101"
            )),
            "ticket 999 was not created by Deeto",
        ),
        (
            post(
                "/crm/associations/{v}/tickets/deals/batch/associate/default",
                batch(vec![pair(999, 301)]),
            ),
            "ticket 999 was not created by Deeto",
        ),
        // Deeto's own ticket, but not its connection's records.
        (
            put(&format!(
                "{v}/tickets/501/associations/default/contacts/103"
            )),
            "Contact 103 is not one of its records",
        ),
        (
            post(
                "/crm/associations/{v}/tickets/deals/batch/associate/default",
                batch(vec![pair(OWNED, 301), pair(OWNED, 302)]),
            ),
            "Deal 302 is not one of its records",
        ),
        (
            put(&format!(
                "{v}/tickets/501/associations/default/companies/201"
            )),
            "associating a ticket with `companies`",
        ),
        (
            post(
                "/crm/associations/{v}/tickets/companies/batch/associate/default",
                batch(vec![pair(OWNED, 201)]),
            ),
            "with `companies`",
        ),
        (
            put(&format!(
                "{v}/contacts/101/associations/default/tickets/501"
            )),
            "not a request Deeto makes",
        ),
        (
            req(
                HttpMethod::Put,
                &format!("{v}/tickets/501/associations/default/contacts/101"),
                Some(json!([{"associationTypeId": 1}])),
            ),
            "a body on a default association",
        ),
        (
            post(
                "/crm/associations/{v}/tickets/contacts/batch/associate/default",
                batch(vec![
                    json!({"from": {"id": "501"}, "to": {"id": "101"}, "types": []}),
                ]),
            ),
            "`types`",
        ),
        // Schema: foreign property names, groups, object types; property changes.
        (
            post("/crm/properties/{v}/contacts", property("lifecyclestage")),
            "creating property `lifecyclestage` on contacts",
        ),
        (
            post("/crm/properties/{v}/contacts", property("deeto_status")),
            "creating property `deeto_status` on contacts",
        ),
        (
            post(
                "/crm/properties/{v}/tickets/batch/create",
                batch(vec![property("deeto_id"), property("hs_custom")]),
            ),
            "`hs_custom` on tickets",
        ),
        (
            post("/crm/properties/{v}/tickets", {
                let mut p = property("deeto_id");
                p["groupName"] = json!("ticketinformation");
                p
            }),
            "outside group `deeto`",
        ),
        (
            post("/crm/properties/{v}/tickets", {
                let mut p = property("deeto_id");
                p["calculationFormula"] = json!("1");
                p
            }),
            "`calculationFormula`",
        ),
        (
            post(
                "/crm/properties/{v}/contacts/groups",
                json!({"name": "sales", "label": "Sales"}),
            ),
            "property group Some(\"sales\")",
        ),
        (
            post(
                "/crm/properties/{v}/products/groups",
                json!({"name": "deeto", "label": "Deeto"}),
            ),
            "object type `products`",
        ),
        (
            post("/crm/properties/{v}/products", property("deeto_id")),
            "creating property `deeto_id` on products",
        ),
        (
            patch(
                "/crm/properties/{v}/contacts/deeto_id",
                json!({"label": "x"}),
            ),
            "not a request Deeto makes",
        ),
        // Odd paths: traversal, encoding, query strings, slashes.
        (
            patch(&format!("{v}/contacts/../companies/201"), deeto_id()),
            "odd path",
        ),
        (patch(&format!("{v}/tickets/./501"), deeto_id()), "odd path"),
        (
            post(&format!("{v}/contacts%2Fbatch%2Farchive"), batch(vec![])),
            "odd path",
        ),
        (
            patch(&format!("{v}/contacts/101?idProperty=email"), deeto_id()),
            "odd path",
        ),
        (patch(&format!("{v}/contacts/101/"), deeto_id()), "odd path"),
        (
            patch("/crm//objects/{v}/contacts/101", deeto_id()),
            "odd path",
        ),
        (
            patch("crm/objects/{v}/contacts/101", deeto_id()),
            "odd path",
        ),
        (get("/crm/objects/{v}/contacts/../../oauth"), "odd path"),
        (
            patch(&format!("{v}/contacts/１０１"), deeto_id()),
            "odd path",
        ),
    ]
}
