use std::time::{Duration, Instant};

use hubspot_sim::{FaultKind, FaultRule, JournalQuery};

use crate::support::{objects, start};

fn rule(path: &str, fault: FaultKind) -> FaultRule {
    FaultRule {
        id: 0,
        method: None,
        path: path.into(),
        fault,
        share: 1.0,
        random: false,
        times: None,
        seen: 0,
        injected: 0,
    }
}

#[tokio::test]
async fn an_injected_status_answers_instead_of_hubspot_and_is_journaled() {
    let (sim, api) = start().await;
    sim.add_fault(FaultRule {
        times: Some(1),
        ..rule("/crm/objects/*/contacts", FaultKind::Status { status: 503 })
    });
    let faulted = api.get(&objects("contacts")).await;
    assert_eq!(faulted.status, 503);
    assert_eq!(faulted.body["status"], "error");
    assert_eq!(
        api.get(&objects("contacts")).await.status,
        200,
        "times: 1 injects once"
    );
    let journal = sim.journal(&JournalQuery::default());
    assert_eq!(journal[0].fault.as_deref(), Some("status 503"));
    assert_eq!(journal[1].fault, None);
    sim.shutdown().await;
}

#[tokio::test]
async fn an_injected_429_carries_hubspots_rate_limit_body() {
    let (sim, api) = start().await;
    sim.add_fault(rule("*", FaultKind::Status { status: 429 }));
    let response = api.get(&objects("deals")).await;
    assert_eq!(response.status, 429);
    assert_eq!(response.body["policyName"], "TEN_SECONDLY_ROLLING");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_fixed_share_faults_exactly_that_share_of_requests() {
    let (sim, api) = start().await;
    sim.add_fault(FaultRule {
        share: 0.25,
        ..rule("/crm/*", FaultKind::Status { status: 500 })
    });
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(api.get(&objects("companies")).await.status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 500).count(), 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_random_share_faults_about_that_share_of_requests() {
    let (sim, api) = start().await;
    sim.add_fault(FaultRule {
        share: 0.3,
        random: true,
        ..rule("/crm/*", FaultKind::Status { status: 500 })
    });
    let mut faulted = 0;
    for _ in 0..100 {
        if api.get(&objects("companies")).await.status == 500 {
            faulted += 1;
        }
    }
    // 30 expected; the bounds are over four standard deviations wide, so this never flakes.
    assert!((10..=55).contains(&faulted), "{faulted} of 100 faulted");
    let journaled = sim.journal(&JournalQuery::default());
    let marked = journaled.iter().filter(|e| e.fault.is_some()).count();
    assert_eq!(marked, faulted, "every injected fault is journaled as one");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_dropped_connection_gives_the_client_a_transport_error() {
    let (sim, api) = start().await;
    let id = sim.add_fault(rule("/crm/*", FaultKind::Drop));
    let result = api
        .client
        .get(format!("{}{}", api.base, objects("contacts")))
        .bearer_auth(&api.token)
        .send()
        .await;
    assert!(result.is_err(), "no HTTP response at all");
    assert!(sim.remove_fault(id));
    assert_eq!(api.get(&objects("contacts")).await.status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn latency_delays_and_a_timeout_outlasts_a_patient_client() {
    let (sim, api) = start().await;
    sim.add_fault(FaultRule {
        times: Some(1),
        ..rule("/crm/*", FaultKind::Latency { ms: 300 })
    });
    let started = Instant::now();
    assert_eq!(api.get(&objects("contacts")).await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    sim.add_fault(rule("/crm/*", FaultKind::Timeout { ms: Some(5_000) }));
    let result = api
        .client
        .get(format!("{}{}", api.base, objects("contacts")))
        .bearer_auth(&api.token)
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    assert!(result.is_err_and(|e| e.is_timeout()));
    // The client gave up, and the journal still says what it met.
    let journal = sim.journal(&JournalQuery::default());
    let last = journal.last().expect("journaled");
    assert_eq!(
        (last.status, last.fault.as_deref()),
        (504, Some("timeout 5000ms"))
    );
    sim.shutdown().await;
}
