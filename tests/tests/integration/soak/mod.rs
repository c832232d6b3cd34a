//! The soak (`make soak`): ten thousand webhook events and Deeto commands through the
//! functions running as Lambdas (`cargo lambda watch`), moto and the simulator, with HubSpot
//! answering 10 % of calls with 429, 5 % with a 5xx and letting 2 % time out, and the worker
//! killed in the middle of a batch. It prints what was sent, applied, set aside on the DLQ
//! (with reasons), applied twice and lost, the HubSpot calls made and the 429s received, and
//! fails when anything is lost, done twice or done unasked.
//!
//! `SOAK_EVENTS` (default 10,000), `SOAK_KILLS` (default 2) and `SOAK_SEED` tune a run.

mod inbox;
mod pump;
mod report;
mod scenario;
mod subscriptions;
mod tally;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use hubspot_sim::{FaultKind, FaultRule, Simulator};
use integration_tests::lambda::function_url;
use integration_tests::{LambdaWatch, TestStack};
use tokio::sync::Mutex;

use crate::commands_runtime::deeto_properties;
use crate::sync_runtime::{connect, receiver_and_worker_env, sim_config};
use inbox::Inbox;
use pump::PumpState;
use scenario::Scenario;

pub(crate) const PORTAL: u64 = 62515;
/// Sync worker invocations at once: pollers of the sync queue and function instances (the
/// template caps the event source at 5; this machine has two cores and the work is mostly
/// waiting on HubSpot).
const POLLERS: usize = 4;
/// The HubSpot client gives up on a request after 10 s; an injected timeout holds longer.
const TIMEOUT_MS: u64 = 11_000;
/// Users wait while HubSpot is still delivering their changes or the sync queue holds more
/// than this: moto counts a queue's messages one by one on every send and receive, so a
/// backlog of thousands slows the receiver past HubSpot's 5 s, HubSpot resends, and the
/// backlog grows further: a spiral of the emulator's, not of SQS. (A worker batch is 100.)
const BACKLOG: u64 = 200;
/// The sync worker's timeout in template.yaml: the worker stops where the deployed one would.
const WORKER_TIMEOUT_SECS: &str = "30";

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The faults HubSpot answers with, each with its share of all requests: 10 % 429, 5 % 5xx
/// (503 and 500), 2 % timeouts.
fn fault_mix() -> [(FaultKind, f64); 4] {
    [
        (FaultKind::Status { status: 429 }, 0.10),
        (FaultKind::Status { status: 503 }, 0.025),
        (FaultKind::Status { status: 500 }, 0.025),
        (
            FaultKind::Timeout {
                ms: Some(TIMEOUT_MS),
            },
            0.02,
        ),
    ]
}

/// The simulator's rules for [`fault_mix`]: each rule sees only the requests the rules before
/// it let through, so its share is scaled up to keep the shares of all requests exact.
fn fault_rules() -> Vec<FaultRule> {
    let mut left = 1.0;
    fault_mix()
        .into_iter()
        .map(|(fault, share)| {
            let rule = FaultRule {
                id: 0,
                method: None,
                path: "*".into(),
                fault,
                share: share / left,
                random: true,
                times: None,
                seen: 0,
                injected: 0,
            };
            left -= share;
            rule
        })
        .collect()
}

