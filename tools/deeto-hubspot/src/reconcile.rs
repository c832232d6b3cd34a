//! `deeto-hubspot reconcile show`: a portal's daily reconcile run as its checkpoint holds it
//! (where it is, what it checked, found and repaired).

use clap::Subcommand;
use common::adapters::dynamodb::checkpoints::DynamoCheckpoints;
use common::domain::ids::PortalId;
use common::ports::{Clock, SystemClock};
use common::reconcile::{Checkpoint, CheckpointStore, run_id};

#[derive(Debug, Subcommand)]
pub enum ReconcileCommand {
    /// Show a run: today's unless `--run` names another day (`YYYY-MM-DD`).
    Show {
        #[arg(long)]
        portal: u64,
        #[arg(long)]
        run: Option<String>,
    },
}

pub async fn run(command: ReconcileCommand, json: bool) -> Result<(), String> {
    let ReconcileCommand::Show { portal, run } = command;
    let (client, table) = crate::dynamo().await?;
    let checkpoints = DynamoCheckpoints::new(client, table);
    let run = run.unwrap_or_else(|| run_id(SystemClock.now_ms()));
    let found = checkpoints
        .get(PortalId(portal), &run)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no reconcile run {run} for portal {portal}"))?;
    if json {
        let text = serde_json::to_string_pretty(&found).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", describe(&found));
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
