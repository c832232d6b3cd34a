//! The daily reconcile in the Lambda runtime: `daily-reconcile` invoked through `cargo lambda`
//! with the committed scheduled event, its pages fed from the sync queue (moto) to the
//! `sync-worker` Lambda as SQS's event source mapping would, until the run is finished.

use aws_sdk_sqs::types::Message;
use common::adapters::dynamodb::checkpoints::DynamoCheckpoints;
use common::adapters::dynamodb::records::DynamoRecordStore;
use common::domain::ids::{ObjectId, PortalId};
use common::reconcile::{CheckpointStore, run_id};
use common::sync::{CrmObject, FieldChange, RecordKey, RecordStore, Role};
use hubspot_sim::{ObjectType, Simulator};
use integration_tests::{LambdaWatch, TestStack, now_ms, repo_root};
use serde_json::{Value, json};

use crate::sync_runtime::{connect, sim_config};

const PORTAL: u64 = 62515;

/// One SQS event of the received messages, as Lambda's event source mapping builds it.
fn sqs_event(messages: &[Message]) -> Value {
    let records: Vec<Value> = messages
        .iter()
        .map(|m| {
            json!({"messageId": m.message_id(), "receiptHandle": m.receipt_handle(),
                "body": m.body(), "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:sync", "awsRegion": "eu-west-1"})
        })
        .collect();
    json!({ "Records": records })
}

#[tokio::test]
async fn the_scheduled_event_starts_a_run_that_the_sync_worker_lambda_works_to_the_end() {
    let stack = TestStack::new().await;
    let sim = Simulator::start(sim_config()).await.expect("simulator");
    // cargo-lambda gives every function one environment: the union of what both declare.
    let mut env = stack.function_env("SyncWorkerFunction");
    for pair in stack.function_env("DailyReconcileFunction") {
        if !env.contains(&pair) {
            env.push(pair);
        }
    }
    env.push(("HUBSPOT_API_BASE".into(), sim.base_url()));
    connect(&stack, &sim, &env).await;
    let ben = sim
        .create_as_user(
            PORTAL,
            ObjectType::Contacts,
            &[("email", "ben@acme.test"), ("jobtitle", "CEO")],
        )
        .expect("created");
    // Deeto's record of Ben still has the title a lost webhook would have changed.
    let dynamo = aws_sdk_dynamodb::Client::new(&stack.sdk);
    let records = DynamoRecordStore::new(dynamo.clone(), stack.reference("Table"));
    let key = RecordKey::new(PortalId(PORTAL), CrmObject::Contact, ObjectId(ben));
    records
        .assign_role(key, Role::Reference, None, 1)
        .await
        .expect("role");
    let stale = FieldChange {
        property: "jobtitle".into(),
        value: Some("CTO".into()),
        changed_at_ms: 1,
    };
    records
        .apply_changes(key, &[stale], 1)
        .await
        .expect("stored");
    let watch = LambdaWatch::start(|_| env.clone()).await;
    let started = now_ms();

    let answer = watch
        .invoke(
            "daily-reconcile",
            &repo_root().join("events/daily-reconcile/scheduled.json"),
        )
        .await;

    assert_eq!(answer["portals"][0]["outcome"], "started", "{answer}");
    assert_eq!(answer["portals"][0]["portal"], PORTAL, "{answer}");
    let sqs = aws_sdk_sqs::Client::new(&stack.sdk);
    let url = stack.reference("SyncQueue");
    let batch_file =
        std::env::temp_dir().join(format!("reconcile-batch-{}.json", std::process::id()));
    for _ in 0..20 {
        let received = sqs
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .expect("receive");
        let messages = received.messages.unwrap_or_default();
        if messages.is_empty() {
            break;
        }
        std::fs::write(&batch_file, sqs_event(&messages).to_string()).expect("event written");
        let answer = watch.invoke("sync-worker", &batch_file).await;
        assert_eq!(answer["batchItemFailures"], json!([]), "{answer}");
        for message in &messages {
            let handle = message.receipt_handle().unwrap_or_default();
            let delete = sqs.delete_message().queue_url(&url).receipt_handle(handle);
            delete.send().await.expect("delete");
        }
    }

    let checkpoints = DynamoCheckpoints::new(dynamo, stack.reference("Table"));
    let run = checkpoints.get(PortalId(PORTAL), &run_id(started)).await;
    let run = run.expect("store").expect("the run");
    assert!(run.is_finished(), "{run:?}");
    assert_eq!(run.tally.repaired.get("field"), Some(&1), "{:?}", run.tally);
    let found = records
        .get_many(PortalId(PORTAL), CrmObject::Contact, &[ObjectId(ben)])
        .await;
    let ben_now = found.expect("read").pop().expect("ben");
    assert_eq!(ben_now.field("jobtitle"), Some("CEO"));
}
