//! The Deeto tab's request: any query string, signed or not, to `GET /card` of an installed
//! portal with a reference, its company and a connection. It must answer one of its documented
//! statuses with a JSON body, and never panic.
#![no_main]

use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use common::adapters::memory::{
    MemoryCardState, MemoryJobQueue, MemoryReferencePools, MemoryTenantStore, MemoryTicketStore,
};
use common::card::{CardService, RefreshPolicy};
use common::domain::ids::{ObjectId, PortalId, TenantId};
use common::ports::{
    BudgetProbe, DeetoTicket, FixedClock, StoreError, Tenant, TenantStore, TicketStore,
};
use common::sync::config::DefaultConfigSource;
use common::sync::memory::{MemoryOutbox, MemoryRecords};
use common::sync::ports::{FieldChange, RecordStore};
use common::sync::record::{CrmObject, RecordKey, Role};
use crm_card::{CrmCard, handle};
use deeto_hubspot_fuzz::{
    Changes, SAMPLE_TIME, SECRET, assert_status, request, runtime, split, template,
};
use libfuzzer_sys::fuzz_target;
use secrecy::SecretString;
use serde_json::Value;

const PORTAL: PortalId = PortalId(62515);

struct NeverBusy;

#[async_trait]
impl BudgetProbe for NeverBusy {
    async fn is_busy(&self, _: PortalId, _: i64) -> Result<bool, StoreError> {
        Ok(false)
    }
}

/// Portal 62515 installed; reference 101 at company 301 (software, 300 people), on a
/// connection of deal 501.
async fn card() -> CrmCard {
    let tenants = Arc::new(MemoryTenantStore::default());
    let tenant = Tenant::pending(TenantId("acme".into()), "Acme");
    let seeded: Result<(), StoreError> = async {
        tenants.create_tenant(&tenant, "hash").await?;
        tenants.bind_portal(&tenant.id, PORTAL, &[], 1).await?;
        Ok(())
    }
    .await;
    let records = Arc::new(MemoryRecords::default());
    let tickets = Arc::new(MemoryTicketStore::default());
    let ada = RecordKey::new(PORTAL, CrmObject::Contact, ObjectId(101));
    let acme = RecordKey::new(PORTAL, CrmObject::Company, ObjectId(301));
    let change = |property: &str, value: &str| FieldChange {
        property: property.into(),
        value: Some(value.into()),
        changed_at_ms: 1,
    };
    let more: Result<(), StoreError> = async {
        records
            .apply_changes(ada, &[change("firstname", "Ada")], 1)
            .await?;
        records
            .assign_role(ada, Role::Reference, Some("ref_9"), 1)
            .await?;
        let fields = [
            change("name", "Acme"),
            change("industry", "COMPUTER_SOFTWARE"),
            change("numberofemployees", "300"),
        ];
        records.apply_changes(acme, &fields, 1).await?;
        records.set_link(ada, acme, true, 1).await?;
        let ticket = DeetoTicket {
            ticket_id: ObjectId(9001),
            connection: "conn-1".into(),
            deal_id: ObjectId(501),
            contacts: vec![ObjectId(101)],
            status: "completed".into(),
            kind: "meeting".into(),
            status_order: 0,
            kind_order: 0,
        };
        tickets.put(PORTAL, &ticket).await
    }
    .await;
    assert!(
        seeded.is_ok() && more.is_ok(),
        "seeding the memory stores failed"
    );
    let queue = Arc::new(MemoryJobQueue::default());
    let clock = Arc::new(FixedClock(SAMPLE_TIME));
    let service = CardService {
        tenants,
        configs: Arc::new(DefaultConfigSource::default()),
        records,
        tickets,
        state: Arc::new(MemoryCardState::default()),
        pools: Arc::new(MemoryReferencePools::default()),
        budget: Arc::new(NeverBusy),
        sync_queue: queue,
        outbound: Arc::new(MemoryOutbox::default()),
        inline: None,
        clock: clock.clone(),
        install_url: String::new(),
        policy: RefreshPolicy::default(),
    };
    CrmCard {
        client_secret: SecretString::from(SECRET),
        service,
        clock,
        public_base_url: None,
    }
}

fuzz_target!(|data: &[u8]| {
    static TEMPLATE: OnceLock<Value> = OnceLock::new();
    static CARD: OnceLock<CrmCard> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| template("crm-card/contact.json"));
    let card = CARD.get_or_init(|| runtime().block_on(card()));
    let Some((signing, method, query)) = split(data, "GET") else {
        return;
    };
    // API Gateway hands over the raw query as text.
    let Ok(query) = std::str::from_utf8(query) else {
        return;
    };
    let changes = Changes {
        method,
        raw_query: Some(query),
        body: b"",
        signing,
    };
    let Some(req) = request(template.clone(), &changes) else {
        return;
    };

    let response = runtime().block_on(handle(card, req));

    let status = response.status().as_u16();
    assert_status("crm-card", status, &[200, 400, 401, 404, 405, 409, 413]);
    let body: Result<Value, _> = serde_json::from_slice(response.body().as_ref());
    assert!(
        body.is_ok(),
        "crm-card answered {status} without a JSON body"
    );
});
