//! The Deeto tab over in-memory stores: what each record type shows, the setup states, the
//! on-demand sync's cool-down and inline/queued choice, and the request-reference action.
//! The same paths run on DynamoDB (moto) through the `crm-card` function in the integration
//! tests.

use std::collections::BTreeSet;
use std::sync::Arc;

use async_trait::async_trait;
use tokio::time::Instant;

use super::query::{CardQuery, CardUser, MatchCriteria, Shape};
use super::refresh::RefreshPolicy;
use super::service::{CardError, CardService};
use super::view::{
    CardAnswer, ContactView, DealView, ReadyView, RecordView, ReferenceStatus, RequestStatus,
    SyncStatus,
};
use crate::adapters::memory::{
    MemoryCardState, MemoryCommandLedger, MemoryJobQueue, MemoryQueueBehaviour,
    MemoryReferencePools, MemoryTenantStore, MemoryTicketStore,
};
use crate::domain::ids::{ObjectId, PortalId, TenantId};
use crate::ports::{
    BudgetProbe, DeetoTicket, FixedClock, StoreError, Tenant, TenantStore, TicketStore,
};
use crate::queue::SyncMessage;
use crate::sync::config::DefaultConfigSource;
use crate::sync::fake_hubspot::FakeHubSpot;
use crate::sync::memory::{MemoryLedger, MemoryOutbox, MemoryRecords};
use crate::sync::outbound::OutboundMessage;
use crate::sync::ports::{FieldChange, RecordStore};
use crate::sync::record::{CrmObject, RecordKey, Role};
use crate::sync::worker::SyncWorker;

const PORTAL: PortalId = PortalId(62515);
const NOW: i64 = 1_800_000_000_000;
const MINUTE: i64 = 60_000;

struct Budget(bool);

#[async_trait]
impl BudgetProbe for Budget {
    async fn is_busy(&self, _: PortalId, _: i64) -> Result<bool, StoreError> {
        Ok(self.0)
    }
}

struct Tab {
    service: CardService,
    records: Arc<MemoryRecords>,
    tickets: Arc<MemoryTicketStore>,
    tenants: Arc<MemoryTenantStore>,
    queue: Arc<MemoryJobQueue>,
    outbox: Arc<MemoryOutbox>,
    hubspot: Arc<FakeHubSpot>,
    /// The sync worker over the same stores, to carry out what the tab queued.
    worker: SyncWorker,
}

impl Tab {
    async fn new() -> Self {
        Self::with(MemoryQueueBehaviour::Accept, false, false).await
    }

    async fn with(queue: MemoryQueueBehaviour, budget_busy: bool, inline: bool) -> Self {
        let tenants = Arc::new(MemoryTenantStore::default());
        let tenant = Tenant::pending(TenantId("acme".into()), "Acme");
        tenants
            .create_tenant(&tenant, "hash")
            .await
            .expect("tenant");
        tenants
            .bind_portal(&tenant.id, PORTAL, &[], 1)
            .await
            .expect("bind");
        let records = Arc::new(MemoryRecords::default());
        let tickets = Arc::new(MemoryTicketStore::default());
        let queue = Arc::new(MemoryJobQueue::with(queue));
        let outbox = Arc::new(MemoryOutbox::default());
        let clock = Arc::new(FixedClock(NOW));
        let hubspot = Arc::new(FakeHubSpot::default());
        let pools = Arc::new(MemoryReferencePools::default());
        let worker = SyncWorker {
            tenants: tenants.clone(),
            configs: Arc::new(DefaultConfigSource::default()),
            records: records.clone(),
            ledger: Arc::new(MemoryLedger::default()),
            outbound: outbox.clone(),
            hubspot: hubspot.clone(),
            clock: clock.clone(),
            tickets: tickets.clone(),
            commands: Arc::new(MemoryCommandLedger::default()),
            checkpoints: Arc::new(crate::reconcile::memory::MemoryCheckpoints::default()),
            sync_queue: queue.clone(),
            pools: pools.clone(),
        };
        let service = CardService {
            tenants: tenants.clone(),
            configs: Arc::new(DefaultConfigSource::default()),
            records: records.clone(),
            tickets: tickets.clone(),
            state: Arc::new(MemoryCardState::default()),
            pools: pools.clone(),
            budget: Arc::new(Budget(budget_busy)),
            sync_queue: queue.clone(),
            outbound: outbox.clone(),
            inline: inline.then(|| worker.clone()),
            clock,
            install_url: "https://api.example.com/oauth/install".into(),
            policy: RefreshPolicy::default(),
        };
        Self {
            service,
            records,
            tickets,
            tenants,
            queue,
            outbox,
            hubspot,
            worker,
        }
    }

