//! The worker over in-memory stores and a fake HubSpot: every rule of the issue, case by case.
//! The same behaviour is exercised on DynamoDB (moto) and the simulator in the integration tests.

use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::adapters::memory::MemoryTenantStore;
use crate::domain::ids::{ObjectId, TenantId};
use crate::hubspot::HubSpotErrorKind;
use crate::ports::{FixedClock, Tenant};
use crate::sync::config::DefaultConfigSource;
use crate::sync::fake_hubspot::FakeHubSpot;
use crate::sync::memory::{MemoryLedger, MemoryOutbox, MemoryRecords};
use crate::sync::outbound::OutboundMessage;
use crate::sync::ports::FieldChange;
use crate::sync::record::{CrmObject, RecordKey, Role};

const PORTAL: PortalId = PortalId(7);

struct Harness {
    tenants: Arc<MemoryTenantStore>,
    records: Arc<MemoryRecords>,
    ledger: Arc<MemoryLedger>,
    outbox: Arc<MemoryOutbox>,
    hubspot: Arc<FakeHubSpot>,
    worker: SyncWorker,
    next_id: std::cell::Cell<u32>,
}

impl Harness {
    async fn new() -> Self {
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
        let ledger = Arc::new(MemoryLedger::default());
        let outbox = Arc::new(MemoryOutbox::default());
        let hubspot = Arc::new(FakeHubSpot::default());
        let worker = SyncWorker {
            tenants: tenants.clone(),
            configs: Arc::new(DefaultConfigSource::default()),
            records: records.clone(),
            ledger: ledger.clone(),
            outbound: outbox.clone(),
            hubspot: hubspot.clone(),
            clock: Arc::new(FixedClock(1_000_000)),
        };
        Self {
            tenants,
            records,
            ledger,
            outbox,
            hubspot,
            worker,
            next_id: std::cell::Cell::new(0),
        }
    }

    async fn assign(&self, object: CrmObject, id: u64, role: Role) {
        let key = RecordKey::new(PORTAL, object, ObjectId(id));
        let deeto_id = format!("deeto-{object}-{id}");
        self.records
            .assign_role(key, role, Some(&deeto_id), 1)
            .await
            .expect("assign");
    }

    /// A reference contact with every mapped value already stored, so changes need no read.
    async fn reference(&self, id: u64) {
        self.assign(CrmObject::Contact, id, Role::Reference).await;
        let key = RecordKey::new(PORTAL, CrmObject::Contact, ObjectId(id));
        let mapping = crate::sync::FieldMapping::repo_default();
        let changes: Vec<FieldChange> = mapping
            .properties(CrmObject::Contact)
            .map(|property| FieldChange {
                property: property.to_owned(),
                value: (property == "email").then(|| format!("c{id}@acme.test")),
                changed_at_ms: 1,
            })
            .collect();
        self.records
            .apply_changes(key, &changes, 1)
            .await
            .expect("seed");
    }

    fn message(&self, event: serde_json::Value) -> (String, String) {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let mut base =
            json!({"eventId": id, "subscriptionId": 1, "portalId": PORTAL.0, "occurredAt": 100});
        if let (Some(base), Some(extra)) = (base.as_object_mut(), event.as_object()) {
            base.extend(extra.clone());
        }
        let body = json!({"type": "hubspot.webhook.v1", "receivedAt": 1, "event": base});
        (format!("msg-{id}"), body.to_string())
    }

    fn change(
        &self,
        object: &str,
        id: u64,
        property: &str,
        value: &str,
        at: i64,
    ) -> (String, String) {
        self.message(
            json!({"subscriptionType": format!("{object}.propertyChange"), "objectId": id,
            "propertyName": property, "propertyValue": value, "occurredAt": at}),
        )
    }

    fn link(&self, contact: u64, deal: u64, removed: bool, at: i64) -> (String, String) {
        self.message(json!({"subscriptionType": "contact.associationChange",
            "associationType": "CONTACT_TO_DEAL", "fromObjectId": contact, "toObjectId": deal,
            "associationRemoved": removed, "occurredAt": at}))
    }

    async fn run(&self, messages: Vec<(String, String)>) -> BatchOutcome {
        self.worker.process(messages).await
    }

    fn field(&self, object: CrmObject, id: u64, property: &str) -> Option<String> {
        let record = self
            .records
            .get(RecordKey::new(PORTAL, object, ObjectId(id)))?;
        record.field(property).map(str::to_owned)
    }

