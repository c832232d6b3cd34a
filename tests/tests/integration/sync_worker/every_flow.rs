//! The write-scope promise over one portal's whole life: a real install through HubSpot's
//! authorize page, webhook-driven sync (changes, a campaign transition, associations, a merge,
//! a deletion), every Deeto command posted to `deeto-events` and carried out from the sync
//! queue (and replayed), a daily reconcile repairing what lost webhooks missed, and the
//! operator's disconnect. The simulator's journal of all of it holds zero DELETE requests and
//! zero writes outside the allowlist.

use std::sync::Arc;
use std::time::Duration;

use common::adapters::dynamodb::oauth_state::DynamoOAuthStateStore;
use common::install::{
    Installer, LicenseKey, disconnect_tenant, hash_license_key, new_license_key,
};
use common::ports::TicketStore;
use common::queue::RetryPolicy;
use deeto_events::{DeetoEvents, handle};
use integration_tests::repo_root;
use serde_json::json;

use super::*;
use crate::write_scope::assert_within_write_scope;
use crate::write_scope::install_flow::approve;

impl Harness {
    /// The ticket Deeto recorded for a connection now.
    async fn ticket_of(&self, connection: &str) -> u64 {
        let ticket = self
            .hubspot
            .tickets
            .for_connection(PortalId(PORTAL), connection)
            .await;
        ticket.expect("read").expect("recorded").ticket_id.0
    }
}

const REDIRECT: &str = "https://abc123xyz.execute-api.eu-west-1.amazonaws.com/oauth/callback";

/// Installs portal 62515 for a new tenant the way a customer does; returns the tenant's key.
async fn install(stack: &TestStack, hubspot: &HubSpotStack) -> (TenantId, LicenseKey) {
    let key = new_license_key();
    let tenant = Tenant::pending(TenantId("acme".into()), "Acme");
    hubspot
        .tenants
        .create_tenant(&tenant, &hash_license_key(&key))
        .await
        .expect("tenant");
    let installer = Installer {
        tenants: hubspot.tenants.clone(),
        states: Arc::new(DynamoOAuthStateStore::new(
            aws_sdk_dynamodb::Client::new(&stack.sdk),
            stack.reference("Table"),
        )),
        oauth: hubspot.oauth.clone(),
        vault: hubspot.vault.clone(),
        token_cache: hubspot.token_cache.clone(),
        hubspot: hubspot.api.clone(),
        clock: Arc::new(SystemClock),
    };
    let authorize = installer
        .start(key.expose(), REDIRECT)
        .await
        .expect("install starts");
    let outcome = installer
        .complete(approve(authorize).await, REDIRECT)
        .await
        .expect("installed");
    assert_eq!(outcome.portal, PortalId(PORTAL));
    (tenant.id, key)
}

impl Harness {
    /// Posts commands to `POST /deeto/events` as the Deeto platform does, then hands what the
    /// function put on the sync queue to the worker.
    async fn post_commands(&self, key: &LicenseKey, commands: &[Value]) {
        let sync_queue = self.stack.reference("SyncQueue");
        let app = DeetoEvents {
            tenants: self.hubspot.tenants.clone(),
            queue: Arc::new(SqsJobQueue::new(self.stack.sqs.clone(), &sync_queue)),
            clock: Arc::new(SystemClock),
            retry: RetryPolicy::default(),
        };
        let path = repo_root().join("events/deeto-events/api-gateway-v2.json");
        let mut event: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("event")).expect("json");
        event["headers"]["authorization"] = json!(format!("Bearer {}", key.expose()));
        event["headers"]
            .as_object_mut()
            .map(|h| h.remove("content-length"));
        event["body"] = json!(json!({ "commands": commands }).to_string());
        let request = lambda_http::request::from_str(&event.to_string()).expect("request");
        let answer = handle(&app, request).await;
        assert_eq!(
            answer.status().as_u16(),
            202,
            "{}",
            String::from_utf8_lossy(answer.body().as_ref())
        );

        let queued = self
            .stack
            .receive(&sync_queue, commands.len(), Duration::from_secs(10))
            .await;
        assert_eq!(queued.len(), commands.len());
        let messages = queued
            .into_iter()
            .enumerate()
            .map(|(i, body)| (format!("m{i}"), body.to_string()))
            .collect();
        assert_eq!(self.worker.process(messages).await, BatchOutcome::default());
    }
}

