//! A run cut off mid-way: a worker dead holding its page, its message lost.

use common::reconcile::page::LEASE_MS;

use super::*;

#[tokio::test]
async fn a_run_cut_off_mid_way_is_resumed_by_a_rerun_and_repairs_each_record_once() {
    let h = Harness::start().await;
    let mut contacts = Vec::new();
    for i in 0..230 {
        let email = format!("ref{i}@acme.test");
        let id = h.create(
            ObjectType::Contacts,
            &[("email", &email), ("jobtitle", "Engineer")],
        );
        h.assign(CrmObject::Contact, id, Role::Reference).await;
        contacts.push(id);
    }
    // Deeto holds an old title for every one of them (changed before the webhooks were lost).
    for id in &contacts {
        let key = RecordKey::new(PortalId(PORTAL), CrmObject::Contact, ObjectId(*id));
        let old = common::sync::FieldChange {
            property: "jobtitle".into(),
            value: Some("Intern".into()),
            changed_at_ms: 1,
        };
        h.records
            .apply_changes(key, &[old], 1)
            .await
            .expect("stored");
    }
    assert!(h.sim.webhooks_idle(Duration::from_secs(60)).await);
    h.sink.take();
    let now = now_ms();
    h.start_reconcile(now).await;
    h.work_sync_queue(1).await;
    let run = run_id(now);
    assert_eq!(h.run_state(&run).await.pages_done, 1);

    // The worker working page 1 dies: its lease is taken, its message never comes back.
    let checkpoints = h.checkpoints();
    let claim = checkpoints.claim(PortalId(PORTAL), &run, 1, now - LEASE_MS, LEASE_MS);
    assert!(matches!(
        claim.await.expect("claimed"),
        common::reconcile::PageClaim::Won(_)
    ));
    let sqs = aws_sdk_sqs::Client::new(&h.stack.sdk);
    sqs.purge_queue()
        .queue_url(h.stack.reference("SyncQueue"))
        .send()
        .await
        .expect("lost");

    // The scheduler runs again an hour later, but on the same UTC day (the run's id is its
    // date): near midnight, the day's last millisecond.
    let day_end = now - now.rem_euclid(86_400_000) + 86_399_999;
    let rerun = h.start_reconcile((now + 3_600_000).min(day_end)).await;
    assert!(
        matches!(rerun[..], [Started::Resumed { page: 1, .. }]),
        "{rerun:?}"
    );
    h.work_sync_queue(200).await;

    let done = h.run_state(&run).await;
    assert!(done.is_finished());
    assert_eq!(repaired(&done, kind::FIELD), 230, "{:?}", done.tally);
    let wait = Duration::from_secs(60);
    let updates = h.stack.receive(&h.outbound_url, 230, wait).await;
    let mut updated: Vec<u64> = updates
        .iter()
        .filter(|m| m["type"] == "record.updated.v1")
        .filter_map(|m| m["objectId"].as_u64())
        .collect();
    updated.sort_unstable();
    contacts.sort_unstable();
    assert_eq!(updated, contacts, "each record's repair published once");
    assert_eq!(h.count_429(), 0);
}