    fn kinds(&self) -> Vec<&'static str> {
        self.outbox
            .messages()
            .iter()
            .map(OutboundMessage::type_name)
            .collect()
    }

    /// A tracked, open deal with every mapped value stored.
    async fn open_deal(&self, id: u64) {
        self.assign(CrmObject::Deal, id, Role::Deal).await;
        let key = RecordKey::new(PORTAL, CrmObject::Deal, ObjectId(id));
        let value = |property: &str| match property {
            "dealstage" => Some("appointmentscheduled".to_owned()),
            "pipeline" => Some("default".to_owned()),
            _ => None,
        };
        let changes: Vec<FieldChange> = crate::sync::FieldMapping::repo_default()
            .properties(CrmObject::Deal)
            .map(|property| FieldChange {
                property: property.to_owned(),
                value: value(property),
                changed_at_ms: 1,
            })
            .collect();
        self.records
            .apply_changes(key, &changes, 1)
            .await
            .expect("seed");
    }
}

#[tokio::test]
async fn a_reference_change_is_stored_and_published_without_reading_hubspot() {
    let h = Harness::new().await;
    h.reference(11).await;

    let outcome = h
        .run(vec![h.change("contact", 11, "jobtitle", "CTO", 100)])
        .await;

    assert_eq!(outcome, BatchOutcome::default());
    assert_eq!(
        h.field(CrmObject::Contact, 11, "jobtitle").as_deref(),
        Some("CTO")
    );
    assert_eq!(h.kinds(), ["record.updated.v1"]);
    assert!(h.hubspot.calls().is_empty());
}

#[tokio::test]
async fn irrelevant_events_cost_no_hubspot_call_no_write_and_no_message() {
    let h = Harness::new().await;

    let outcome = h
        .run(vec![
            h.change("contact", 50, "jobtitle", "CTO", 100),
            h.message(json!({"subscriptionType": "contact.creation", "objectId": 51})),
            h.message(json!({"subscriptionType": "company.deletion", "objectId": 52})),
            h.link(50, 60, false, 100),
            h.change("deal", 60, "amount", "5", 100),
        ])
        .await;

    assert_eq!(outcome, BatchOutcome::default());
    assert!(h.hubspot.calls().is_empty());
    assert!(h.records.is_empty());
    assert!(h.outbox.messages().is_empty());
}

#[tokio::test]
async fn out_of_order_stale_and_duplicate_events_never_overwrite_a_newer_value() {
    let h = Harness::new().await;
    h.reference(11).await;

    let newest = h.change("contact", 11, "jobtitle", "CTO", 300);
    h.run(vec![newest.clone()]).await;
    h.run(vec![h.change("contact", 11, "jobtitle", "Engineer", 200)])
        .await;
    h.run(vec![newest]).await;

    assert_eq!(
        h.field(CrmObject::Contact, 11, "jobtitle").as_deref(),
        Some("CTO")
    );
    assert_eq!(
        h.outbox.messages().len(),
        1,
        "the stale and the duplicate publish nothing"
    );
}

#[tokio::test]
async fn a_created_relevant_record_is_read_once_in_a_batch_read() {
    let h = Harness::new().await;
    h.assign(CrmObject::Company, 20, Role::Company).await;
    h.hubspot.put(
        "companies",
        20,
        &[("name", "Acme"), ("domain", "acme.test")],
        500,
    );

    h.run(vec![
        h.message(json!({"subscriptionType": "company.creation", "objectId": 20})),
        h.change("company", 20, "name", "Acme", 100),
        h.change("company", 20, "domain", "acme.test", 100),
    ])
    .await;

    assert_eq!(h.hubspot.calls().len(), 1);
    assert_eq!(
        h.field(CrmObject::Company, 20, "domain").as_deref(),
        Some("acme.test")
    );
    assert_eq!(h.kinds(), ["record.updated.v1"]);
}

