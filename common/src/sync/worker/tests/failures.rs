//! What happens when something fails: nothing lost, nothing half-written, retries complete.

use serde_json::json;

use super::*;

#[tokio::test]
async fn a_failed_publish_writes_nothing_and_the_retry_publishes() {
    let h = Harness::new().await;
    h.reference(11).await;
    let message = h.change("contact", 11, "jobtitle", "CTO", 100);

    h.outbox.set_failing(true);
    let outcome = h.run(vec![message.clone()]).await;
    assert_eq!(outcome.failed_ids, std::slice::from_ref(&message.0));
    assert_eq!(h.field(CrmObject::Contact, 11, "jobtitle"), None);

    h.outbox.set_failing(false);
    assert_eq!(h.run(vec![message]).await, BatchOutcome::default());
    assert_eq!(h.kinds(), ["record.updated.v1"]);
}

#[tokio::test]
async fn a_hubspot_outage_fails_only_the_messages_that_needed_hubspot() {
    let h = Harness::new().await;
    h.reference(11).await;
    h.assign(CrmObject::Company, 20, Role::Company).await;
    h.hubspot.fail_with(Some(HubSpotErrorKind::Upstream));
    let needs_read = h.message(json!({"subscriptionType": "company.creation", "objectId": 20}));
    let carries_value = h.change("contact", 11, "jobtitle", "CTO", 100);

    let outcome = h.run(vec![needs_read.clone(), carries_value]).await;

    assert_eq!(outcome.failed_ids, [needs_read.0]);
    assert_eq!(
        h.field(CrmObject::Contact, 11, "jobtitle").as_deref(),
        Some("CTO")
    );
}

#[tokio::test]
async fn malformed_messages_and_unknown_portals_are_permanent_and_disconnected_ones_parked() {
    let h = Harness::new().await;
    h.reference(11).await;
    let mut unknown = h.change("contact", 11, "jobtitle", "CTO", 100);
    unknown.1 = unknown.1.replace("\"portalId\":7", "\"portalId\":8");
    let garbage = ("bad".to_owned(), "{not json".to_owned());

    let outcome = h.run(vec![garbage, unknown.clone()]).await;

    let reasons: Vec<&str> = outcome.permanent.iter().map(|(_, r)| r.as_str()).collect();
    assert!(reasons[0].starts_with("malformed message"), "{reasons:?}");
    assert_eq!(reasons[1], "unknown portal 8");

    h.tenants
        .mark_disconnected(PORTAL, "uninstalled", 2)
        .await
        .expect("disconnect");
    let parked = h.change("contact", 11, "jobtitle", "CTO", 100);
    let outcome = h.run(vec![parked.clone()]).await;
    assert_eq!(outcome.parked, [parked.0]);
    assert_eq!(h.field(CrmObject::Contact, 11, "jobtitle"), None);
}

#[tokio::test]
async fn a_failed_contacts_lookup_keeps_the_deal_stage_unwritten_so_the_retry_enrolls() {
    let h = Harness::new().await;
    h.hubspot.associate_deal(40, &[11]);
    h.hubspot.fail_with(Some(HubSpotErrorKind::RateLimited));
    let won = h.change("deal", 40, "dealstage", "closedwon", 100);

    let outcome = h.run(vec![won.clone()]).await;

    assert_eq!(outcome.failed_ids, std::slice::from_ref(&won.0));
    assert_eq!(
        h.field(CrmObject::Deal, 40, "dealstage"),
        None,
        "nothing half-written"
    );
    h.hubspot.fail_with(None);
    assert_eq!(h.run(vec![won]).await, BatchOutcome::default());
    assert_eq!(h.kinds(), ["campaign.enrolled.v1"]);
}

#[tokio::test]
async fn an_enrollment_that_could_not_be_recorded_is_retried_not_forgotten() {
    let h = Harness::new().await;
    let customer = h.change("contact", 11, "lifecyclestage", "customer", 100);

    h.ledger.set_failing_writes(true);
    let outcome = h.run(vec![customer.clone()]).await;
    assert_eq!(outcome.failed_ids, std::slice::from_ref(&customer.0));
    assert_eq!(h.field(CrmObject::Contact, 11, "lifecyclestage"), None);

    h.ledger.set_failing_writes(false);
    assert_eq!(h.run(vec![customer]).await, BatchOutcome::default());
    assert_eq!(h.ledger.enrolled().len(), 1);
    assert_eq!(
        h.kinds(),
        ["campaign.enrolled.v1", "campaign.enrolled.v1"],
        "published again, deduped downstream"
    );
}

#[tokio::test]
async fn a_message_the_queue_refuses_fails_only_its_own_record() {
    let h = Harness::new().await;
    h.reference(11).await;
    h.reference(12).await;
    h.outbox.refuse_messages_about(Some(ObjectId(12)));
    let fine = h.change("contact", 11, "jobtitle", "CTO", 100);
    let refused = h.change("contact", 12, "jobtitle", "CEO", 100);

    let outcome = h.run(vec![fine, refused.clone()]).await;

    assert_eq!(outcome.failed_ids, [refused.0]);
    assert_eq!(
        h.field(CrmObject::Contact, 11, "jobtitle").as_deref(),
        Some("CTO")
    );
    assert_eq!(h.field(CrmObject::Contact, 12, "jobtitle"), None);
}

#[tokio::test(start_paused = true)]
async fn a_portal_still_running_at_the_deadline_is_retried_not_lost() {
    let h = Harness::new().await;
    h.assign(CrmObject::Company, 20, Role::Company).await;
    h.hubspot
        .set_delay(Some(std::time::Duration::from_secs(60)));
    let slow = h.message(json!({"subscriptionType": "company.creation", "objectId": 20}));

    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    let outcome = h
        .worker
        .process_until(vec![slow.clone()], Some(deadline))
        .await;

    assert_eq!(outcome.failed_ids, [slow.0]);
    assert!(h.outbox.messages().is_empty());
}
