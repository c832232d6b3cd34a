//! `deeto-hubspot reconcile PORTAL [--wait] [--status]`: start (or resume) today's daily
//! reconcile of one portal now, as the schedule would; `--wait` follows its pages until it
//! finishes; `--status` only shows the run as its checkpoint holds it.

use std::time::Duration;

use clap::Args;
use common::adapters::dynamodb::checkpoints::DynamoCheckpoints;
use common::adapters::dynamodb::tenants::DynamoTenantStore;
use common::adapters::sqs::SqsJobQueue;
use common::config::Env;
use common::domain::ids::PortalId;
use common::ports::{Clock, SystemClock};
use common::reconcile::{Checkpoint, CheckpointStore, Started, Starter, run_id};

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The HubSpot portal (hub id); it must be connected.
    portal: u64,
    /// Follow the run page by page until it finishes, then print its summary.
    #[arg(long, conflicts_with = "status")]
    wait: bool,
    /// Do not start anything: show the run of `--run` (default today) as it stands.
    #[arg(long)]
    status: bool,
    /// The run's day (`YYYY-MM-DD`), with `--status`.
    #[arg(long, requires = "status")]
    run: Option<String>,
    /// Give up waiting after this many seconds (exit 1; the run goes on).
    #[arg(long, default_value_t = 3_600)]
    timeout_secs: u64,
}

pub async fn run(args: ReconcileArgs, json: bool) -> Result<(), String> {
    let portal = PortalId(args.portal);
    let (client, table) = crate::dynamo().await?;
    let checkpoints = DynamoCheckpoints::new(client.clone(), &table);
    let today = run_id(SystemClock.now_ms());
    if args.status {
        let run = args.run.unwrap_or(today);
        let found = current(&checkpoints, portal, &run).await?;
        return print(&found, json);
    }
    let mut env = Env::from_process();
    let queue_url = env.required("SYNC_QUEUE_URL", "the sync queue the run's pages go on");
    env.finish(()).map_err(|e| e.to_string())?;
    let sdk = common::adapters::aws::load_sdk_config().await;
    let queue = SqsJobQueue::new(aws_sdk_sqs::Client::new(&sdk), queue_url);
    let tenants = DynamoTenantStore::new(client, table);
    let starter = Starter {
        tenants: &tenants,
        checkpoints: &checkpoints,
        sync_queue: &queue,
    };
    let outcome = starter
        .start(SystemClock.now_ms(), Some(portal))
        .await
        .map_err(|e| e.to_string())?;
    match outcome.first() {
        None => {
            return Err(format!(
                "portal {portal} is not a connected tenant's portal"
            ));
        }
        Some(Started::Failed { reason, .. }) => return Err(reason.clone()),
        Some(started) if !args.wait => {
            if json {
                let text = serde_json::to_string(started).map_err(|e| e.to_string())?;
                println!("{text}");
            } else {
                println!("{}", said(started));
            }
            return Ok(());
        }
        Some(_) => {}
    }
    let finished = follow(&checkpoints, portal, &today, args.timeout_secs, json).await?;
    print(&finished, json)
}

fn said(started: &Started) -> String {
    match started {
        Started::Started { portal, run } => format!("run {run} of portal {portal} started"),
        Started::Resumed { portal, run, page } => {
            format!("run {run} of portal {portal} resumed at page {page}")
        }
        Started::AlreadyDone { portal, run } => {
            format!("run {run} of portal {portal} is already finished")
        }
        Started::Failed { portal, reason } => format!("portal {portal}: {reason}"),
    }
}

async fn current(
    checkpoints: &DynamoCheckpoints,
    portal: PortalId,
    run: &str,
) -> Result<Checkpoint, String> {
    checkpoints
        .get(portal, run)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no reconcile run {run} for portal {portal}"))
}

/// Polls the checkpoint until the run finishes, with a progress bar over pages (on a
/// terminal, and not with `--output json`).
async fn follow(
    checkpoints: &DynamoCheckpoints,
    portal: PortalId,
    run: &str,
    timeout_secs: u64,
    json: bool,
) -> Result<Checkpoint, String> {
    let bar = if json {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new_spinner()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {elapsed_precise} page {pos} {msg}")
            .map_err(|e| e.to_string())?,
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout_secs);
    loop {
        let cp = current(checkpoints, portal, run).await?;
        bar.set_position(cp.pages_done);
        bar.set_message(format!(
            "{}: {} records checked, {} repaired",
            cp.step,
            cp.tally.records_checked,
            cp.tally.total_repaired()
        ));
        if cp.is_finished() {
            bar.finish_and_clear();
            return Ok(cp);
        }
        if tokio::time::Instant::now() >= deadline {
            bar.abandon();
            return Err(format!(
                "run {run} of portal {portal} not finished after {timeout_secs} s (it goes on; \
                 is the sync worker consuming the sync queue?)"
            ));
        }
        bar.tick();
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn print(run: &Checkpoint, json: bool) -> Result<(), String> {
    if json {
        let text = serde_json::to_string_pretty(run).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", describe(run));
    }
    Ok(())
}

fn describe(run: &Checkpoint) -> String {
    let tally = &run.tally;
    let state = match run.finished_at_ms {
        Some(at) => format!(
            "finished in {:.1} s",
            (at - run.started_at_ms) as f64 / 1000.0
        ),
        None => format!("at {} (page {})", run.step, run.pages_done),
    };
    let mut text = format!(
        "run {} of portal {}: {state}\n  pages {}, records checked {}, HubSpot calls {}\n",
        run.run, run.portal, run.pages_done, tally.records_checked, tally.api_calls
    );
    for (kind, found) in &tally.found {
        let repaired = tally.repaired.get(kind).copied().unwrap_or(0);
        text.push_str(&format!(
            "  {kind:<12} found {found:>6}  repaired {repaired:>6}\n"
        ));
    }
    if tally.found.is_empty() {
        text.push_str("  no drift\n");
    }
    text
}
