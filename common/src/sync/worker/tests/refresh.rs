//! `record.refresh.v1`: the sync of one record a rep opened in the Deeto tab.

use super::*;

fn refresh(id: u64) -> (String, String) {
    let body = json!({"type": "record.refresh.v1", "portalId": PORTAL.0, "objectType": "contact",
        "objectId": id, "requestedAt": 5});
    (format!("refresh-{id}"), body.to_string())
}

#[tokio::test]
async fn a_refresh_rereads_a_kept_record_and_repairs_what_webhooks_missed() {
    let h = Harness::new().await;
    h.reference(7).await;
    h.hubspot.put(
        "contacts",
        7,
        &[
            ("email", "c7@acme.test"),
            ("jobtitle", "CTO"),
            ("deeto_id", "deeto-contact-7"),
        ],
        500,
    );

    let outcome = h.run(vec![refresh(7)]).await;

    assert_eq!(outcome, BatchOutcome::default());
    assert_eq!(
        h.field(CrmObject::Contact, 7, "jobtitle").as_deref(),
        Some("CTO")
    );
    assert_eq!(h.kinds(), ["record.updated.v1"]);
}

#[tokio::test]
async fn a_refresh_of_a_record_deeto_does_not_keep_stores_nothing_and_succeeds() {
    let h = Harness::new().await;
    h.hubspot
        .put("contacts", 8, &[("email", "x@acme.test")], 500);

    let outcome = h.run(vec![refresh(8)]).await;

    assert_eq!(outcome, BatchOutcome::default());
    assert!(h.records.is_empty(), "an irrelevant contact is not stored");
    assert!(h.kinds().is_empty());
}

#[tokio::test]
async fn a_refresh_that_hubspot_fails_transiently_is_retried() {
    let h = Harness::new().await;
    h.reference(7).await;
    h.hubspot.fail_with(Some(HubSpotErrorKind::RateLimited));

    let outcome = h.run(vec![refresh(7)]).await;

    assert_eq!(outcome.failed_ids, ["refresh-7"]);
}
