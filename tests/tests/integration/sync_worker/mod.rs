//! The sync worker through its real adapters: records, ledger and config on DynamoDB (moto),
//! the outbound queue on SQS (moto), HubSpot as the simulator whose own webhook deliveries
//! feed the worker. The journal proves what the worker read and that it wrote nothing.

mod campaigns;
mod command_batches;
mod commands;
mod every_flow;
mod failures;
mod reconcile;
mod records;

use std::sync::Arc;
use std::time::Duration;

use common::adapters::dynamodb::campaigns::DynamoCampaignLedger;
use common::adapters::dynamodb::checkpoints::DynamoCheckpoints;
use common::adapters::dynamodb::commands::DynamoCommandLedger;
use common::adapters::dynamodb::records::DynamoRecordStore;
use common::adapters::dynamodb::reference_pools::DynamoReferencePools;
use common::adapters::dynamodb::sync_config::DynamoSyncConfig;
use common::adapters::hubspot_stack::HubSpotStack;
use common::adapters::sqs::SqsJobQueue;
use common::domain::ids::{ObjectId, PortalId, TenantId};
use common::ports::{SystemClock, Tenant, TenantStore, TokenVault};
use common::queue::{SyncMessage, WebhookDelivery};
use common::sync::outbox::QueueOutbox;
use common::sync::worker::{BatchOutcome, SyncWorker};
use common::sync::{CrmObject, DeetoRecord, RecordKey, RecordStore, Role, SyncConfig};
use hubspot_sim::{JournalEntry, JournalQuery, ObjectType, RunningSim, SimConfig, Simulator};
use integration_tests::{TestStack, WebhookSink, now_ms};
use secrecy::SecretString;
use serde_json::Value;

const PORTAL: u64 = 62515;

struct Harness {
    stack: TestStack,
    sim: RunningSim,
    sink: WebhookSink,
    hubspot: HubSpotStack,
    records: Arc<DynamoRecordStore>,
    worker: SyncWorker,
    outbound_url: String,
    tenant: TenantId,
    /// The journal position after the install-like set-up: what the test itself caused.
    installed: u64,
}

impl Harness {
    /// A connected portal (tenant bound, refresh token in Secrets Manager) and its worker.
    async fn start() -> Self {
        let (stack, sim, sink, hubspot) = Self::parts().await;
        let tenant = Tenant::pending(TenantId("acme".into()), "Acme");
        hubspot
            .tenants
            .create_tenant(&tenant, "hash")
            .await
            .expect("tenant");
        let portal = PortalId(PORTAL);
        hubspot
            .tenants
            .bind_portal(&tenant.id, portal, &[], now_ms())
            .await
            .expect("bound");
        let refresh = SecretString::from(sim.issue_token(PORTAL).refresh_token);
        hubspot
            .vault
            .store_refresh_token(portal, &refresh)
            .await
            .expect("token stored");
        // As the install does: Deeto's own properties, created through the guarded client.
        common::install::properties::provision_properties(hubspot.api.as_ref(), portal)
            .await
            .expect("properties provisioned");
        Self::assemble(stack, sim, sink, hubspot, tenant.id)
    }

    /// Moto, a simulator whose webhooks go to a sink, and the guarded HubSpot stack: nothing
    /// installed yet.
    async fn parts() -> (TestStack, RunningSim, WebhookSink, HubSpotStack) {
        let stack = TestStack::new().await;
        let sink = WebhookSink::start().await;
        let mut config = SimConfig::default();
        config.webhooks.target_url = Some(sink.url.clone());
        let sim = Simulator::start(config).await.expect("simulator");
        let hubspot = crate::sim_stack::hubspot_stack(&stack, &sim);
        (stack, sim, sink, hubspot)
    }