    fn at(&mut self, now: i64) {
        let clock = Arc::new(FixedClock(now));
        self.service.clock = clock.clone();
        self.worker.clock = clock.clone();
        if let Some(inline) = &mut self.service.inline {
            inline.clock = clock;
        }
    }

    async fn person(&self, id: u64, role: Option<Role>, fields: &[(&str, &str)], synced_at: i64) {
        let key = RecordKey::new(PORTAL, CrmObject::Contact, ObjectId(id));
        self.record(key, role, fields, synced_at).await;
    }

    async fn record(
        &self,
        key: RecordKey,
        role: Option<Role>,
        fields: &[(&str, &str)],
        synced_at: i64,
    ) {
        let changes: Vec<FieldChange> = (fields.iter())
            .map(|(p, v)| FieldChange {
                property: (*p).into(),
                value: Some((*v).into()),
                changed_at_ms: 1,
            })
            .collect();
        self.records
            .apply_changes(key, &changes, synced_at)
            .await
            .expect("fields");
        if let Some(role) = role {
            let deeto_id = format!("deeto-{}-{}", key.object, key.object_id);
            self.records
                .assign_role(key, role, Some(&deeto_id), 1)
                .await
                .expect("role");
        }
    }

    async fn link(&self, a: (CrmObject, u64), b: (CrmObject, u64)) {
        let key = |(o, id): (CrmObject, u64)| RecordKey::new(PORTAL, o, ObjectId(id));
        self.records
            .set_link(key(a), key(b), true, 1)
            .await
            .expect("link");
    }

    async fn connection(
        &self,
        name: &str,
        ticket: u64,
        deal: u64,
        contacts: &[u64],
        kind: &str,
        status: &str,
    ) {
        let ticket = DeetoTicket {
            ticket_id: ObjectId(ticket),
            connection: name.into(),
            deal_id: ObjectId(deal),
            contacts: contacts.iter().copied().map(ObjectId).collect(),
            status: status.into(),
            kind: kind.into(),
            status_order: 0,
            kind_order: 0,
        };
        self.tickets.put(PORTAL, &ticket).await.expect("ticket");
    }

    async fn open(&self, object: CrmObject, id: u64, hints: MatchCriteria) -> CardAnswer {
        let query = CardQuery {
            portal: PORTAL,
            object,
            object_id: ObjectId(id),
            user: CardUser::default(),
            shape: Shape::AppCard,
            hints,
        };
        self.service
            .open(&query, Instant::now())
            .await
            .expect("answer")
    }

    async fn ready(&self, object: CrmObject, id: u64, hints: MatchCriteria) -> ReadyView {
        match self.open(object, id, hints).await {
            CardAnswer::Ready(ready) => ready,
            other => panic!("not ready: {other:?}"),
        }
    }

    fn refreshes(&self) -> Vec<(CrmObject, u64)> {
        (self.queue.sent().iter())
            .filter_map(|e| match serde_json::from_str(&e.body) {
                Ok(SyncMessage::RecordRefreshV1(r)) => Some((r.object_type, r.object_id.0)),
                _ => None,
            })
            .collect()
    }
}

fn contact_view(ready: ReadyView) -> ContactView {
    match ready.record {
        RecordView::Contact(view) => view,
        other => panic!("not a contact: {other:?}"),
    }
}

fn deal_view(ready: ReadyView) -> DealView {
    match ready.record {
        RecordView::Deal(view) => view,
        other => panic!("not a deal: {other:?}"),
    }
}

fn ada() -> [(&'static str, &'static str); 3] {
    [
        ("firstname", "Ada"),
        ("lastname", "Lovelace"),
        ("email", "ada@example.com"),
    ]
}

mod pool;

