//! Partial batch failure, retry, and a disconnected portal: nothing lost.

use hubspot_sim::{FaultKind, FaultRule, ObjectType};

use super::*;

#[tokio::test]
async fn a_hubspot_outage_fails_only_the_messages_that_needed_hubspot_and_the_retry_succeeds() {
    let h = Harness::start().await;
    let ada = h.create(ObjectType::Contacts, &[("email", "ada@acme.test")]);
    let acme = h.create(ObjectType::Companies, &[("name", "Acme")]);
    h.assign(CrmObject::Contact, ada, Role::Reference).await;
    h.assign(CrmObject::Company, acme, Role::Company).await;
    h.sync().await; // both read once
    h.outbound(2).await;

    let bea = h.create(ObjectType::Contacts, &[("email", "bea@acme.test")]);
    h.assign(CrmObject::Contact, bea, Role::Lead).await;
    h.update(ObjectType::Companies, acme, &[("domain", "acme.test")]);
    h.sim.add_fault(FaultRule {
        id: 0,
        method: Some("POST".into()),
        path: "/crm/objects/*/contacts/batch/read".into(),
        fault: FaultKind::Status { status: 503 },
        share: 1.0,
        random: false,
        times: None,
        seen: 0,
        injected: 0,
    });
    let messages = h.delivered().await;
    let outcome = h.worker.process(messages.clone()).await;

    assert!(!outcome.failed_ids.is_empty());
    assert!(
        outcome
            .failed_ids
            .iter()
            .all(|id| id.starts_with(&format!("{PORTAL}:")))
    );
    let company = h.record(CrmObject::Company, acme).await.expect("stored");
    assert_eq!(
        company.field("domain"),
        Some("acme.test"),
        "the company's change went through"
    );
    assert!(
        h.record(CrmObject::Contact, bea)
            .await
            .and_then(|r| r.field("email").map(str::to_owned))
            .is_none()
    );

    h.sim.clear_faults();
    let retry: Vec<(String, String)> = messages
        .into_iter()
        .filter(|(id, _)| outcome.failed_ids.contains(id))
        .collect();
    assert_eq!(h.worker.process(retry).await, BatchOutcome::default());
    let lead = h.record(CrmObject::Contact, bea).await.expect("stored");
    assert_eq!(lead.field("email"), Some("bea@acme.test"));
}

#[tokio::test]
async fn a_disconnected_portal_parks_its_messages_and_an_unknown_portal_is_permanent() {
    let h = Harness::start().await;
    let ada = h.create(ObjectType::Contacts, &[("email", "ada@acme.test")]);
    h.assign(CrmObject::Contact, ada, Role::Reference).await;
    h.hubspot
        .tenants
        .mark_disconnected(PortalId(PORTAL), "uninstalled", now_ms())
        .await
        .expect("disconnected");

    let messages = h.delivered().await;
    let ids: Vec<String> = messages.iter().map(|(id, _)| id.clone()).collect();
    let outcome = h.worker.process(messages.clone()).await;

    assert_eq!(outcome.parked, ids);
    assert!(
        h.record(CrmObject::Contact, ada)
            .await
            .expect("kept")
            .fields
            .is_empty()
    );

    let foreign: Vec<(String, String)> = messages
        .into_iter()
        .map(|(id, body)| {
            (
                id,
                body.replace(&format!("\"portalId\":{PORTAL}"), "\"portalId\":1"),
            )
        })
        .collect();
    let outcome = h.worker.process(foreign).await;
    assert_eq!(outcome.permanent.len(), ids.len());
    assert!(
        outcome
            .permanent
            .iter()
            .all(|(_, reason)| reason == "unknown portal 1")
    );
}