#[tokio::test]
async fn a_contact_on_an_active_tracked_deal_becomes_a_prospect_until_the_deal_closes() {
    let h = Harness::new().await;
    h.open_deal(40).await;
    h.hubspot
        .put("contacts", 11, &[("email", "bob@prospect.test")], 150);

    h.run(vec![h.link(11, 40, false, 100)]).await;
    let outcome = h
        .run(vec![h.change("contact", 11, "jobtitle", "VP", 200)])
        .await;

    assert_eq!(outcome, BatchOutcome::default());
    assert_eq!(
        h.field(CrmObject::Contact, 11, "email").as_deref(),
        Some("bob@prospect.test")
    );
    assert_eq!(
        h.field(CrmObject::Contact, 11, "jobtitle").as_deref(),
        Some("VP")
    );
    let Some(OutboundMessage::RecordUpdatedV1(update)) = h.outbox.messages().pop() else {
        panic!("no update");
    };
    assert_eq!(update.roles, [Role::Prospect]);

    h.run(vec![h.change("deal", 40, "dealstage", "closedlost", 300)])
        .await;
    let published = h.outbox.messages().len();
    h.run(vec![h.change("contact", 11, "jobtitle", "CEO", 400)])
        .await;

    assert_eq!(h.outbox.messages().len(), published, "no longer a prospect");
    assert_eq!(
        h.field(CrmObject::Contact, 11, "jobtitle").as_deref(),
        Some("VP")
    );
}

#[tokio::test]
async fn a_late_removal_does_not_undo_a_newer_association() {
    let h = Harness::new().await;
    h.open_deal(40).await;
    h.hubspot
        .put("contacts", 11, &[("email", "bob@prospect.test")], 150);

    h.run(vec![h.link(11, 40, false, 300)]).await;
    h.run(vec![h.link(11, 40, true, 200)]).await;
    h.run(vec![h.change("contact", 11, "jobtitle", "VP", 400)])
        .await;

    assert_eq!(
        h.field(CrmObject::Contact, 11, "jobtitle").as_deref(),
        Some("VP")
    );
}

#[tokio::test]
async fn a_company_is_relevant_through_a_reference_contact() {
    let h = Harness::new().await;
    h.reference(11).await;
    h.hubspot.put("companies", 20, &[("name", "Acme")], 150);

    h.run(vec![h.message(
        json!({"subscriptionType": "contact.associationChange",
        "associationType": "CONTACT_TO_COMPANY", "fromObjectId": 11, "toObjectId": 20,
        "associationRemoved": false}),
    )])
    .await;

    assert_eq!(
        h.field(CrmObject::Company, 20, "name").as_deref(),
        Some("Acme")
    );
    let Some(OutboundMessage::RecordUpdatedV1(update)) = h.outbox.messages().pop() else {
        panic!("no update");
    };
    assert_eq!(update.object_type, CrmObject::Company);
}

#[tokio::test]
async fn deletion_marks_the_record_and_publishes_once() {
    let h = Harness::new().await;
    h.reference(11).await;
    let deletion = h.message(json!({"subscriptionType": "contact.deletion", "objectId": 11}));

    h.run(vec![deletion.clone()]).await;
    h.run(vec![
        deletion,
        h.change("contact", 11, "jobtitle", "CTO", 500),
    ])
    .await;

    let record = h
        .records
        .get(RecordKey::new(PORTAL, CrmObject::Contact, ObjectId(11)));
    assert!(record.expect("kept").deleted_at_ms.is_some());
    assert_eq!(h.kinds(), ["record.deleted.v1"]);
}

#[tokio::test]
async fn a_merge_moves_the_link_to_the_survivor() {
    let h = Harness::new().await;
    h.reference(12).await;
    h.hubspot
        .put("contacts", 11, &[("email", "ada@acme.test")], 600);

    h.run(vec![h.message(
        json!({"subscriptionType": "contact.merge", "objectId": 11,
        "primaryObjectId": 11, "mergedObjectIds": [12], "newObjectId": 11, "occurredAt": 500}),
    )])
    .await;

    let survivor = h
        .records
        .get(RecordKey::new(PORTAL, CrmObject::Contact, ObjectId(11)));
    let survivor = survivor.expect("survivor");
    assert!(survivor.has_role(Role::Reference));
    assert_eq!(survivor.deeto_id.as_deref(), Some("deeto-contact-12"));
    assert_eq!(survivor.field("email"), Some("ada@acme.test"));
    let merged = h
        .records
        .get(RecordKey::new(PORTAL, CrmObject::Contact, ObjectId(12)));
    assert_eq!(merged.expect("kept").merged_into, Some(ObjectId(11)));
    assert_eq!(h.kinds(), ["record.merged.v1", "record.updated.v1"]);
}