#[tokio::test]
async fn a_reference_shows_its_status_deeto_id_and_connections_with_their_labels() {
    let tab = Tab::new().await;
    tab.person(101, Some(Role::Reference), &ada(), NOW - 5 * MINUTE)
        .await;
    tab.connection(
        "conn-1",
        9001,
        501,
        &[101, 201],
        "video_testimonial",
        "scheduled",
    )
    .await;
    tab.connection("conn-2", 9002, 502, &[202], "meeting", "completed")
        .await;

    let ready = tab
        .ready(CrmObject::Contact, 101, MatchCriteria::default())
        .await;

    assert_eq!(ready.object.id, "101");
    let view = contact_view(ready);
    assert_eq!(view.reference_status, ReferenceStatus::Reference);
    assert_eq!(view.deeto_id.as_deref(), Some("deeto-contact-101"));
    assert_eq!(view.connections.len(), 1);
    assert_eq!(view.connections[0].kind_label, "Video testimonial");
    assert_eq!(view.connections[0].deal_id, "501");
}

#[tokio::test]
async fn a_contact_on_an_open_tracked_deal_is_a_prospect_and_an_unknown_one_is_none() {
    let tab = Tab::new().await;
    let deal = RecordKey::new(PORTAL, CrmObject::Deal, ObjectId(501));
    tab.record(
        deal,
        Some(Role::Deal),
        &[("dealstage", "appointmentscheduled")],
        NOW,
    )
    .await;
    tab.person(201, None, &[("firstname", "Pat")], NOW).await;
    tab.link((CrmObject::Contact, 201), (CrmObject::Deal, 501))
        .await;

    let prospect = contact_view(
        tab.ready(CrmObject::Contact, 201, MatchCriteria::default())
            .await,
    );
    let unknown = contact_view(
        tab.ready(CrmObject::Contact, 999, MatchCriteria::default())
            .await,
    );

    assert_eq!(prospect.reference_status, ReferenceStatus::Prospect);
    assert_eq!(unknown.reference_status, ReferenceStatus::None);
    assert!(unknown.connections.is_empty());
}

#[tokio::test]
async fn a_company_lists_its_references_with_their_newest_activity() {
    let tab = Tab::new().await;
    let company = RecordKey::new(PORTAL, CrmObject::Company, ObjectId(301));
    tab.record(company, Some(Role::Company), &[("name", "Acme")], NOW)
        .await;
    tab.person(101, Some(Role::Reference), &ada(), NOW).await;
    tab.person(
        102,
        None,
        &[("firstname", "Not"), ("lastname", "Reference")],
        NOW,
    )
    .await;
    for contact in [101, 102] {
        tab.link((CrmObject::Contact, contact), (CrmObject::Company, 301))
            .await;
    }
    tab.connection("conn-1", 9001, 501, &[101], "meeting", "completed")
        .await;
    tab.connection("conn-2", 9005, 502, &[101], "case_study", "in_progress")
        .await;

    let ready = tab
        .ready(CrmObject::Company, 301, MatchCriteria::default())
        .await;

    let RecordView::Company(view) = ready.record else {
        panic!("not a company")
    };
    assert_eq!(view.deeto_id.as_deref(), Some("deeto-company-301"));
    assert_eq!(view.references.len(), 1);
    let reference = &view.references[0];
    assert_eq!(
        (reference.name.as_str(), reference.connections),
        ("Ada Lovelace", 2)
    );
    let last = reference.last_activity.as_ref().expect("activity");
    assert_eq!(
        (last.kind_label.as_str(), last.status.as_str()),
        ("Case study", "in_progress")
    );
}

