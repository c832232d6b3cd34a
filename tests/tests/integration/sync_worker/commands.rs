//! Commands from the Deeto platform carried out by the worker: HubSpot as the simulator,
//! Deeto's records, tickets and command ledger on DynamoDB (moto). Every flow ends with the
//! simulator's journal checked against the write-scope promise by an independent checker.

use common::commands::DeetoCommand;
use common::ports::{Claim, HubSpotApi, TicketStore};
use common::queue::CommandDelivery;
use hubspot_sim::AssociationChange;
use serde_json::json;

use super::*;
use crate::write_scope::assert_within_write_scope;

impl Harness {
    pub(super) fn command(&self, command: Value) -> (String, String) {
        self.command_received_at(command, now_ms())
    }

    /// A command as the queue holds it, received by the platform at `received_at`.
    fn command_received_at(&self, command: Value, received_at: i64) -> (String, String) {
        let command: DeetoCommand = serde_json::from_value(command).expect("valid command");
        let id = format!("cmd:{}", command.id());
        let message = SyncMessage::DeetoCommandV1(CommandDelivery {
            portal_id: PortalId(PORTAL),
            tenant_id: self.tenant.clone(),
            received_at,
            position: 0,
            command,
        });
        (id, serde_json::to_string(&message).expect("serialises"))
    }

    /// A prospect, a reference and a deal, connected by Deeto (`connection.created` with
    /// status `scheduled`, type `meeting`): the deal and the ticket the worker created.
    async fn connection_with_ticket(&self, connection: &str) -> (u64, u64) {
        let prospect = self.create(ObjectType::Contacts, &[("email", "pat@prospect.test")]);
        let reference = self.create(ObjectType::Contacts, &[("email", "ada@acme.test")]);
        let deal = self.create(
            ObjectType::Deals,
            &[
                ("dealname", "New"),
                ("dealstage", "appointmentscheduled"),
                ("pipeline", "default"),
            ],
        );
        let created = self.command(json!({"type": "connection.created",
            "id": format!("{connection}-created"), "deetoId": connection,
            "prospectContactId": prospect, "referenceContactId": reference, "dealId": deal,
            "connectionType": "meeting", "status": "scheduled"}));
        assert_eq!(
            self.worker.process(vec![created]).await,
            BatchOutcome::default()
        );
        (deal, self.associated(ObjectType::Deals, deal, "tickets")[0])
    }

    pub(super) fn property(&self, object: ObjectType, id: u64, name: &str) -> Option<String> {
        let record = self.sim.record(PORTAL, object, id)?;
        record["properties"][name].as_str().map(str::to_owned)
    }

