//! `deeto-hubspot budget PORTAL`: what the portal's shared API budget was spent on over the
//! last minutes, window by window, against HubSpot's limits.

use clap::Args;
use common::adapters::dynamodb::rate_budget::{DynamoRateBudget, WindowUse};
use common::domain::ids::PortalId;
use common::domain::iso_time::iso;
use common::hubspot::budget::{kind_name, limit_for};
use common::ports::{CallKind, Clock, SystemClock};
use serde_json::json;

#[derive(Debug, Args)]
pub struct BudgetArgs {
    /// The HubSpot portal (hub id).
    portal: u64,
    /// How far back to look.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=60))]
    minutes: u32,
}

pub async fn run(args: BudgetArgs, json: bool) -> Result<(), String> {
    let (client, table) = crate::dynamo().await?;
    let budget = DynamoRateBudget::new(client, table);
    let portal = PortalId(args.portal);
    let now = SystemClock.now_ms();
    let from = now - i64::from(args.minutes) * 60_000;
    let mut report = Vec::new();
    for kind in [CallKind::Standard, CallKind::Search] {
        let windows = budget
            .usage(portal, kind, from, now)
            .await
            .map_err(|e| e.to_string())?;
        report.push((kind, windows));
    }
    if json {
        let kinds: Vec<_> = report
            .iter()
            .map(|(kind, windows)| {
                let limit = limit_for(*kind);
                json!({"kind": kind_name(*kind), "max": limit.max, "windowMs": limit.window_ms,
                       "calls": windows.iter().map(|w| u64::from(w.count)).sum::<u64>(),
                       "windows": windows})
            })
            .collect();
        println!(
            "{}",
            json!({"portalId": portal.0, "minutes": args.minutes, "kinds": kinds})
        );
    } else {
        print!("{}", describe(portal, args.minutes, &report));
    }
    Ok(())
}

fn describe(portal: PortalId, minutes: u32, report: &[(CallKind, Vec<WindowUse>)]) -> String {
    let mut text = format!("API budget of portal {portal}, last {minutes} min\n");
    for (kind, windows) in report {
        let limit = limit_for(*kind);
        let calls: u64 = windows.iter().map(|w| u64::from(w.count)).sum();
        let peak = windows.iter().map(|w| w.count).max().unwrap_or(0);
        text.push_str(&format!(
            "  {:<8} {calls} calls in {} windows of {} s; busiest {peak} of HubSpot's {}\n",
            kind_name(*kind),
            windows.len(),
            limit.window_ms / 1000,
            limit.max
        ));
        if *kind == CallKind::Standard {
            for w in windows {
                let bar = "#".repeat((w.count as usize * 40).div_ceil(limit.max as usize));
                text.push_str(&format!(
                    "    {}  {:>3}  {bar}\n",
                    iso(w.window_start_ms),
                    w.count
                ));
            }
        }
    }
    text
}