#[tokio::test]
async fn a_deal_shows_its_connections_and_references_matched_on_its_company() {
    let tab = Tab::new().await;
    let deal = RecordKey::new(PORTAL, CrmObject::Deal, ObjectId(501));
    tab.record(deal, Some(Role::Deal), &[], NOW).await;
    let prospect_co = RecordKey::new(PORTAL, CrmObject::Company, ObjectId(300));
    tab.record(
        prospect_co,
        None,
        &[("industry", "RETAIL"), ("numberofemployees", "45")],
        NOW,
    )
    .await;
    tab.person(201, None, &[("firstname", "Pat")], NOW).await;
    tab.link((CrmObject::Contact, 201), (CrmObject::Deal, 501))
        .await;
    tab.link((CrmObject::Contact, 201), (CrmObject::Company, 300))
        .await;
    // Three references: a full match, one already on the deal, one of another industry and size.
    for (contact, company, industry, size) in [
        (101, 301, "RETAIL", "30"),
        (102, 302, "RETAIL", "40"),
        (103, 303, "BANKING", "9000"),
    ] {
        tab.person(
            contact,
            Some(Role::Reference),
            &[("firstname", "Ref"), ("lastname", &contact.to_string())],
            NOW,
        )
        .await;
        let key = RecordKey::new(PORTAL, CrmObject::Company, ObjectId(company));
        tab.record(
            key,
            None,
            &[
                ("name", "Co"),
                ("industry", industry),
                ("numberofemployees", size),
            ],
            NOW,
        )
        .await;
        tab.link((CrmObject::Contact, contact), (CrmObject::Company, company))
            .await;
    }
    tab.connection("conn-1", 9001, 501, &[102, 201], "meeting", "scheduled")
        .await;

    let view = deal_view(
        tab.ready(CrmObject::Deal, 501, MatchCriteria::default())
            .await,
    );

    assert_eq!(view.connections.len(), 1);
    assert_eq!(view.match_criteria.industry.as_deref(), Some("RETAIL"));
    assert_eq!(view.match_criteria.company_size, Some(45));
    let suggested: Vec<&str> = view
        .suggestions
        .iter()
        .map(|s| s.contact_id.as_str())
        .collect();
    assert_eq!(suggested, ["101"]);
    assert_eq!(view.suggestions[0].matched_on, ["industry", "companySize"]);

    // The card's own criteria (the deal's company as HubSpot shows it) take precedence.
    let banking = MatchCriteria {
        industry: Some("banking".into()),
        company_size: None,
    };
    let view = deal_view(tab.ready(CrmObject::Deal, 501, banking).await);
    let suggested: Vec<&str> = view
        .suggestions
        .iter()
        .map(|s| s.contact_id.as_str())
        .collect();
    assert_eq!(suggested, ["103"]);
}

#[tokio::test]
async fn a_portal_never_installed_or_pending_gets_install_and_a_disconnected_one_reconnect() {
    let tab = Tab::new().await;
    let elsewhere = CardQuery {
        portal: PortalId(1),
        object: CrmObject::Contact,
        object_id: ObjectId(1),
        user: CardUser::default(),
        shape: Shape::AppCard,
        hints: MatchCriteria::default(),
    };
    let answer = tab
        .service
        .open(&elsewhere, Instant::now())
        .await
        .expect("answer");
    let CardAnswer::NotInstalled(setup) = answer else {
        panic!("{answer:?}")
    };
    assert_eq!(setup.action.url, "https://api.example.com/oauth/install");

    tab.tenants
        .mark_disconnected(PORTAL, "refresh token refused", NOW)
        .await
        .expect("disconnect");
    let answer = tab
        .open(CrmObject::Contact, 101, MatchCriteria::default())
        .await;
    assert!(matches!(answer, CardAnswer::Reconnect(_)), "{answer:?}");
    assert!(
        tab.refreshes().is_empty(),
        "no sync is queued for a portal that cannot sync"
    );
}

#[tokio::test]
async fn opening_queues_one_sync_per_record_within_the_cool_down() {
    let mut tab = Tab::new().await;
    tab.person(101, Some(Role::Reference), &ada(), NOW - 5 * MINUTE)
        .await;

    let first = tab
        .ready(CrmObject::Contact, 101, MatchCriteria::default())
        .await;
    let second = tab
        .ready(CrmObject::Contact, 101, MatchCriteria::default())
        .await;
    let other = tab
        .ready(CrmObject::Company, 301, MatchCriteria::default())
        .await;
    tab.at(NOW + 5 * MINUTE + 1);
    let later = tab
        .ready(CrmObject::Contact, 101, MatchCriteria::default())
        .await;

    assert_eq!(first.sync.status, SyncStatus::Queued);
    assert_eq!(second.sync.status, SyncStatus::CoolingDown);
    assert_eq!(other.sync.status, SyncStatus::Queued);
    assert_eq!(later.sync.status, SyncStatus::Queued);
    assert_eq!(
        tab.refreshes(),
        [
            (CrmObject::Contact, 101),
            (CrmObject::Company, 301),
            (CrmObject::Contact, 101)
        ]
    );
    assert!(first.sync.last_synced_at.is_some());
}