    pub(super) fn associated(&self, object: ObjectType, id: u64, to: &str) -> Vec<u64> {
        let record = self.sim.record(PORTAL, object, id).expect("record");
        let results = record["associations"][to]["results"].as_array().cloned();
        let mut ids: Vec<u64> = results
            .unwrap_or_default()
            .iter()
            .filter_map(|r| r["id"].as_str()?.parse().ok())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    pub(super) fn associate(
        &self,
        from: (ObjectType, u64),
        to: (ObjectType, u64),
        type_id: Option<u32>,
    ) {
        let link = AssociationChange {
            from_type: from.0,
            from_id: from.1,
            to_type: to.0,
            to_id: to.1,
            type_id,
            remove: false,
        };
        self.sim
            .associate_as_user(PORTAL, link)
            .expect("associated");
    }

    pub(super) fn writes(&self) -> usize {
        self.sim
            .journal(&JournalQuery {
                writes_only: Some(true),
                ..JournalQuery::default()
            })
            .len()
    }

    /// Every HubSpot request of the test, checked against the promise; `tickets` are the
    /// tickets Deeto created (the only ones it may update).
    pub(super) fn assert_write_scope(&self, tickets: &[u64]) {
        assert_within_write_scope(&self.sim.journal(&JournalQuery::default()), tickets);
    }
}

#[tokio::test]
async fn a_reference_gets_its_deeto_id_and_its_primary_company_the_companys_once() {
    let h = Harness::start().await;
    let ada = h.create(ObjectType::Contacts, &[("email", "ada@acme.test")]);
    let acme = h.create(ObjectType::Companies, &[("name", "Acme")]);
    h.associate(
        (ObjectType::Contacts, ada),
        (ObjectType::Companies, acme),
        Some(1),
    );
    let command = h.command(json!({"type": "reference.created", "id": "ref-1",
        "contactId": ada, "deetoId": "dref-ada", "companyDeetoId": "dco-acme"}));

    assert_eq!(
        h.worker.process(vec![command.clone()]).await,
        BatchOutcome::default()
    );

    assert_eq!(
        h.property(ObjectType::Contacts, ada, "deeto_id").as_deref(),
        Some("dref-ada")
    );
    assert_eq!(
        h.property(ObjectType::Companies, acme, "deeto_id")
            .as_deref(),
        Some("dco-acme")
    );
    let record = h.record(CrmObject::Contact, ada).await.expect("stored");
    assert!(record.has_role(Role::Reference));
    let company = h.record(CrmObject::Company, acme).await.expect("stored");
    assert!(company.has_role(Role::Company));

    let writes = h.writes();
    assert_eq!(
        h.worker.process(vec![command]).await,
        BatchOutcome::default()
    );
    assert_eq!(h.writes(), writes, "a replay writes nothing");
    h.assert_write_scope(&[]);
}

#[tokio::test]
async fn a_lead_is_created_once_and_an_existing_email_is_linked_not_duplicated() {
    let h = Harness::start().await;
    let existing = h.create(ObjectType::Contacts, &[("email", "bea@prospect.test")]);
    let new_lead = h.command(
        json!({"type": "lead.created", "id": "lead-1", "deetoId": "dl-1",
        "email": "Cy@Prospect.test", "firstName": "Cy", "lastName": "Young",
        "company": "Prospect Inc", "jobTitle": "CFO"}),
    );
    let known = h.command(
        json!({"type": "lead.created", "id": "lead-2", "deetoId": "dl-2",
        "email": "bea@prospect.test", "firstName": "Bea", "lastName": "Smith"}),
    );

    let outcome = h.worker.process(vec![new_lead.clone(), known]).await;

    assert_eq!(outcome, BatchOutcome::default());
    assert_eq!(
        h.property(ObjectType::Contacts, existing, "deeto_id")
            .as_deref(),
        Some("dl-2")
    );
    let created = h.sim.journal(&JournalQuery {
        path_contains: Some("/contacts/batch/create".into()),
        ..JournalQuery::default()
    });
    assert_eq!(created.len(), 1);
    let body: Value = serde_json::from_str(&created[0].body).expect("JSON body");
    assert_eq!(
        body["inputs"].as_array().map(Vec::len),
        Some(1),
        "one contact created"
    );
    let writes = h.writes();
    assert_eq!(
        h.worker.process(vec![new_lead]).await,
        BatchOutcome::default()
    );
    assert_eq!(h.writes(), writes, "a replay creates nothing");
    h.assert_write_scope(&[]);
}

#[tokio::test]
async fn a_connection_tracks_the_prospects_open_deal_and_records_a_ticket() {
    let h = Harness::start().await;
    let prospect = h.create(ObjectType::Contacts, &[("email", "pat@prospect.test")]);
    let reference = h.create(ObjectType::Contacts, &[("email", "ada@acme.test")]);
    let lost = h.create(
        ObjectType::Deals,
        &[
            ("dealname", "Old"),
            ("dealstage", "closedlost"),
            ("pipeline", "default"),
        ],
    );
    let open = h.create(
        ObjectType::Deals,
        &[
            ("dealname", "New"),
            ("dealstage", "appointmentscheduled"),
            ("pipeline", "default"),
        ],
    );
    for deal in [lost, open] {
        h.associate(
            (ObjectType::Contacts, prospect),
            (ObjectType::Deals, deal),
            None,
        );
    }
    h.sync().await; // the portal's own events: nothing Deeto knows yet
    let command = h.command(json!({"type": "connection.created", "id": "conn-1-created",
        "deetoId": "dconn-1", "prospectContactId": prospect, "referenceContactId": reference,
        "connectionType": "reference_call", "status": "scheduled"}));

    assert_eq!(
        h.worker.process(vec![command.clone()]).await,
        BatchOutcome::default()
    );

    assert_eq!(
        h.property(ObjectType::Deals, open, "deeto_id").as_deref(),
        Some("dconn-1")
    );
    assert_eq!(h.property(ObjectType::Deals, lost, "deeto_id"), None);
    let tickets = h.associated(ObjectType::Deals, open, "tickets");
    assert_eq!(tickets.len(), 1);
    let ticket = tickets[0];
    assert_eq!(
        h.property(ObjectType::Tickets, ticket, "deeto_type")
            .as_deref(),
        Some("reference_call")
    );
    assert_eq!(
        h.property(ObjectType::Tickets, ticket, "deeto_status")
            .as_deref(),
        Some("scheduled")
    );
    assert_eq!(
        h.property(ObjectType::Tickets, ticket, "deeto_id")
            .as_deref(),
        Some("dconn-1")
    );
    assert_eq!(h.associated(ObjectType::Tickets, ticket, "contacts"), {
        let mut both = vec![prospect, reference];
        both.sort_unstable();
        both
    });
    let deal = h.record(CrmObject::Deal, open).await.expect("tracked");
    assert!(deal.has_role(Role::Deal));

    // The deal is tracked now, so the prospect is relevant to the sync worker.
    h.sink.take();
    h.update(ObjectType::Contacts, prospect, &[("jobtitle", "VP Sales")]);
    assert_eq!(h.sync().await, BatchOutcome::default());
    let record = h
        .record(CrmObject::Contact, prospect)
        .await
        .expect("prospect stored");
    assert_eq!(record.field("jobtitle"), Some("VP Sales"));

    let writes = h.writes();
    assert_eq!(
        h.worker.process(vec![command]).await,
        BatchOutcome::default()
    );
    assert_eq!(h.writes(), writes, "a replay writes nothing");
    h.assert_write_scope(&[ticket]);
}

#[tokio::test]
async fn an_update_changes_the_ticket_and_re_creates_one_someone_removed() {
    let h = Harness::start().await;
    let (deal, ticket) = h.connection_with_ticket("dconn-2").await;

    let done = h.command(json!({"type": "connection.updated", "id": "c2-done",
        "deetoId": "dconn-2", "status": "completed"}));
    assert_eq!(h.worker.process(vec![done]).await, BatchOutcome::default());
    assert_eq!(
        h.property(ObjectType::Tickets, ticket, "deeto_status")
            .as_deref(),
        Some("completed")
    );

    h.sim
        .archive_as_user(PORTAL, ObjectType::Tickets, ticket)
        .expect("a user removes it");
    let story = h.command(json!({"type": "connection.updated", "id": "c2-story",
        "deetoId": "dconn-2", "connectionType": "user_story"}));
    assert_eq!(h.worker.process(vec![story]).await, BatchOutcome::default());

    let again = h.associated(ObjectType::Deals, deal, "tickets");
    assert_eq!(again.len(), 1);
    assert_ne!(again[0], ticket);
    assert_eq!(
        h.property(ObjectType::Tickets, again[0], "deeto_type")
            .as_deref(),
        Some("user_story")
    );
    assert_eq!(
        h.property(ObjectType::Tickets, again[0], "deeto_status")
            .as_deref(),
        Some("completed")
    );
    h.assert_write_scope(&[ticket, again[0]]);
}

#[tokio::test]
async fn an_older_update_delivered_late_changes_only_what_no_newer_one_set() {
    let h = Harness::start().await;
    let (_, ticket) = h.connection_with_ticket("dconn-6").await;
    let now = now_ms();
    // Deeto said "completed" (with a new type), then "cancelled"; SQS delivers the newer
    // first and the older one late (a retry after a 429, say).
    let older = h.command_received_at(
        json!({"type": "connection.updated", "id": "c6-completed", "deetoId": "dconn-6",
            "status": "completed", "connectionType": "user_story"}),
        now - 5_000,
    );
    let newer = h.command_received_at(
        json!({"type": "connection.updated", "id": "c6-cancelled", "deetoId": "dconn-6",
            "status": "cancelled"}),
        now - 1_000,
    );

    assert_eq!(h.worker.process(vec![newer]).await, BatchOutcome::default());
    assert_eq!(h.worker.process(vec![older]).await, BatchOutcome::default());

    let status = h.property(ObjectType::Tickets, ticket, "deeto_status");
    assert_eq!(
        status.as_deref(),
        Some("cancelled"),
        "the newer status stands"
    );
    let kind = h.property(ObjectType::Tickets, ticket, "deeto_type");
    assert_eq!(
        kind.as_deref(),
        Some("user_story"),
        "no newer update set the type"
    );
    let stored = h
        .hubspot
        .tickets
        .for_connection(PortalId(PORTAL), "dconn-6")
        .await
        .expect("store")
        .expect("recorded");
    assert_eq!(
        (stored.status.as_str(), stored.kind.as_str()),
        ("cancelled", "user_story")
    );
    h.assert_write_scope(&[ticket]);
}

#[tokio::test]
async fn missing_records_are_permanent_failures_with_their_reason_and_spare_the_rest() {
    let h = Harness::start().await;
    let ada = h.create(ObjectType::Contacts, &[("email", "ada@acme.test")]);
    let fine = h.command(
        json!({"type": "reference.created", "id": "r-ok", "contactId": ada, "deetoId": "d-ok"}),
    );
    let ghost = h.command(json!({"type": "reference.created", "id": "r-ghost", "contactId": 999_999, "deetoId": "d-ghost"}));
    let no_deal = h.command(json!({"type": "connection.created", "id": "c-none", "deetoId": "dc",
        "prospectContactId": ada, "referenceContactId": ada, "connectionType": "other", "status": "new"}));
    // Received an hour ago: long past any wait for its connection's creation.
    let unknown = h.command_received_at(
        json!({"type": "connection.updated", "id": "u-none", "deetoId": "never", "status": "x"}),
        now_ms() - 3_600_000,
    );
    let gone_deal = h.command(
        json!({"type": "connection.created", "id": "c-gone", "deetoId": "dg",
        "prospectContactId": ada, "referenceContactId": ada, "dealId": 999_998,
        "connectionType": "meeting", "status": "new"}),
    );

    let outcome = h
        .worker
        .process(vec![
            fine,
            ghost.clone(),
            no_deal.clone(),
            unknown.clone(),
            gone_deal.clone(),
        ])
        .await;

    assert!(outcome.failed_ids.is_empty(), "{outcome:?}");
    let reasons: std::collections::BTreeMap<&str, &str> = outcome
        .permanent
        .iter()
        .map(|(id, reason)| (id.as_str(), reason.as_str()))
        .collect();
    assert!(
        reasons[ghost.0.as_str()].contains("contact 999999 does not exist"),
        "{reasons:?}"
    );
    assert!(
        reasons[no_deal.0.as_str()].contains("has no open deal"),
        "{reasons:?}"
    );
    assert!(
        reasons[unknown.0.as_str()].contains("unknown connection"),
        "{reasons:?}"
    );
    assert!(
        reasons[gone_deal.0.as_str()].contains("deal 999998 does not exist"),
        "{reasons:?}"
    );
    let tickets = h.sim.journal(&JournalQuery {
        path_contains: Some("/tickets/batch/create".into()),
        ..JournalQuery::default()
    });
    assert!(
        tickets.is_empty(),
        "no ticket for a connection without its deal"
    );
    assert_eq!(
        h.property(ObjectType::Contacts, ada, "deeto_id").as_deref(),
        Some("d-ok")
    );
    h.assert_write_scope(&[]);
}

#[tokio::test]
async fn a_ticket_created_by_an_attempt_that_failed_to_record_it_is_adopted_not_duplicated() {
    let h = Harness::start().await;
    let prospect = h.create(ObjectType::Contacts, &[("email", "pat@prospect.test")]);
    let reference = h.create(ObjectType::Contacts, &[("email", "ada@acme.test")]);
    let deal = h.create(
        ObjectType::Deals,
        &[
            ("dealname", "New"),
            ("dealstage", "appointmentscheduled"),
            ("pipeline", "default"),
        ],
    );
    // What a crashed attempt leaves behind: its claim, long expired, and the ticket it created
    // in HubSpot with its deal, never recorded by Deeto.
    let claim = h
        .hubspot
        .tickets
        .claim_creation(
            PortalId(PORTAL),
            "dconn-9",
            None,
            now_ms() - 600_000,
            60_000,
        )
        .await
        .expect("claimed");
    assert_eq!(claim, Claim::Won);
    let ticket = |subject: &str| {
        h.create(
            ObjectType::Tickets,
            &[
                ("subject", subject),
                ("hs_pipeline", "0"),
                ("hs_pipeline_stage", "1"),
                ("deeto_id", "dconn-9"),
            ],
        )
    };
    // Someone typed the same deeto_id on an unrelated ticket: never adopted.
    let impostor = ticket("Renewal question");
    let orphan = ticket("Deeto reference connection (meeting)");
    h.associate(
        (ObjectType::Tickets, orphan),
        (ObjectType::Deals, deal),
        Some(28),
    );
    let created = h.command(
        json!({"type": "connection.created", "id": "c9", "deetoId": "dconn-9",
        "prospectContactId": prospect, "referenceContactId": reference, "dealId": deal,
        "connectionType": "meeting", "status": "scheduled"}),
    );

    assert_eq!(
        h.worker.process(vec![created]).await,
        BatchOutcome::default()
    );

    let creations = h.sim.journal(&JournalQuery {
        path_contains: Some("/tickets/batch/create".into()),
        ..JournalQuery::default()
    });
    assert!(creations.is_empty(), "no second ticket");
    assert_eq!(
        h.property(ObjectType::Tickets, orphan, "deeto_status")
            .as_deref(),
        Some("scheduled")
    );
    assert_eq!(
        h.property(ObjectType::Tickets, impostor, "deeto_status"),
        None
    );
    h.assert_write_scope(&[orphan]);
}

#[tokio::test]
async fn an_update_that_overtook_its_creation_waits_and_a_replayed_creation_keeps_the_later_state()
{
    let h = Harness::start().await;
    let prospect = h.create(ObjectType::Contacts, &[("email", "pat@prospect.test")]);
    let reference = h.create(ObjectType::Contacts, &[("email", "ada@acme.test")]);
    let deal = h.create(
        ObjectType::Deals,
        &[
            ("dealname", "New"),
            ("dealstage", "appointmentscheduled"),
            ("pipeline", "default"),
        ],
    );
    let created = h.command(json!({"type": "connection.created", "id": "c5-created",
        "deetoId": "dconn-5", "prospectContactId": prospect, "referenceContactId": reference,
        "dealId": deal, "connectionType": "meeting", "status": "scheduled"}));
    let done = h.command(json!({"type": "connection.updated", "id": "c5-done",
        "deetoId": "dconn-5", "status": "completed"}));

    // The update arrives first: it goes back to the queue, nothing is written.
    let before = h.writes();
    let early = h.worker.process(vec![done.clone()]).await;
    assert_eq!(early.failed_ids, vec![done.0.clone()]);
    assert_eq!(h.writes(), before);

    assert_eq!(
        h.worker.process(vec![created.clone()]).await,
        BatchOutcome::default()
    );
    assert_eq!(h.worker.process(vec![done]).await, BatchOutcome::default());
    let ticket = h.associated(ObjectType::Deals, deal, "tickets")[0];
    // The creation delivered again (at least once): the later status stays.
    assert_eq!(
        h.worker.process(vec![created]).await,
        BatchOutcome::default()
    );
    assert_eq!(
        h.property(ObjectType::Tickets, ticket, "deeto_status")
            .as_deref(),
        Some("completed")
    );
    assert_eq!(
        h.associated(ObjectType::Deals, deal, "tickets"),
        vec![ticket]
    );
    h.assert_write_scope(&[ticket]);
}

#[tokio::test]
async fn the_guarded_client_refuses_a_foreign_field_before_hubspot_sees_it() {
    let h = Harness::start().await;
    let ada = h.create(
        ObjectType::Contacts,
        &[("email", "ada@acme.test"), ("firstname", "Ada")],
    );
    let mark = h.sim.journal_mark();
    let path = "/crm/objects/2026-09/contacts/batch/update";
    let body = json!({"inputs": [{"id": ada.to_string(),
        "properties": {"deeto_id": "ref-ada", "firstname": "Eve"}}]});

    let refused = h
        .hubspot
        .api
        .send(
            PortalId(PORTAL),
            common::ports::ApiRequest::post(path, body),
        )
        .await
        .expect_err("refused");

    assert_eq!(
        refused.kind,
        common::hubspot::HubSpotErrorKind::Refused,
        "{refused}"
    );
    assert!(
        h.crm_calls_since(mark).is_empty(),
        "nothing reached HubSpot"
    );
    assert_eq!(
        h.property(ObjectType::Contacts, ada, "firstname")
            .as_deref(),
        Some("Ada")
    );
}
