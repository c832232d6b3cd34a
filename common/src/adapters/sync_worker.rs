//! The sync worker over AWS, wired once: the `sync-worker` function runs it on SQS batches,
//! and the `crm-card` function uses the same one for inline on-demand syncs.

use std::sync::Arc;

use aws_config::SdkConfig;

use super::dynamodb::campaigns::DynamoCampaignLedger;
use super::dynamodb::checkpoints::DynamoCheckpoints;
use super::dynamodb::commands::DynamoCommandLedger;
use super::dynamodb::records::DynamoRecordStore;
use super::dynamodb::reference_pools::DynamoReferencePools;
use super::dynamodb::sync_config::DynamoSyncConfig;
use super::hubspot_stack::HubSpotStack;
use super::sqs::SqsJobQueue;
use crate::ports::SystemClock;
use crate::sync::SyncConfig;
use crate::sync::outbox::QueueOutbox;
use crate::sync::worker::SyncWorker;

/// Where the worker's messages go.
#[derive(Debug, Clone, Copy)]
pub struct WorkerQueues<'a> {
    /// The Deeto platform's inbox.
    pub outbound: &'a str,
    /// The worker's own queue (reconcile pages queue their successor on it).
    pub sync: &'a str,
}

pub fn sync_worker(
    sdk: &SdkConfig,
    stack: &HubSpotStack,
    table: &str,
    queues: WorkerQueues<'_>,
) -> SyncWorker {
    let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
    let sqs = aws_sdk_sqs::Client::new(sdk);
    let clock = Arc::new(SystemClock);
    SyncWorker {
        tenants: stack.tenants.clone(),
        configs: Arc::new(DynamoSyncConfig::new(
            dynamodb.clone(),
            table,
            SyncConfig::repo_default(),
            clock.clone(),
        )),
        records: Arc::new(DynamoRecordStore::new(dynamodb.clone(), table)),
        ledger: Arc::new(DynamoCampaignLedger::new(dynamodb.clone(), table)),
        outbound: Arc::new(QueueOutbox::new(Arc::new(SqsJobQueue::new(
            sqs.clone(),
            queues.outbound,
        )))),
        hubspot: stack.api.clone(),
        clock,
        tickets: stack.tickets.clone(),
        commands: Arc::new(DynamoCommandLedger::new(dynamodb.clone(), table)),
        checkpoints: Arc::new(DynamoCheckpoints::new(dynamodb.clone(), table)),
        sync_queue: Arc::new(SqsJobQueue::new(sqs, queues.sync)),
        pools: Arc::new(DynamoReferencePools::new(dynamodb, table)),
    }
}
