//! The Deeto platform's command request: any body to `POST /deeto/events`, with the tenant's
//! licence key or a wrong, missing or malformed one. It must answer one of its documented
//! statuses, never panic, and queue exactly the commands of a body it accepts.
#![no_main]

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use common::adapters::memory::{MemoryJobQueue, MemoryTenantStore};
use common::commands::parse_commands;
use common::domain::ids::{PortalId, TenantId};
use common::install::{LicenseKey, hash_license_key, new_license_key};
use common::ports::{FixedClock, StoreError, Tenant, TenantStore};
use common::queue::RetryPolicy;
use deeto_events::{DeetoEvents, handle};
use deeto_hubspot_fuzz::{
    Changes, SAMPLE_TIME, Signing, assert_status, request, runtime, split, template,
};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

/// A tenant installed on portal 62515, and its key.
async fn tenants() -> (Arc<MemoryTenantStore>, LicenseKey) {
    let tenants = Arc::new(MemoryTenantStore::default());
    let key = new_license_key();
    let tenant = Tenant::pending(TenantId("tenant-acme".into()), "Acme");
    let seeded: Result<(), StoreError> = async {
        tenants
            .create_tenant(&tenant, &hash_license_key(&key))
            .await?;
        tenants
            .bind_portal(&tenant.id, PortalId(62515), &[], SAMPLE_TIME - 1_000)
            .await
    }
    .await;
    assert!(seeded.is_ok(), "seeding the tenant store failed");
    (tenants, key)
}

fuzz_target!(|data: &[u8]| {
    static TEMPLATE: OnceLock<Value> = OnceLock::new();
    static TENANTS: OnceLock<(Arc<MemoryTenantStore>, LicenseKey)> = OnceLock::new();
    let (tenants, key) = TENANTS.get_or_init(|| runtime().block_on(tenants()));
    let Some((signing, method, body)) = split(data, "POST") else {
        return;
    };
    // The control byte's signing bits choose the Authorization header instead.
    let authorization = match signing {
        Signing::Valid => Some(format!("Bearer {}", key.expose())),
        Signing::Stale => Some("Bearer dto_not-a-key-we-issued".to_owned()),
        Signing::Forged => None,
        Signing::Template => Some(key.expose().to_owned()),
    };
    let mut event = TEMPLATE
        .get_or_init(|| template("deeto-events/api-gateway-v2.json"))
        .clone();
    if let Some(headers) = event["headers"].as_object_mut() {
        match &authorization {
            Some(value) => headers.insert("authorization".into(), json!(value)),
            None => headers.remove("authorization"),
        };
    }
    let changes = Changes {
        method,
        raw_query: None,
        body,
        signing: Signing::Template,
    };
    let Some(req) = request(event, &changes) else {
        return;
    };
    let queue = Arc::new(MemoryJobQueue::default());
    let app = DeetoEvents {
        tenants: tenants.clone(),
        queue: queue.clone(),
        clock: Arc::new(FixedClock(SAMPLE_TIME)),
        retry: RetryPolicy {
            max_attempts: 1,
            first_backoff: Duration::from_millis(1),
        },
    };

    let response = runtime().block_on(handle(&app, req));

    let status = response.status().as_u16();
    assert_status("deeto-events", status, &[202, 400, 401, 404, 405, 409, 413]);
    if status == 202 {
        let commands = parse_commands(body).map(|c| c.len()).unwrap_or_default();
        assert_eq!(
            queue.sent().len(),
            commands,
            "an accepted body lost or grew commands"
        );
    }
});
