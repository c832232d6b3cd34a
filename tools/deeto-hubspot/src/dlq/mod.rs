//! `deeto-hubspot dlq …`: the sync queue's dead-letter queue (`SYNC_DEAD_LETTER_QUEUE_URL`):
//! what is in it and why, moving messages back onto the sync queue (`SYNC_QUEUE_URL`) after a
//! fix or a re-install, and purging old ones.

mod peek;

use std::io::{BufRead, Write};

use clap::Subcommand;
use common::adapters::sqs::SqsJobQueue;
use common::config::Env;
use common::ports::{Clock, QueueEntry, SystemClock};
use common::queue::{RetryPolicy, send_all};

use self::peek::{DeadLetter, delete, receive_all, release};

#[derive(Debug, Subcommand)]
pub enum DlqCommand {
    /// Every message: kind, portal, why it is there, and its age.
    List,
    /// Move messages back onto the sync queue (all, or those of a portal and/or kind).
    Redrive {
        #[arg(long)]
        portal: Option<u64>,
        /// A message type, e.g. `hubspot.webhook.v1`, `deeto.command.v1`, `malformed`.
        #[arg(long)]
        kind: Option<String>,
        /// Only say what would move.
        #[arg(long)]
        dry_run: bool,
    },
    /// Delete messages older than a duration (`90s`, `30m`, `12h`, `7d`), after confirmation.
    Purge {
        #[arg(long, value_parser = parse_duration_secs)]
        older_than: i64,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
    },
}

pub async fn run(command: DlqCommand, json: bool) -> Result<(), String> {
    let mut env = Env::from_process();
    let dlq = env.required(
        "SYNC_DEAD_LETTER_QUEUE_URL",
        "the sync queue's dead-letter queue",
    );
    let sync = match command {
        DlqCommand::Redrive { .. } => env.required("SYNC_QUEUE_URL", "where redriven messages go"),
        _ => String::new(),
    };
    env.finish(()).map_err(|e| e.to_string())?;
    let sdk = common::adapters::aws::load_sdk_config().await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let letters = receive_all(&sqs, &dlq, SystemClock.now_ms()).await?;
    let (chosen, rest): (Vec<&DeadLetter>, Vec<&DeadLetter>) = match &command {
        DlqCommand::List => (Vec::new(), letters.iter().collect()),
        DlqCommand::Redrive { portal, kind, .. } => letters.iter().partition(|l| {
            let portal_ok = portal.is_none_or(|p| l.portal_id.as_deref() == Some(&p.to_string()));
            portal_ok && kind.as_ref().is_none_or(|k| &l.kind == k)
        }),
        DlqCommand::Purge { older_than, .. } => {
            letters.iter().partition(|l| l.age_secs >= *older_than)
        }
    };
    release(&sqs, &dlq, &rest).await?;
    match command {
        DlqCommand::List => print(&letters.iter().collect::<Vec<_>>(), json),
        DlqCommand::Redrive { dry_run, .. } => {
            if dry_run {
                release(&sqs, &dlq, &chosen).await?;
                if !json {
                    println!("would move {} message(s):", chosen.len());
                }
                return print(&chosen, json);
            }
            let queue = SqsJobQueue::new(sqs.clone(), sync);
            let entries: Vec<QueueEntry> = chosen.iter().map(|l| entry(l)).collect();
            send_all(&queue, entries, RetryPolicy::default())
                .await
                .map_err(|e| format!("nothing deleted from the DLQ: {e}"))?;
            for letter in &chosen {
                delete(&sqs, &dlq, letter).await?;
            }
            done(json, "moved", chosen.len(), "back onto the sync queue");
            Ok(())
        }
        DlqCommand::Purge { older_than, yes } => {
            if chosen.is_empty() || !(yes || confirm(chosen.len(), older_than)?) {
                release(&sqs, &dlq, &chosen).await?;
                done(json, "deleted", 0, "");
                return Ok(());
            }
            for letter in &chosen {
                delete(&sqs, &dlq, letter).await?;
            }
            done(json, "deleted", chosen.len(), "");
            Ok(())
        }
    }
}

/// What a redrive or purge did, as a line or as JSON (`{"moved": n}`, `{"deleted": n}`).
fn done(json: bool, verb: &str, count: usize, detail: &str) {
    if json {
        println!("{}", serde_json::json!({ verb: count }));
    } else if count == 0 {
        println!("nothing {verb}");
    } else {
        println!("{verb} {count} message(s) {detail}");
    }
}

/// The sync-queue entry of a dead letter: its original body, with the routing attributes.
fn entry(letter: &DeadLetter) -> QueueEntry {
    let mut attributes = vec![("type".to_owned(), letter.kind.clone())];
    if let Some(portal) = &letter.portal_id {
        attributes.push(("portalId".to_owned(), portal.clone()));
    }
    QueueEntry {
        id: letter
            .message_id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(80)
            .collect(),
        body: letter.body.clone(),
        attributes,
    }
}

fn confirm(count: usize, older_than: i64) -> Result<bool, String> {
    print!("delete {count} message(s) older than {older_than} s from the DLQ? [y/N] ");
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| e.to_string())?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

fn print(letters: &[&DeadLetter], json: bool) -> Result<(), String> {
    if json {
        let text = serde_json::to_string(letters).map_err(|e| e.to_string())?;
        println!("{text}");
        return Ok(());
    }
    println!(
        "{:<38} {:<20} {:<10} {:>8}  REASON",
        "MESSAGE", "KIND", "PORTAL", "AGE (s)"
    );
    for l in letters {
        let reason = match (&l.disposition, &l.reason) {
            (Some(d), Some(r)) if !r.starts_with(d.as_str()) => format!("{d}: {r}"),
            (_, Some(r)) => r.clone(),
            _ => "moved by SQS after five receives".to_owned(),
        };
        let portal = l.portal_id.as_deref().unwrap_or("-");
        println!(
            "{:<38} {:<20} {:<10} {:>8}  {reason}",
            l.message_id, l.kind, portal, l.age_secs
        );
    }
    Ok(())
}

/// `90s`, `30m`, `12h`, `7d` (or plain seconds) as seconds.
fn parse_duration_secs(raw: &str) -> Result<i64, String> {
    let raw = raw.trim();
    let (number, unit) = raw.split_at(raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len()));
    let n: i64 = number
        .parse()
        .map_err(|_| format!("{raw:?} is not a duration like 90s, 30m, 12h or 7d"))?;
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        other => return Err(format!("unknown unit {other:?}: use s, m, h or d")),
    };
    Ok(n * scale)
}

#[cfg(test)]
mod tests {
    use super::parse_duration_secs;

    #[test]
    fn durations_read_in_seconds_minutes_hours_and_days() {
        assert_eq!(parse_duration_secs("90s"), Ok(90));
        assert_eq!(parse_duration_secs("30m"), Ok(1_800));
        assert_eq!(parse_duration_secs("7d"), Ok(604_800));
        assert_eq!(parse_duration_secs("45"), Ok(45));
        assert!(parse_duration_secs("7w").is_err());
        assert!(parse_duration_secs("soon").is_err());
    }
}
