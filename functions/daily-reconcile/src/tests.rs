use super::*;
use common::adapters::memory::{MemoryJobQueue, MemoryQueueBehaviour, MemoryTenantStore};
use common::domain::ids::TenantId;
use common::ports::{FixedClock, Tenant, TenantStore};
use common::queue::SyncMessage;
use common::reconcile::CheckpointStore;
use common::reconcile::memory::MemoryCheckpoints;
use serde_json::json;

/// 2026-12-04T03:00:00Z, when the schedule fires.
const NOW: i64 = 1_796_353_200_000;

struct World {
    tenants: MemoryTenantStore,
    checkpoints: MemoryCheckpoints,
    queue: MemoryJobQueue,
}

impl World {
    async fn new(queue: MemoryJobQueue) -> Self {
        let tenants = MemoryTenantStore::default();
        for (id, portal) in [
            ("acme", Some(101)),
            ("globex", Some(202)),
            ("initech", None),
        ] {
            let tenant = Tenant::pending(TenantId(id.into()), id);
            tenants.create_tenant(&tenant, id).await.expect("tenant");
            if let Some(portal) = portal {
                let bound = tenants.bind_portal(&tenant.id, PortalId(portal), &[], 1);
                bound.await.expect("bind");
            }
        }
        Self {
            tenants,
            checkpoints: MemoryCheckpoints::default(),
            queue,
        }
    }

    fn starter(&self) -> Starter<'_> {
        Starter {
            tenants: &self.tenants,
            checkpoints: &self.checkpoints,
            sync_queue: &self.queue,
        }
    }

    /// The (portal, page) of every page message queued since the last look.
    fn queued(&self) -> Vec<(u64, u64)> {
        self.queue
            .take()
            .into_iter()
            .map(
                |entry| match serde_json::from_str(&entry.body).expect("message") {
                    SyncMessage::ReconcilePageV1(page) => {
                        assert_eq!(page.run, "2026-12-04");
                        (page.portal_id.0, page.page)
                    }
                    other => panic!("unexpected {other:?}"),
                },
            )
            .collect()
    }
}

fn scheduled() -> Value {
    json!({"version": "0", "id": "89d1a02d", "detail-type": "Scheduled Event",
        "source": "aws.events", "time": "2026-12-04T03:00:00Z", "detail": {}})
}

#[tokio::test]
async fn the_schedule_starts_a_run_for_every_connected_portal_and_queues_its_first_page() {
    let world = World::new(MemoryJobQueue::default()).await;

    let report = handle(&world.starter(), &FixedClock(NOW), scheduled())
        .await
        .expect("started");

    assert_eq!(report.run, "2026-12-04");
    assert_eq!(
        world.queued(),
        [(101, 0), (202, 0)],
        "initech is not installed"
    );
    let run = world.checkpoints.get(PortalId(101), "2026-12-04").await;
    let run = run.expect("store").expect("checkpoint");
    assert_eq!(run.started_at_ms, NOW);
    assert_eq!(
        run.window_from_ms,
        NOW - 24 * 3600 * 1000,
        "first run: the day before"
    );
    assert!(run.next_sent);
}

#[tokio::test]
async fn a_rerun_the_same_day_resumes_an_unfinished_run_and_leaves_a_finished_one() {
    let world = World::new(MemoryJobQueue::default()).await;
    handle(&world.starter(), &FixedClock(NOW), scheduled())
        .await
        .expect("first");
    world.queued();
    let run = world.checkpoints.get(PortalId(202), "2026-12-04").await;
    let run = run.expect("store").expect("checkpoint");
    let done = run.advanced(
        common::reconcile::Step::Done,
        None,
        &Default::default(),
        NOW,
    );
    assert!(world.checkpoints.advance(&done).await.expect("advance"));

    let later = FixedClock(NOW + 3_600_000);
    let report = handle(&world.starter(), &later, scheduled())
        .await
        .expect("rerun");

    assert_eq!(world.queued(), [(101, 0)]);
    let outcomes: Vec<&str> = report
        .portals
        .iter()
        .map(|p| match p {
            Started::Resumed { .. } => "resumed",
            Started::AlreadyDone { .. } => "done",
            _ => "other",
        })
        .collect();
    assert_eq!(outcomes, ["resumed", "done"]);
}

#[tokio::test]
async fn the_next_day_looks_back_to_the_previous_runs_start() {
    let world = World::new(MemoryJobQueue::default()).await;
    handle(&world.starter(), &FixedClock(NOW), scheduled())
        .await
        .expect("today");
    let tomorrow = NOW + 24 * 3600 * 1000;
    handle(
        &world.starter(),
        &FixedClock(tomorrow),
        json!({"portalId": 101}),
    )
    .await
    .expect("tomorrow");

    let run = world.checkpoints.get(PortalId(101), "2026-12-05").await;
    let run = run.expect("store").expect("checkpoint");
    assert_eq!(run.window_from_ms, NOW);
    assert!(
        world
            .checkpoints
            .get(PortalId(202), "2026-12-05")
            .await
            .expect("store")
            .is_none(),
        "only the portal asked for"
    );
}

#[tokio::test]
async fn an_operator_event_with_a_bad_portal_id_is_refused_clearly() {
    let world = World::new(MemoryJobQueue::default()).await;
    for event in [
        json!({"portalId": "abc"}),
        json!({"detail": {"portalId": -3}}),
        json!([]),
    ] {
        let err = handle(&world.starter(), &FixedClock(NOW), event)
            .await
            .expect_err("refused");
        assert!(matches!(err, ReconcileError::BadEvent(_)), "{err}");
    }
    assert!(world.queued().is_empty());
}

#[tokio::test]
async fn a_queue_that_is_down_fails_the_invocation_so_lambda_retries_it() {
    let world = World::new(MemoryJobQueue::with(MemoryQueueBehaviour::Unavailable)).await;

    let err = handle(&world.starter(), &FixedClock(NOW), scheduled())
        .await
        .expect_err("failed");

    assert!(
        matches!(
            err,
            ReconcileError::PortalsFailed {
                failed: 2,
                total: 2
            }
        ),
        "{err}"
    );
    // The retry resumes: the checkpoints exist, their first page not yet sent.
    let run = world.checkpoints.get(PortalId(101), "2026-12-04").await;
    assert!(!run.expect("store").expect("checkpoint").next_sent);
}

#[tokio::test]
async fn the_sample_events_start_every_portal_or_the_one_named() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../events/daily-reconcile");
    let read = |name: &str| -> Value {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).expect("sample");
        serde_json::from_str(&text).expect("JSON")
    };
    assert_eq!(only_portal(&read("scheduled.json")).expect("valid"), None);
    assert_eq!(
        only_portal(&read("one-portal.json")).expect("valid"),
        Some(PortalId(62515))
    );
}
