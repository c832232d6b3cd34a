//! The local stack is what template.yaml declares: same queues, redrive, table keys and TTL.

use aws_sdk_sqs::types::QueueAttributeName;
use integration_tests::TestStack;

#[tokio::test]
async fn the_sync_queue_redrives_to_its_dead_letter_queue_after_five_receives() {
    let stack = TestStack::new().await;
    let attributes = stack
        .sqs
        .get_queue_attributes()
        .queue_url(stack.reference("SyncQueue"))
        .attribute_names(QueueAttributeName::All)
        .send()
        .await
        .expect("GetQueueAttributes");
    let attributes = attributes.attributes().expect("attributes");
    let redrive: serde_json::Value =
        serde_json::from_str(&attributes[&QueueAttributeName::RedrivePolicy])
            .expect("redrive JSON");
    let dlq_arn = &stack.provisioned.resources["SyncDeadLetterQueue"].attributes["Arn"];
    assert_eq!(
        redrive["deadLetterTargetArn"].as_str(),
        Some(dlq_arn.as_str())
    );
    assert_eq!(
        redrive["maxReceiveCount"].to_string().trim_matches('"'),
        "5"
    );
    // What template.yaml declares: six times the worker's timeout plus its batching window.
    assert_eq!(attributes[&QueueAttributeName::VisibilityTimeout], "185");
}

#[tokio::test]
async fn the_receiver_gets_exactly_the_environment_the_template_declares() {
    let stack = TestStack::new().await;
    let env: std::collections::BTreeMap<_, _> = stack
        .function_env("WebhookReceiverFunction")
        .into_iter()
        .collect();
    assert_eq!(env["SYNC_QUEUE_URL"], stack.reference("SyncQueue"));
    assert_eq!(env["HUBSPOT_APP_SECRET_ID"], stack.reference("AppSecret"));
    assert_eq!(env["RUST_LOG"], "info");
    assert_eq!(env.get("PUBLIC_BASE_URL").map(String::as_str), Some(""));
}