#[tokio::test]
async fn a_portals_whole_life_writes_only_within_deetos_scope_and_deletes_nothing() {
    let (stack, sim, sink, hubspot) = Harness::parts().await;
    let (tenant, key) = install(&stack, &hubspot).await;
    let h = Harness::assemble(stack, sim, sink, hubspot, tenant.clone());

    // Sync: a reference's change, a campaign transition, a tracked deal, a merge, a deletion.
    let ada = h.create(ObjectType::Contacts, &[("email", "ada@acme.test")]);
    let acme = h.create(ObjectType::Companies, &[("name", "Acme")]);
    let pat = h.create(ObjectType::Contacts, &[("email", "pat@prospect.test")]);
    let twin = h.create(ObjectType::Contacts, &[("email", "pat.twin@prospect.test")]);
    let deal = h.create(
        ObjectType::Deals,
        &[
            ("dealname", "New"),
            ("dealstage", "appointmentscheduled"),
            ("pipeline", "default"),
        ],
    );
    h.associate(
        (ObjectType::Contacts, ada),
        (ObjectType::Companies, acme),
        Some(1),
    );
    h.associate((ObjectType::Contacts, pat), (ObjectType::Deals, deal), None);
    h.assign(CrmObject::Contact, ada, Role::Reference).await;
    h.update(
        ObjectType::Contacts,
        ada,
        &[("jobtitle", "CTO"), ("lifecyclestage", "customer")],
    );
    h.sim
        .merge_as_user(PORTAL, ObjectType::Contacts, pat, twin)
        .expect("merged");
    let gone = h.create(ObjectType::Contacts, &[("email", "gone@acme.test")]);
    h.sim
        .archive_as_user(PORTAL, ObjectType::Contacts, gone)
        .expect("deleted");
    assert_eq!(h.sync().await, BatchOutcome::default());

    // Every command, through the Deeto events API and the sync queue, then all replayed.
    let commands = [
        json!({"type": "reference.created", "id": "e-ref", "contactId": ada,
               "deetoId": "ref-ada", "companyDeetoId": "co-acme"}),
        json!({"type": "lead.created", "id": "e-lead", "deetoId": "lead-cy",
               "email": "cy@prospect.test", "firstName": "Cy", "lastName": "Young",
               "company": "Prospect Inc", "jobTitle": "CFO"}),
        json!({"type": "lead.created", "id": "e-lead-known", "deetoId": "lead-pat",
               "email": "pat@prospect.test", "firstName": "Pat", "lastName": "Lee"}),
        json!({"type": "connection.created", "id": "e-conn", "deetoId": "conn-1",
               "prospectContactId": pat, "referenceContactId": ada,
               "connectionType": "video_testimonial", "status": "scheduled"}),
    ];
    h.post_commands(&key, &commands).await;
    let update = [json!({"type": "connection.updated", "id": "e-conn-done",
                         "deetoId": "conn-1", "status": "completed", "connectionType": "case_study"})];
    h.post_commands(&key, &update).await;
    let writes = h.writes();
    h.post_commands(&key, &commands).await;
    h.post_commands(&key, &update).await;
    assert_eq!(h.writes(), writes, "replays write nothing");

    // Someone removes Deeto's ticket; the next update re-creates it.
    let ticket = h.ticket_of("conn-1").await;
    h.sim
        .archive_as_user(PORTAL, ObjectType::Tickets, ticket)
        .expect("removed");
    let again = [json!({"type": "connection.updated", "id": "e-conn-again",
                        "deetoId": "conn-1", "status": "published"})];
    h.post_commands(&key, &again).await;
    let recreated = h.ticket_of("conn-1").await;
    assert_ne!(recreated, ticket);
    assert_eq!(
        h.property(ObjectType::Tickets, recreated, "deeto_status")
            .as_deref(),
        Some("published")
    );

    // Webhooks are lost: the daily reconcile repairs what they missed, inside the same scope.
    h.update(ObjectType::Contacts, ada, &[("deeto_id", "")]);
    h.sim
        .archive_as_user(PORTAL, ObjectType::Tickets, recreated)
        .expect("removed again");
    assert!(h.sim.webhooks_idle(Duration::from_secs(60)).await);
    h.sink.take();
    let run = h.reconcile(now_ms()).await;
    assert_eq!(run.tally.found, run.tally.repaired, "{:?}", run.tally);
    assert_eq!(
        h.property(ObjectType::Contacts, ada, "deeto_id").as_deref(),
        Some("ref-ada")
    );
    let third = h.ticket_of("conn-1").await;
    assert_ne!(third, recreated, "the open connection's ticket re-created");

    // The operator disconnects the tenant: the token is revoked, nothing else is written.
    let disconnected = disconnect_tenant(
        h.hubspot.tenants.as_ref(),
        h.hubspot.vault.as_ref(),
        h.hubspot.oauth.as_ref(),
        &tenant,
        "operator request",
        now_ms(),
    )
    .await
    .expect("disconnected");
    assert!(disconnected.token_revoked);

    let journal = h.sim.journal(&JournalQuery::default());
    let written: std::collections::BTreeSet<String> = journal
        .iter()
        .filter(|e| e.is_write() && e.status < 300)
        .map(|e| e.path.clone())
        .collect();
    for kind in [
        "/crm/properties/2026-09/tickets",
        "/crm/objects/2026-09/contacts/batch/update",
        "/crm/objects/2026-09/companies/batch/update",
        "/crm/objects/2026-09/contacts/batch/create",
        "/crm/objects/2026-09/deals/batch/update",
        "/crm/objects/2026-09/tickets/batch/create",
        "/crm/objects/2026-09/tickets/batch/update",
    ] {
        assert!(
            written.contains(kind),
            "the flows wrote {kind}: {written:?}"
        );
    }
    assert!(journal.iter().any(|e| e.path.ends_with("/token/revoke")));
    assert_within_write_scope(&journal, &[ticket, recreated, third]);
}
