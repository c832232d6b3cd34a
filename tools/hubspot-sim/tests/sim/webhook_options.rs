use std::time::Duration;

use hubspot_sim::{ObjectType, Subscription};
use serde_json::Value;

use crate::support::PORTAL;
use crate::webhooks::started;

#[tokio::test]
async fn subscriptions_filter_events_and_name_their_subscription_id() {
    let (sim, received) = started(|w| {
        w.subscriptions = vec![
            Subscription {
                id: 9,
                subscription_type: "contact.propertyChange".into(),
                property_name: Some("email".into()),
                object_type_id: None,
            },
            Subscription {
                id: 11,
                subscription_type: "object.creation".into(),
                property_name: None,
                object_type_id: Some("0-5".into()),
            },
        ];
    })
    .await;
    sim.create_as_user(
        PORTAL,
        ObjectType::Contacts,
        &[("email", "a@example.com"), ("firstname", "Ada")],
    )
    .expect("contact");
    sim.create_as_user(
        PORTAL,
        ObjectType::Tickets,
        &[("subject", "s"), ("hs_pipeline_stage", "1")],
    )
    .expect("ticket");
    assert!(sim.webhooks_idle(Duration::from_secs(5)).await);
    let events = received.events();
    assert_eq!(events.len(), 2);
    assert_eq!(
        (
            events[0]["subscriptionId"].clone(),
            events[0]["propertyName"].clone()
        ),
        (9.into(), "email".into())
    );
    assert_eq!(
        (
            events[1]["subscriptionType"].clone(),
            events[1]["objectTypeId"].clone()
        ),
        ("object.creation".into(), "0-5".into())
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn duplicate_delivery_sends_an_accepted_batch_twice() {
    let (sim, received) = started(|w| w.duplicate_share = 1.0).await;
    sim.create_as_user(PORTAL, ObjectType::Deals, &[("dealname", "D")])
        .expect("created");
    assert!(sim.webhooks_idle(Duration::from_secs(5)).await);
    let bodies = received.bodies();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0], bodies[1]);
    assert!(sim.deliveries()[1].duplicate);
    sim.shutdown().await;
}

#[tokio::test]
async fn out_of_order_sends_the_newest_batch_first() {
    let (sim, received) = started(|w| {
        w.out_of_order = true;
        w.max_concurrent = 1;
        w.batch_window_ms = 200;
    })
    .await;
    sim.create_as_user(1, ObjectType::Deals, &[("dealname", "first")])
        .expect("first");
    sim.create_as_user(2, ObjectType::Deals, &[("dealname", "second")])
        .expect("second");
    assert!(sim.webhooks_idle(Duration::from_secs(5)).await);
    let portals: Vec<Value> = received
        .bodies()
        .iter()
        .map(|b| b[0]["portalId"].clone())
        .collect();
    assert_eq!(portals, [2, 1]);
    sim.shutdown().await;
}

#[tokio::test]
async fn shutdown_abandons_pending_retries_instead_of_waiting_for_them() {
    let (sim, received) = started(|w| w.retry_base_ms = 60_000).await;
    received.answers.lock().expect("lock").extend([500; 5]);
    sim.create_as_user(PORTAL, ObjectType::Deals, &[("dealname", "D")])
        .expect("created");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sim.deliveries().len(),
        1,
        "the first attempt failed and a retry is pending"
    );
    let stopped = tokio::time::timeout(Duration::from_secs(2), sim.shutdown()).await;
    assert!(stopped.is_ok());
}