#[tokio::test]
async fn a_record_synced_moments_ago_is_fresh_and_queues_nothing() {
    let tab = Tab::new().await;
    tab.person(101, Some(Role::Reference), &ada(), NOW - 10_000)
        .await;

    let ready = tab
        .ready(CrmObject::Contact, 101, MatchCriteria::default())
        .await;

    assert_eq!(ready.sync.status, SyncStatus::Fresh);
    assert!(tab.refreshes().is_empty());
}

#[tokio::test]
async fn a_stale_record_is_synced_inline_when_the_budget_allows_and_queued_when_busy() {
    let free = Tab::with(MemoryQueueBehaviour::Accept, false, true).await;
    free.person(101, Some(Role::Reference), &ada(), NOW - 60 * MINUTE)
        .await;
    let busy = Tab::with(MemoryQueueBehaviour::Accept, true, true).await;
    busy.person(101, Some(Role::Reference), &ada(), NOW - 60 * MINUTE)
        .await;

    let synced = free
        .ready(CrmObject::Contact, 101, MatchCriteria::default())
        .await;
    let deferred = busy
        .ready(CrmObject::Contact, 101, MatchCriteria::default())
        .await;

    assert_eq!(synced.sync.status, SyncStatus::Synced);
    assert!(free.refreshes().is_empty(), "done inline, nothing queued");
    assert_eq!(deferred.sync.status, SyncStatus::Deferred);
    assert_eq!(busy.refreshes(), [(CrmObject::Contact, 101)]);
}

#[tokio::test]
async fn an_inline_sync_that_outruns_its_time_budget_is_left_to_the_queue() {
    let mut tab = Tab::with(MemoryQueueBehaviour::Accept, false, true).await;
    tab.person(101, Some(Role::Reference), &ada(), NOW - 60 * MINUTE)
        .await;
    tab.hubspot
        .set_delay(Some(std::time::Duration::from_secs(5)));
    tab.service.policy.inline_budget = std::time::Duration::from_millis(20);

    let ready = tab
        .ready(CrmObject::Contact, 101, MatchCriteria::default())
        .await;

    assert_eq!(ready.sync.status, SyncStatus::Queued);
    assert_eq!(tab.refreshes(), [(CrmObject::Contact, 101)]);
}

#[tokio::test]
async fn a_sync_that_cannot_be_queued_still_shows_the_tab_and_frees_the_claim() {
    let tab = Tab::with(MemoryQueueBehaviour::Unavailable, false, false).await;
    tab.person(101, Some(Role::Reference), &ada(), NOW - 5 * MINUTE)
        .await;

    let first = tab
        .ready(CrmObject::Contact, 101, MatchCriteria::default())
        .await;
    let second = tab
        .ready(CrmObject::Contact, 101, MatchCriteria::default())
        .await;

    assert_eq!(first.sync.status, SyncStatus::Deferred);
    assert_eq!(
        contact_view(first).reference_status,
        ReferenceStatus::Reference
    );
    // Released, so the next open tries again instead of cooling down on nothing.
    assert_eq!(second.sync.status, SyncStatus::Deferred);
}