#[tokio::test]
#[ignore = "long (about 25 minutes): run with `make soak`"]
async fn ten_thousand_events_under_faults_and_a_killed_worker_lose_nothing() {
    let target = setting("SOAK_EVENTS", 10_000) as usize;
    let kills = setting("SOAK_KILLS", 2) as usize;
    let started = Instant::now();
    let stack = TestStack::new().await;
    let port = LambdaWatch::free_port();
    let mut config = sim_config();
    config.webhooks.target_url = Some(format!(
        "{}/webhooks/hubspot",
        function_url(port, "webhook-receiver")
    ));
    // HubSpot's own habits on top of the faults: batches out of order, some sent twice.
    config.webhooks.out_of_order = true;
    config.webhooks.duplicate_share = 0.02;
    config.webhooks.subscriptions = subscriptions::app_subscriptions();
    let sim = Simulator::start(config).await.expect("simulator");
    sim.load_fixture_json(PORTAL, &deeto_properties().to_string())
        .expect("Deeto's properties, as the install creates them");
    let mut env = receiver_and_worker_env(&stack, &sim, port);
    env.push((
        "AWS_LAMBDA_FUNCTION_TIMEOUT".into(),
        WORKER_TIMEOUT_SECS.into(),
    ));
    connect(&stack, &sim, &env).await;
    let watch = Arc::new(Mutex::new(
        LambdaWatch::start_concurrent(port, POLLERS, |_| env.clone()).await,
    ));
    warm_up(port).await;
    for rule in fault_rules() {
        sim.add_fault(rule);
    }

    let pump = Arc::new(PumpState::default());
    let queue = stack.reference("SyncQueue");
    let invoke = format!("http://127.0.0.1:{port}/2015-03-31/functions/sync-worker/invocations");
    let pollers: Vec<_> = (0..POLLERS)
        .map(|_| {
            tokio::spawn(pump::poll(
                stack.sqs.clone(),
                queue.clone(),
                invoke.clone(),
                pump.clone(),
            ))
        })
        .collect();
    let inbox = Arc::new(Inbox::default());
    let consumer = tokio::spawn(inbox::consume(
        stack.sqs.clone(),
        stack.reference("OutboundQueue"),
        inbox.clone(),
    ));
    let pace = async || {
        sim.webhooks_idle(Duration::from_secs(60)).await;
        while pump::queue_depth(&stack.sqs, &queue).await > BACKLOG {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    };

    let mut scenario = Scenario::new(&sim, setting("SOAK_SEED", 9));
    let mut command_keys = HashSet::new();
    scenario.populate(target, &pace).await;
    send_commands(&stack, &queue, &mut scenario, &mut command_keys).await;
    assert!(
        tally::settle(&stack, &sim, &pump, Duration::from_secs(900)).await,
        "phase one did not settle"
    );
    println!(
        "phase one settled after {:.0?}: {} events, {} commands",
        started.elapsed(),
        sim.events_published(),
        command_keys.len()
    );

    let before = pump.deleted.load(Ordering::SeqCst);
    let remaining = target.saturating_sub(sim.events_published() as usize + command_keys.len());
    let killer = tokio::spawn(kill_mid_batch(
        watch.clone(),
        pump.clone(),
        env.clone(),
        (1..=kills)
            .map(|k| before + remaining * k / (kills + 1))
            .collect(),
    ));
    let mut steps = 0;
    while (sim.events_published() as usize) + command_keys.len() < target {
        scenario.step();
        steps += 1;
        if steps % 50 == 0 {
            send_commands(&stack, &queue, &mut scenario, &mut command_keys).await;
            // Users act over time, not all in one instant.
            tokio::time::sleep(Duration::from_millis(50)).await;
            pace().await;
        }
    }
    send_commands(&stack, &queue, &mut scenario, &mut command_keys).await;
    let killed = killer.await.expect("killer");
    let settled = tally::settle(&stack, &sim, &pump, Duration::from_secs(1800)).await;
    pump.stop.store(true, Ordering::SeqCst);
    for poller in pollers {
        poller.await.expect("poller");
    }
    inbox.stop.store(true, Ordering::SeqCst);
    consumer.await.expect("inbox consumer");
    sim.clear_faults();
    let outbound = std::mem::take(&mut *inbox.messages.lock().await);
    let tally = tally::tally(&stack, &sim, &scenario, &pump, &command_keys, &outbound).await;
    report::print(&tally, &scenario, &pump, &killed, started.elapsed());

    assert!(settled, "the system did not settle within 30 minutes");
    assert!(tally.lost.is_empty(), "lost: {:#?}", tally.lost);
    assert!(tally.twice.is_empty(), "applied twice: {:#?}", tally.twice);
    assert!(
        tally.unexpected.is_empty(),
        "done unasked: {:#?}",
        tally.unexpected
    );
    assert_eq!(
        tally.undelivered, 0,
        "the simulator gave up delivering events"
    );
    assert!(
        killed.len() >= kills && pump.died.load(Ordering::SeqCst) >= kills,
        "the worker was not killed mid-batch {kills} times: {killed:?}"
    );
    // Every kind of fault happened (when the run is long enough to expect a few of each).
    for (fault, share) in fault_mix() {
        let (name, expected) = (fault.describe(), tally.hubspot_calls as f64 * share);
        assert!(
            expected < 5.0 || tally.injected.get(&name).is_some_and(|n| *n > 0),
            "no {name} injected in {} calls",
            tally.hubspot_calls
        );
    }
    sim.shutdown().await;
}

/// Starts every instance of the receiver and the worker before HubSpot sends anything: the
/// emulator starts a function (`cargo run`) on its first invocation, and a receiver still
/// starting when HubSpot's 5 s run out gets each batch again and again (HubSpot retries), all
/// of them queued once it answers: a flood no deployed function would see.
async fn warm_up(port: u16) {
    let http = reqwest::Client::new();
    let worker = format!("http://127.0.0.1:{port}/2015-03-31/functions/sync-worker/invocations");
    let receiver = format!(
        "{}/webhooks/hubspot",
        function_url(port, "webhook-receiver")
    );
    let calls = (0..POLLERS).flat_map(|_| {
        [
            http.post(&worker)
                .json(&serde_json::json!({"Records": []}))
                .send(),
            http.post(&receiver).body("[]").send(),
        ]
    });
    for answer in futures::future::join_all(calls).await {
        answer.expect("a function answers once started");
    }
}

/// Puts the scenario's pending commands on the sync queue, as the Deeto platform does.
async fn send_commands(
    stack: &TestStack,
    queue: &str,
    scenario: &mut Scenario<'_>,
    keys: &mut HashSet<String>,
) {
    let pending = std::mem::take(&mut scenario.outbox);
    for chunk in pending.chunks(10) {
        let mut request = stack.sqs.send_message_batch().queue_url(queue);
        for (i, message) in chunk.iter().enumerate() {
            let body = serde_json::to_string(message).expect("command serializes");
            keys.insert(pump::message_key(&body));
            request = request.entries(
                aws_sdk_sqs::types::SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(body)
                    .build()
                    .expect("entry"),
            );
        }
        let out = request.send().await.expect("SendMessageBatch");
        assert!(out.failed().is_empty(), "{:?}", out.failed());
        scenario.commands_sent += chunk.len();
    }
}

/// Kills the functions (SIGKILL, no handler finishes) while the worker is in the middle of a
/// batch, once the pollers have deleted each of `thresholds` messages, and starts them again
/// on the same port. Returns the in-flight invocations each kill cut short.
async fn kill_mid_batch(
    watch: Arc<Mutex<LambdaWatch>>,
    pump: Arc<PumpState>,
    env: Vec<(String, String)>,
    thresholds: Vec<usize>,
) -> Vec<usize> {
    let mut killed = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(1800);
    for threshold in thresholds {
        loop {
            if Instant::now() > deadline {
                return killed;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            if pump.deleted.load(Ordering::SeqCst) < threshold
                || pump.in_flight.load(Ordering::SeqCst) == 0
            {
                continue;
            }
            // Well into the batch: its HubSpot calls and DynamoDB writes have begun.
            tokio::time::sleep(Duration::from_millis(400)).await;
            let in_flight = pump.in_flight.load(Ordering::SeqCst);
            if in_flight == 0 {
                continue;
            }
            let mut watch = watch.lock().await;
            watch.crash().await;
            killed.push(in_flight);
            println!("killed the functions with {in_flight} worker invocation(s) in flight");
            let port = watch.port;
            *watch = LambdaWatch::start_concurrent(port, POLLERS, |_| env.clone()).await;
            warm_up(port).await;
            break;
        }
    }
    killed
}

#[test]
fn the_fault_rules_inject_the_mix_as_shares_of_all_requests() {
    let mut through = 1.0;
    for ((_, share), rule) in fault_mix().into_iter().zip(fault_rules()) {
        assert!((through * rule.share - share).abs() < 1e-12, "{rule:?}");
        through *= 1.0 - rule.share;
    }
    assert!(
        (through - (1.0 - 0.17)).abs() < 1e-12,
        "83 % of requests pass untouched"
    );
}
