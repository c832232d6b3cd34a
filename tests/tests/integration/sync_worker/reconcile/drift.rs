//! Every kind of drift, repaired once; the same day again and the next day, nothing.

use serde_json::json;

use super::*;

#[tokio::test]
async fn every_kind_of_drift_is_repaired_and_a_rerun_repairs_nothing() {
    let h = Harness::start().await;
    // Deeto's world, as webhooks and commands built it: a reference at her company, a second
    // reference, a contact about to be merged, and a connection with its deal and ticket.
    let ben = h.create(
        ObjectType::Contacts,
        &[("email", "ben@acme.test"), ("jobtitle", "CTO")],
    );
    let acme = h.create(
        ObjectType::Companies,
        &[("name", "Acme"), ("domain", "acme.test")],
    );
    h.associate(
        (ObjectType::Contacts, ben),
        (ObjectType::Companies, acme),
        Some(1),
    );
    let cy = h.create(ObjectType::Contacts, &[("email", "cy@acme.test")]);
    let dee = h.create(ObjectType::Contacts, &[("email", "dee@acme.test")]);
    let eve = h.create(ObjectType::Contacts, &[("email", "eve@acme.test")]);
    let pat = h.create(ObjectType::Contacts, &[("email", "pat@prospect.test")]);
    let deal = h.create(
        ObjectType::Deals,
        &[
            ("dealname", "Prospect"),
            ("dealstage", "appointmentscheduled"),
            ("pipeline", "default"),
        ],
    );
    h.associate((ObjectType::Contacts, pat), (ObjectType::Deals, deal), None);
    let quinn = h.create(ObjectType::Contacts, &[("email", "quinn@prospect.test")]);
    h.sync().await;
    let commands = vec![
        h.command(
            json!({"type": "reference.created", "id": "r-ben", "contactId": ben,
            "deetoId": "ref-ben", "companyDeetoId": "co-acme"}),
        ),
        h.command(
            json!({"type": "reference.created", "id": "r-cy", "contactId": cy,
            "deetoId": "ref-cy"}),
        ),
        h.command(
            json!({"type": "reference.created", "id": "r-dee", "contactId": dee,
            "deetoId": "ref-dee"}),
        ),
        h.command(
            json!({"type": "connection.created", "id": "c-1", "deetoId": "conn-1",
            "prospectContactId": pat, "referenceContactId": ben, "dealId": deal,
            "connectionType": "reference_call", "status": "scheduled"}),
        ),
    ];
    assert_eq!(h.worker.process(commands).await, BatchOutcome::default());
    h.sync().await;
    // A second prospect joins the tracked deal while webhooks still flow.
    h.associate(
        (ObjectType::Contacts, quinn),
        (ObjectType::Deals, deal),
        None,
    );
    h.sync().await;
    let quinn_then = h.record(CrmObject::Contact, quinn).await.expect("quinn");
    assert_eq!(quinn_then.linked(CrmObject::Deal), vec![ObjectId(deal)]);
    let first = h.reconcile(now_ms()).await;
    let ticket = h.associated(ObjectType::Deals, deal, "tickets")[0];
    let drain = Duration::from_secs(2);
    h.stack.receive(&h.outbound_url, usize::MAX, drain).await;

    // Webhooks are lost from here on: every change below reaches Deeto only by the reconcile.
    h.update(
        ObjectType::Contacts,
        ben,
        &[("jobtitle", "CEO"), ("deeto_id", "")],
    );
    h.sim
        .archive_as_user(PORTAL, ObjectType::Contacts, cy)
        .expect("deleted");
    h.sim
        .merge_as_user(PORTAL, ObjectType::Contacts, eve, dee)
        .expect("merged");
    h.sim
        .archive_as_user(PORTAL, ObjectType::Tickets, ticket)
        .expect("removed");
    let left = hubspot_sim::AssociationChange {
        from_type: ObjectType::Contacts,
        from_id: quinn,
        to_type: ObjectType::Deals,
        to_id: deal,
        type_id: None,
        remove: true,
    };
    h.sim
        .associate_as_user(PORTAL, left)
        .expect("quinn leaves the deal");
    let fay = h.create(ObjectType::Contacts, &[("email", "fay@prospect.test")]);
    h.associate((ObjectType::Contacts, fay), (ObjectType::Deals, deal), None);
    let gus = h.create(ObjectType::Contacts, &[("email", "gus@x.test")]);
    h.update(ObjectType::Contacts, gus, &[("lifecyclestage", "customer")]);
    assert!(h.sim.webhooks_idle(Duration::from_secs(60)).await);
    h.sink.take();
    let mark = h.sim.journal_mark();

    let next_day = now_ms() + DAY_MS;
    let run = h.reconcile(next_day).await;

    assert_eq!(
        run.window_from_ms, first.started_at_ms,
        "looks back to the last run"
    );
    for drift in [
        kind::FIELD,
        kind::DEETO_ID,
        kind::DELETED,
        kind::MERGED,
        kind::TICKET,
        kind::ASSOCIATION,
        kind::TRANSITION,
    ] {
        assert!(
            repaired(&run, drift) >= 1,
            "{drift} repaired: {:?}",
            run.tally
        );
    }
    assert_eq!(
        run.tally.found, run.tally.repaired,
        "everything found was repaired"
    );
    let ben_now = h.record(CrmObject::Contact, ben).await.expect("ben");
    assert_eq!(ben_now.field("jobtitle"), Some("CEO"));
    assert_eq!(
        h.property(ObjectType::Contacts, ben, "deeto_id").as_deref(),
        Some("ref-ben")
    );
    let cy_now = h.record(CrmObject::Contact, cy).await.expect("cy");
    assert!(cy_now.deleted_at_ms.is_some());
    let dee_now = h.record(CrmObject::Contact, dee).await.expect("dee");
    assert_eq!(dee_now.merged_into, Some(ObjectId(eve)));
    let eve_now = h.record(CrmObject::Contact, eve).await.expect("eve");
    assert!(eve_now.has_role(Role::Reference));
    let tickets = h.associated(ObjectType::Deals, deal, "tickets");
    let recreated: Vec<u64> = tickets.iter().copied().filter(|t| *t != ticket).collect();
    assert_eq!(
        recreated.len(),
        1,
        "the removed ticket re-created once: {tickets:?}"
    );
    assert_eq!(
        h.property(ObjectType::Tickets, recreated[0], "deeto_id")
            .as_deref(),
        Some("conn-1")
    );
    let fay_now = h
        .record(CrmObject::Contact, fay)
        .await
        .expect("fay, now a prospect");
    assert_eq!(fay_now.linked(CrmObject::Deal), vec![ObjectId(deal)]);
    let quinn_now = h.record(CrmObject::Contact, quinn).await.expect("quinn");
    assert!(
        quinn_now.linked(CrmObject::Deal).is_empty(),
        "no longer a prospect"
    );
    let ben_deals = h.record(CrmObject::Contact, ben).await.expect("ben");
    assert_eq!(
        ben_deals.linked(CrmObject::Deal),
        vec![ObjectId(deal)],
        "the reference's link the connection made is Deeto's, not drift"
    );
    assert!(repaired(&run, kind::ASSOCIATION) >= 2, "{:?}", run.tally);
    let messages = h.outbound(4).await;
    let types: Vec<&str> = messages.iter().filter_map(|m| m["type"].as_str()).collect();
    for wanted in [
        "record.updated.v1",
        "record.deleted.v1",
        "record.merged.v1",
        "campaign.enrolled.v1",
    ] {
        assert!(types.contains(&wanted), "{wanted} published: {types:?}");
    }
    assert!(
        messages
            .iter()
            .any(|m| m["type"] == "campaign.enrolled.v1" && m["contactId"] == gus)
    );
    let reads = h.crm_calls_since(mark);
    assert!(
        reads.len() <= 20,
        "a few calls per step, not per record: {}",
        reads.len()
    );
    assert_eq!(
        h.count_429(),
        0,
        "the budget kept HubSpot from ever answering 429"
    );
    h.assert_write_scope(&[ticket, recreated[0]]);

    // The same day again: nothing to do. The day after: nothing left to repair.
    let again = h.start_reconcile(next_day + 60_000).await;
    assert!(
        matches!(again[..], [Started::AlreadyDone { .. }]),
        "{again:?}"
    );
    let writes = h.writes();
    let after = h.reconcile(next_day + DAY_MS).await;
    assert_eq!(after.tally.total_found(), 0, "{:?}", after.tally);
    assert_eq!(h.writes(), writes, "a rerun writes nothing");
}
