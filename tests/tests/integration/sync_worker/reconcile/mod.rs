//! The daily reconcile on moto and the simulator: HubSpot changes no webhook delivered (the
//! simulator's deliveries go to a sink nobody feeds to the worker), a run started as the
//! `daily-reconcile` function starts it, and its pages worked by the sync worker from the real
//! sync queue until the checkpoint says it is finished.

use aws_sdk_sqs::types::Message;
use common::adapters::dynamodb::checkpoints::DynamoCheckpoints;
use common::reconcile::checkpoint::kind;
use common::reconcile::{Checkpoint, CheckpointStore, Started, Starter, run_id};

use super::*;

mod drift;
mod resume;
mod scale;

const DAY_MS: i64 = 24 * 3600 * 1000;

impl Harness {
    pub(super) fn checkpoints(&self) -> DynamoCheckpoints {
        let dynamo = aws_sdk_dynamodb::Client::new(&self.stack.sdk);
        DynamoCheckpoints::new(dynamo, self.stack.reference("Table"))
    }

    fn sync_queue(&self) -> SqsJobQueue {
        let sqs = aws_sdk_sqs::Client::new(&self.stack.sdk);
        SqsJobQueue::new(sqs, self.stack.reference("SyncQueue"))
    }

    /// What the `daily-reconcile` function does at `now`.
    async fn start_reconcile(&self, now: i64) -> Vec<Started> {
        let (checkpoints, queue) = (self.checkpoints(), self.sync_queue());
        let starter = Starter {
            tenants: self.hubspot.tenants.as_ref(),
            checkpoints: &checkpoints,
            sync_queue: &queue,
        };
        starter
            .start(now, Some(PortalId(PORTAL)))
            .await
            .expect("started")
    }

    /// Plays SQS's event source mapping for the sync queue: batches go to the worker, messages
    /// it did not fail are deleted. Stops when the queue is empty; at most `limit` batches.
    async fn work_sync_queue(&self, limit: usize) -> usize {
        let sqs = aws_sdk_sqs::Client::new(&self.stack.sdk);
        let url = self.stack.reference("SyncQueue");
        let mut batches = 0;
        while batches < limit {
            let received = sqs
                .receive_message()
                .queue_url(&url)
                .max_number_of_messages(10)
                .send()
                .await
                .expect("receive");
            let messages: Vec<Message> = received.messages.unwrap_or_default();
            if messages.is_empty() {
                break;
            }
            batches += 1;
            let pairs = messages
                .iter()
                .map(|m| {
                    let id = m.message_id().unwrap_or_default().to_owned();
                    (id, m.body().unwrap_or_default().to_owned())
                })
                .collect();
            let outcome = self.worker.process(pairs).await;
            assert!(outcome.permanent.is_empty(), "{outcome:?}");
            for message in &messages {
                let id = message.message_id().unwrap_or_default().to_owned();
                if outcome.failed_ids.contains(&id) {
                    continue;
                }
                let handle = message.receipt_handle().unwrap_or_default();
                sqs.delete_message()
                    .queue_url(&url)
                    .receipt_handle(handle)
                    .send()
                    .await
                    .expect("delete");
            }
        }
        batches
    }

    async fn run_state(&self, run: &str) -> Checkpoint {
        let found = self.checkpoints().get(PortalId(PORTAL), run).await;
        found.expect("store").expect("the run exists")
    }

    /// Starts today's run and works it to the end.
    pub(super) async fn reconcile(&self, now: i64) -> Checkpoint {
        self.start_reconcile(now).await;
        self.work_sync_queue(5_000).await;
        let run = self.run_state(&run_id(now)).await;
        assert!(run.is_finished(), "the run finished: {run:?}");
        let pool = self
            .worker
            .pools
            .pool(PortalId(PORTAL))
            .await
            .expect("read");
        assert!(
            pool.is_some(),
            "a finished run rebuilds the Deeto tab's reference pool"
        );
        run
    }

    pub(super) fn count_429(&self) -> usize {
        self.crm_calls_since(0)
            .iter()
            .filter(|e| e.status == 429)
            .count()
    }
}

pub(super) fn repaired(run: &Checkpoint, kind: &str) -> u64 {
    run.tally.repaired.get(kind).copied().unwrap_or(0)
}