#[tokio::test]
async fn a_lifecycle_rule_enrolls_an_unknown_contact_once_and_only_on_the_transition() {
    let h = Harness::new().await;

    h.run(vec![h.change(
        "contact",
        11,
        "lifecyclestage",
        "customer",
        100,
    )])
    .await;
    h.run(vec![h.change(
        "contact",
        11,
        "lifecyclestage",
        "customer",
        100,
    )])
    .await;
    h.run(vec![h.change(
        "contact",
        11,
        "lifecyclestage",
        "evangelist",
        200,
    )])
    .await;
    h.run(vec![h.change(
        "contact",
        11,
        "lifecyclestage",
        "customer",
        300,
    )])
    .await;

    assert_eq!(h.kinds(), ["campaign.enrolled.v1"]);
    assert_eq!(
        h.ledger.enrolled(),
        [(PORTAL, "reference-recruitment".to_owned(), ObjectId(11))]
    );
    assert!(h.hubspot.calls().is_empty());
}

#[tokio::test]
async fn a_stale_lifecycle_event_does_not_fire() {
    let h = Harness::new().await;

    h.run(vec![h.change(
        "contact",
        11,
        "lifecyclestage",
        "evangelist",
        300,
    )])
    .await;
    h.run(vec![h.change(
        "contact",
        11,
        "lifecyclestage",
        "customer",
        200,
    )])
    .await;

    assert!(h.outbox.messages().is_empty());
}

#[tokio::test]
async fn a_deal_closing_won_enrolls_each_of_its_contacts() {
    let h = Harness::new().await;
    h.hubspot.associate_deal(40, &[11, 12]);

    h.run(vec![h.change("deal", 40, "dealstage", "closedwon", 100)])
        .await;

    let enrolled: Vec<ObjectId> = h.ledger.enrolled().into_iter().map(|(_, _, c)| c).collect();
    assert_eq!(enrolled, [ObjectId(11), ObjectId(12)]);
    assert_eq!(h.kinds(), ["campaign.enrolled.v1", "campaign.enrolled.v1"]);
}

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
async fn links_written_earlier_in_a_batch_count_for_later_ones() {
    let h = Harness::new().await;
    h.open_deal(40).await;
    h.hubspot
        .put("contacts", 11, &[("email", "bob@prospect.test")], 150);
    h.hubspot
        .put("companies", 20, &[("name", "Prospect Inc")], 150);

    h.run(vec![
        h.link(11, 40, false, 100),
        h.message(json!({"subscriptionType": "contact.associationChange",
            "associationType": "CONTACT_TO_COMPANY", "fromObjectId": 11, "toObjectId": 20,
            "associationRemoved": false})),
    ])
    .await;

    assert_eq!(
        h.field(CrmObject::Company, 20, "name").as_deref(),
        Some("Prospect Inc")
    );
    assert_eq!(h.hubspot.calls().len(), 2, "one batch read per object type");
}

#[tokio::test]
async fn a_contact_known_only_for_campaigns_is_read_in_full_once_it_becomes_a_reference() {
    let h = Harness::new().await;
    h.run(vec![h.change(
        "contact",
        11,
        "lifecyclestage",
        "customer",
        100,
    )])
    .await;
    h.assign(CrmObject::Contact, 11, Role::Reference).await;
    h.hubspot.put(
        "contacts",
        11,
        &[("email", "ada@acme.test"), ("jobtitle", "CTO")],
        300,
    );

    h.run(vec![h.change("contact", 11, "jobtitle", "CTO", 300)])
        .await;

    assert_eq!(h.hubspot.calls().len(), 1);
    assert_eq!(
        h.field(CrmObject::Contact, 11, "email").as_deref(),
        Some("ada@acme.test")
    );
    h.run(vec![h.change("contact", 11, "firstname", "Ada", 400)])
        .await;
    assert_eq!(h.hubspot.calls().len(), 1, "complete now: events suffice");
}

#[tokio::test]
async fn a_new_customer_is_enrolled_whatever_else_its_creation_set() {
    let h = Harness::new().await;

    h.run(vec![
        h.message(json!({"subscriptionType": "contact.creation", "objectId": 11})),
        h.change("contact", 11, "email", "ada@acme.test", 100),
        h.change("contact", 11, "firstname", "Ada", 100),
        h.change("contact", 11, "lifecyclestage", "customer", 100),
    ])
    .await;

    assert_eq!(h.kinds(), ["campaign.enrolled.v1"]);
    assert!(
        h.hubspot.calls().is_empty(),
        "campaign-only: nothing to read"
    );
    assert_eq!(
        h.field(CrmObject::Contact, 11, "email"),
        None,
        "only watched values kept"
    );
}