#[tokio::test]
async fn requesting_a_reference_tells_deeto_once_and_marks_the_suggestion() {
    let tab = Tab::new().await;
    tab.person(101, Some(Role::Reference), &ada(), NOW).await;
    let user = CardUser {
        id: Some("7".into()),
        email: Some("rep@example.com".into()),
    };

    let first = tab
        .service
        .request_reference(PORTAL, &user, ObjectId(501), ObjectId(101))
        .await
        .expect("first");
    let again = tab
        .service
        .request_reference(PORTAL, &user, ObjectId(501), ObjectId(101))
        .await
        .expect("again");

    assert_eq!(first.status, RequestStatus::Requested);
    assert_eq!(
        first.message,
        "Deeto will ask Ada Lovelace to help with this deal."
    );
    assert_eq!(again.status, RequestStatus::AlreadyRequested);
    assert_eq!(again.request_id, first.request_id);
    let messages = tab.outbox.messages();
    assert_eq!(messages.len(), 1);
    let OutboundMessage::ReferenceRequestedV1(sent) = &messages[0] else {
        panic!("{messages:?}")
    };
    assert_eq!(
        (sent.deal_id, sent.reference_contact_id),
        (ObjectId(501), ObjectId(101))
    );
    assert_eq!(
        sent.reference_deeto_id.as_deref(),
        Some("deeto-contact-101")
    );
    assert_eq!(sent.requested_by_email.as_deref(), Some("rep@example.com"));

    let requested = BTreeSet::from([ObjectId(101)]);
    let state = tab
        .service
        .state
        .requested_references(PORTAL, ObjectId(501))
        .await
        .expect("read");
    assert_eq!(state, requested);
}

#[tokio::test]
async fn a_request_for_a_non_reference_or_on_a_disconnected_portal_is_refused() {
    let tab = Tab::new().await;
    tab.person(102, None, &ada(), NOW).await;
    let user = CardUser::default();

    let not_reference = tab
        .service
        .request_reference(PORTAL, &user, ObjectId(501), ObjectId(102))
        .await;
    assert!(
        matches!(not_reference, Err(CardError::NotFound(_))),
        "{not_reference:?}"
    );

    tab.tenants
        .mark_disconnected(PORTAL, "uninstalled", NOW)
        .await
        .expect("disconnect");
    let disconnected = tab
        .service
        .request_reference(PORTAL, &user, ObjectId(501), ObjectId(102))
        .await;
    assert!(
        matches!(disconnected, Err(CardError::NotConnected(_))),
        "{disconnected:?}"
    );
    assert!(tab.outbox.messages().is_empty());
}

#[test]
fn the_answer_has_the_documented_json_shape() {
    let answer = CardAnswer::Ready(ReadyView {
        object: super::view::ObjectRef {
            kind: "contact".into(),
            id: "101".into(),
        },
        sync: super::view::SyncState {
            status: SyncStatus::CoolingDown,
            last_synced_at: None,
        },
        record: RecordView::Contact(ContactView {
            reference_status: ReferenceStatus::None,
            deeto_id: None,
            connections: vec![],
        }),
    });

    assert_eq!(
        serde_json::to_value(&answer).expect("json"),
        serde_json::json!({"state": "ready", "object": {"type": "contact", "id": "101"},
            "sync": {"status": "cooling_down", "lastSyncedAt": null},
            "contact": {"referenceStatus": "none", "deetoId": null, "connections": []}})
    );
}

/// The fixtures the React card's tests replay (`hubspot-app/src/app/cards/fixtures/`) are
/// answers this backend can give, field for field: each reads into our types and writes back
/// unchanged, so the two sides cannot drift apart unnoticed.
#[test]
fn the_app_cards_fixtures_are_exactly_what_the_backend_produces() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../hubspot-app/src/app/cards/fixtures");
    let read = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(dir.join(name)).expect("fixture");
        serde_json::from_str(&text).expect("json")
    };
    let mut checked = 0;
    for name in [
        "card-contact-ready.json",
        "card-company-ready.json",
        "card-deal-ready.json",
        "card-not-installed.json",
        "card-reconnect.json",
    ] {
        let fixture = read(name);
        let answer: CardAnswer = serde_json::from_value(fixture.clone()).expect(name);
        assert_eq!(
            serde_json::to_value(&answer).expect("json"),
            fixture,
            "{name}"
        );
        checked += 1;
    }
    let fixture = read("request-reference-response.json");
    let answer: super::view::RequestAnswer =
        serde_json::from_value(fixture.clone()).expect("answer");
    assert_eq!(serde_json::to_value(&answer).expect("json"), fixture);
    for name in ["error-not-connected.json", "error-unavailable.json"] {
        let error = read(name);
        assert!(
            error["error"].is_string() && error["message"].is_string(),
            "{name}"
        );
        checked += 1;
    }
    assert_eq!(checked, 7);
}
