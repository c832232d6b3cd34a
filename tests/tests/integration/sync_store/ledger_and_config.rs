//! The campaign ledger and stored sync overrides.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use aws_sdk_dynamodb::types::AttributeValue;
use common::adapters::dynamodb::campaigns::DynamoCampaignLedger;
use common::adapters::dynamodb::sync_config::{CACHE_TTL_MS, DynamoSyncConfig, SetOverridesError};
use common::domain::ids::{ObjectId, TenantId};
use common::ports::{Clock, StoreError};
use common::sync::{CampaignLedger, ConfigError, CrmObject, SyncConfig, SyncConfigSource};

use super::{PORTAL, Records};

const PERSONA: &str = r#"{"mapping": {"contacts": {"add": ["hs_persona"]}}}"#;

/// A clock the test moves by hand, to step over the configuration cache's lifetime.
#[derive(Debug, Default)]
struct HandClock(AtomicI64);

impl Clock for HandClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

fn source(t: &Records, clock: Arc<HandClock>) -> DynamoSyncConfig {
    DynamoSyncConfig::new(
        t.dynamo.clone(),
        &t.table,
        SyncConfig::repo_default(),
        clock,
    )
}

#[tokio::test]
async fn a_contact_is_enrolled_in_a_campaign_once() {
    let t = Records::start().await;
    let ledger = DynamoCampaignLedger::new(t.dynamo.clone(), &t.table);
    let contact = ObjectId(101);

    let before = ledger
        .is_enrolled(PORTAL, "reference-recruitment", contact)
        .await;
    let first = ledger
        .record_enrollment(PORTAL, "reference-recruitment", contact)
        .await;
    let second = ledger
        .record_enrollment(PORTAL, "reference-recruitment", contact)
        .await;
    let after = ledger
        .is_enrolled(PORTAL, "reference-recruitment", contact)
        .await;

    assert_eq!(
        (before, first, second, after),
        (Ok(false), Ok(true), Ok(false), Ok(true))
    );
    let other_campaign = ledger
        .is_enrolled(PORTAL, "post-sale-advocacy", contact)
        .await;
    let other_contact = ledger
        .record_enrollment(PORTAL, "reference-recruitment", ObjectId(102))
        .await;
    assert_eq!((other_campaign, other_contact), (Ok(false), Ok(true)));
}

#[tokio::test]
async fn stored_overrides_round_trip_and_change_the_tenants_configuration() {
    let t = Records::start().await;
    let config = source(&t, Arc::default());
    let tenant = TenantId("tenant-a".into());

    let before = config.config(&tenant).await.expect("read");
    config
        .put_overrides(&tenant, PERSONA, 1)
        .await
        .expect("stored");
    let after = config.config(&tenant).await.expect("read");

    assert_eq!(before, SyncConfig::repo_default());
    assert_eq!(
        config.overrides(&tenant).await,
        Ok(Some(PERSONA.to_owned()))
    );
    assert!(after.mapping.is_mapped(CrmObject::Contact, "hs_persona"));
    let other = config
        .config(&TenantId("tenant-b".into()))
        .await
        .expect("read");
    assert_eq!(other, SyncConfig::repo_default());
}

#[tokio::test]
async fn invalid_overrides_are_refused_with_every_problem_and_not_stored() {
    let t = Records::start().await;
    let config = source(&t, Arc::default());
    let tenant = TenantId("tenant-a".into());
    let raw = r#"{"mapping": {"tickets": {"add": ["x"]}}, "closedStages": {"777": {}}}"#;

    let result = config.put_overrides(&tenant, raw, 1).await;

    let Err(SetOverridesError::Invalid(errors)) = result else {
        panic!("expected validation errors, got {result:?}");
    };
    let paths: Vec<String> = (errors.iter())
        .filter_map(|e| match e {
            ConfigError::Invalid { path, .. } => Some(path.clone()),
            ConfigError::Syntax { .. } => None,
        })
        .collect();
    assert_eq!(paths.len(), 2, "{errors:?}");
    assert_eq!(config.overrides(&tenant).await, Ok(None));
}

#[tokio::test]
async fn an_unreadable_stored_document_is_corrupt_and_names_the_tenant() {
    let t = Records::start().await;
    t.dynamo
        .put_item()
        .table_name(&t.table)
        .item("pk", AttributeValue::S("TENANT#tenant-x".into()))
        .item("sk", AttributeValue::S("SYNCCONFIG".into()))
        .item(
            "document",
            AttributeValue::S("{\n \"maping\": {}\n}".into()),
        )
        .send()
        .await
        .expect("put");

    let result = source(&t, Arc::default())
        .config(&TenantId("tenant-x".into()))
        .await;

    let Err(StoreError::Corrupt(message)) = &result else {
        panic!("expected corrupt, got {result:?}");
    };
    assert!(
        message.contains("tenant-x") && message.contains("line 2"),
        "{message}"
    );
}

#[tokio::test]
async fn a_warm_instance_reuses_the_configuration_until_the_cache_expires() {
    let t = Records::start().await;
    let clock = Arc::new(HandClock::default());
    let worker = source(&t, clock.clone());
    let operator = source(&t, Arc::default());
    let tenant = TenantId("tenant-a".into());
    assert_eq!(worker.config(&tenant).await, Ok(SyncConfig::repo_default()));

    operator
        .put_overrides(&tenant, PERSONA, 1)
        .await
        .expect("stored");
    clock.0.store(CACHE_TTL_MS - 1, Ordering::SeqCst);
    let cached = worker.config(&tenant).await.expect("read");
    clock.0.store(CACHE_TTL_MS, Ordering::SeqCst);
    let fresh = worker.config(&tenant).await.expect("read");

    assert_eq!(cached, SyncConfig::repo_default());
    assert!(fresh.mapping.is_mapped(CrmObject::Contact, "hs_persona"));
}