    /// The worker for a portal already connected to `tenant`.
    fn assemble(
        stack: TestStack,
        sim: RunningSim,
        sink: WebhookSink,
        hubspot: HubSpotStack,
        tenant: TenantId,
    ) -> Self {
        let table = stack.reference("Table");
        let dynamo = aws_sdk_dynamodb::Client::new(&stack.sdk);
        let records = Arc::new(DynamoRecordStore::new(dynamo.clone(), &table));
        let outbound_url = stack.reference("OutboundQueue");
        let queue = SqsJobQueue::new(aws_sdk_sqs::Client::new(&stack.sdk), &outbound_url);
        let clock = Arc::new(SystemClock);
        let worker = SyncWorker {
            tenants: hubspot.tenants.clone(),
            configs: Arc::new(DynamoSyncConfig::new(
                dynamo.clone(),
                &table,
                SyncConfig::repo_default(),
                clock.clone(),
            )),
            records: records.clone(),
            ledger: Arc::new(DynamoCampaignLedger::new(dynamo.clone(), &table)),
            outbound: Arc::new(QueueOutbox::new(Arc::new(queue))),
            hubspot: hubspot.api.clone(),
            clock,
            tickets: hubspot.tickets.clone(),
            commands: Arc::new(DynamoCommandLedger::new(dynamo.clone(), &table)),
            checkpoints: Arc::new(DynamoCheckpoints::new(dynamo.clone(), &table)),
            sync_queue: Arc::new(SqsJobQueue::new(
                aws_sdk_sqs::Client::new(&stack.sdk),
                stack.reference("SyncQueue"),
            )),
            pools: Arc::new(DynamoReferencePools::new(dynamo.clone(), &table)),
        };
        let installed = sim.journal_mark();
        Self {
            stack,
            sim,
            sink,
            hubspot,
            records,
            worker,
            outbound_url,
            tenant,
            installed,
        }
    }

    /// Waits for the simulator's deliveries and returns them as sync-queue messages.
    async fn delivered(&self) -> Vec<(String, String)> {
        assert!(
            self.sim.webhooks_idle(Duration::from_secs(60)).await,
            "deliveries finished"
        );
        self.sink
            .take()
            .into_iter()
            .map(|event| {
                let id = event.dedupe_key();
                let message = SyncMessage::HubSpotWebhookV1(WebhookDelivery {
                    received_at: now_ms(),
                    event,
                });
                (id, serde_json::to_string(&message).expect("serialises"))
            })
            .collect()
    }

    /// Delivers what the simulator produced since the last call to the worker.
    async fn sync(&self) -> BatchOutcome {
        let messages = self.delivered().await;
        assert!(!messages.is_empty(), "the simulator produced events");
        self.worker.process(messages).await
    }

    async fn outbound(&self, expected: usize) -> Vec<Value> {
        self.stack
            .receive(&self.outbound_url, expected, Duration::from_secs(5))
            .await
    }

    fn create(&self, object: ObjectType, props: &[(&str, &str)]) -> u64 {
        self.sim
            .create_as_user(PORTAL, object, props)
            .expect("created")
    }

    fn update(&self, object: ObjectType, id: u64, props: &[(&str, &str)]) {
        self.sim
            .update_as_user(PORTAL, object, id, props)
            .expect("updated");
    }

    async fn assign(&self, object: CrmObject, id: u64, role: Role) {
        let key = RecordKey::new(PortalId(PORTAL), object, ObjectId(id));
        let deeto_id = format!("deeto-{id}");
        self.records
            .assign_role(key, role, Some(&deeto_id), now_ms())
            .await
            .expect("assigned");
    }

    async fn record(&self, object: CrmObject, id: u64) -> Option<DeetoRecord> {
        let found = self
            .records
            .get_many(PortalId(PORTAL), object, &[ObjectId(id)])
            .await
            .expect("read");
        found.into_iter().next()
    }

    fn crm_calls_since(&self, mark: u64) -> Vec<JournalEntry> {
        self.sim.journal(&JournalQuery {
            since: Some(mark),
            path_prefix: Some("/crm".into()),
            ..JournalQuery::default()
        })
    }

    /// Deeto never writes to a customer's CRM in the sync path.
    fn assert_no_hubspot_writes(&self) {
        let writes = self.sim.journal(&JournalQuery {
            writes_only: Some(true),
            since: Some(self.installed),
            ..JournalQuery::default()
        });
        assert!(writes.is_empty(), "{writes:?}");
    }
}
