//! The soak's printed result: one table, the same figures BENCHMARKS.md quotes.

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::pump::PumpState;
use super::scenario::Scenario;
use super::tally::Tally;

pub fn print(
    tally: &Tally,
    scenario: &Scenario<'_>,
    pump: &PumpState,
    killed: &[usize],
    took: Duration,
) {
    let load = |n: &std::sync::atomic::AtomicUsize| n.load(Ordering::SeqCst);
    println!("\n== soak: {:.1} min ==", took.as_secs_f64() / 60.0);
    println!("what users and Deeto did:");
    for (action, count) in &scenario.actions {
        println!("  {action:<32} {count:>7}");
    }
    let rows: Vec<(&str, String)> = vec![
        ("webhook events produced", tally.published.to_string()),
        (
            "webhook events delivered (sent)",
            tally.events_sent.to_string(),
        ),
        ("Deeto commands sent", tally.commands_sent.to_string()),
        ("applied", tally.applied.to_string()),
        (
            "in the DLQ",
            tally.dead_letters.values().sum::<usize>().to_string(),
        ),
        ("applied twice in effect", tally.twice.len().to_string()),
        ("lost", tally.lost.len().to_string()),
        ("done unasked", tally.unexpected.len().to_string()),
        ("never delivered by HubSpot", tally.undelivered.to_string()),
        ("HubSpot calls", tally.hubspot_calls.to_string()),
        ("429s received", tally.answered_429.to_string()),
        ("HubSpot writes that succeeded", tally.writes.to_string()),
        ("worker invocations", load(&pump.invocations).to_string()),
        (
            "messages reported failed (retried)",
            load(&pump.reported_failed).to_string(),
        ),
        (
            "worker kills mid-batch (in flight)",
            format!("{} {killed:?}", killed.len()),
        ),
        (
            "invocations cut short by a kill",
            format!(
                "{} ({} messages)",
                load(&pump.died),
                load(&pump.died_messages)
            ),
        ),
        ("outbound messages", tally.outbound.to_string()),
        (
            "outbound repeats (same dedupeKey)",
            tally.outbound_redundant.to_string(),
        ),
    ];
    println!("result:");
    for (name, value) in rows {
        println!("  {name:<36} {value:>10}");
    }
    println!("faults injected by the simulator:");
    for (fault, count) in &tally.injected {
        println!("  {fault:<36} {count:>10}");
    }
    if !tally.dead_letters.is_empty() {
        println!("dead letters by reason:");
        for (reason, count) in &tally.dead_letters {
            println!("  {count:>6}  {reason}");
        }
    }
    for (title, list) in [
        ("lost", &tally.lost),
        ("applied twice", &tally.twice),
        ("done unasked", &tally.unexpected),
    ] {
        for finding in list.iter().take(20) {
            println!("{title}: {finding}");
        }
    }
}
