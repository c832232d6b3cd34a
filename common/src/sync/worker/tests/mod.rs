//! The worker over in-memory stores and a fake HubSpot: every rule of the issue, case by case.
//! The same behaviour is exercised on DynamoDB (moto) and the simulator in the integration tests.

use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::adapters::memory::{MemoryCommandLedger, MemoryTenantStore, MemoryTicketStore};
use crate::domain::ids::{ObjectId, TenantId};
use crate::hubspot::HubSpotErrorKind;
use crate::ports::{FixedClock, Tenant};
use crate::sync::config::DefaultConfigSource;
use crate::sync::fake_hubspot::FakeHubSpot;
use crate::sync::memory::{MemoryLedger, MemoryOutbox, MemoryRecords};
use crate::sync::outbound::OutboundMessage;
use crate::sync::ports::FieldChange;
use crate::sync::record::{CrmObject, RecordKey, Role};

pub(super) const PORTAL: PortalId = PortalId(7);

pub(super) struct Harness {
    tenants: Arc<MemoryTenantStore>,
    records: Arc<MemoryRecords>,
    ledger: Arc<MemoryLedger>,
    outbox: Arc<MemoryOutbox>,
    hubspot: Arc<FakeHubSpot>,
    worker: SyncWorker,
    next_id: std::cell::Cell<u32>,
}

impl Harness {
    pub(super) async fn new() -> Self {
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
            tickets: Arc::new(MemoryTicketStore::default()),
            commands: Arc::new(MemoryCommandLedger::default()),
            checkpoints: Arc::new(crate::reconcile::memory::MemoryCheckpoints::default()),
            sync_queue: Arc::new(crate::adapters::memory::MemoryJobQueue::default()),
            pools: Arc::new(crate::adapters::memory::MemoryReferencePools::default()),
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

    pub(super) async fn assign(&self, object: CrmObject, id: u64, role: Role) {
        let key = RecordKey::new(PORTAL, object, ObjectId(id));
        let deeto_id = format!("deeto-{object}-{id}");
        self.records
            .assign_role(key, role, Some(&deeto_id), 1)
            .await
            .expect("assign");
    }

    /// A reference contact with every mapped value already stored, so changes need no read.
    pub(super) async fn reference(&self, id: u64) {
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

    pub(super) fn message(&self, event: serde_json::Value) -> (String, String) {
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

    pub(super) fn change(
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

    pub(super) fn link(&self, contact: u64, deal: u64, removed: bool, at: i64) -> (String, String) {
        self.message(json!({"subscriptionType": "contact.associationChange",
            "associationType": "CONTACT_TO_DEAL", "fromObjectId": contact, "toObjectId": deal,
            "associationRemoved": removed, "occurredAt": at}))
    }

    pub(super) async fn run(&self, messages: Vec<(String, String)>) -> BatchOutcome {
        self.worker.process(messages).await
    }

    pub(super) fn field(&self, object: CrmObject, id: u64, property: &str) -> Option<String> {
        let record = self
            .records
            .get(RecordKey::new(PORTAL, object, ObjectId(id)))?;
        record.field(property).map(str::to_owned)
    }

    pub(super) fn kinds(&self) -> Vec<&'static str> {
        self.outbox
            .messages()
            .iter()
            .map(OutboundMessage::type_name)
            .collect()
    }

    /// A tracked, open deal with every mapped value stored.
    pub(super) async fn open_deal(&self, id: u64) {
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

mod campaigns;
mod failures;
mod records;
mod refresh;
