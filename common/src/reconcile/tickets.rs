//! The tickets step: one page of Deeto's connections, their tickets re-read from HubSpot in one
//! batch call; a ticket someone removed for a connection still open is re-created by the write
//! path itself, as a `connection.updated` that changes nothing (the writer re-creates a ticket
//! it cannot update). Its command id names the run, so a rerun the same day changes nothing.

use std::collections::BTreeSet;

use super::checkpoint::{Checkpoint, Tally, kind};
use super::drift::{MERGED_IDS, merged_into};
use super::page::PageOutcome;
use super::{PAGE_SIZE, calls};
use crate::commands::{CommandId, ConnectionUpdated, DeetoCommand};
use crate::domain::ids::{ObjectId, PortalId};
use crate::ports::DeetoTicket;
use crate::queue::Said;
use crate::sync::config::SyncConfig;
use crate::sync::reads::read_objects;
use crate::sync::worker::{Failure, SyncWorker};
use crate::writeback::Writer;

/// `deeto_status` values after which a connection is over: its ticket is history, and a
/// ticket someone removed is not brought back.
pub const CLOSED_STATUSES: [&str; 6] = [
    "completed",
    "cancelled",
    "canceled",
    "declined",
    "closed",
    "lost",
];

pub fn is_open(ticket: &DeetoTicket) -> bool {
    let status = ticket.status.to_ascii_lowercase();
    !CLOSED_STATUSES.contains(&status.as_str())
}

pub async fn page(
    worker: &SyncWorker,
    portal_id: PortalId,
    config: &SyncConfig,
    checkpoint: &Checkpoint,
) -> Result<PageOutcome, Failure> {
    let (worker, api_calls) = calls::counted(worker);
    let page = worker
        .tickets
        .page(portal_id, checkpoint.cursor.as_deref(), PAGE_SIZE)
        .await?;
    let open: Vec<&DeetoTicket> = page.items.iter().filter(|t| is_open(t)).collect();
    let mut tally = Tally {
        records_checked: open.len() as u64,
        ..Tally::default()
    };
    if !open.is_empty() {
        let missing = missing_tickets(&worker, portal_id, &open).await?;
        recreate(
            &worker,
            portal_id,
            config,
            &checkpoint.run,
            missing,
            &mut tally,
        )
        .await?;
    }
    tally.api_calls = api_calls.calls();
    Ok(PageOutcome {
        tally,
        next_cursor: page.next,
    })
}

/// The open connections whose ticket HubSpot no longer has (a merged ticket still answers).
async fn missing_tickets<'a>(
    worker: &SyncWorker,
    portal_id: PortalId,
    open: &[&'a DeetoTicket],
) -> Result<Vec<&'a DeetoTicket>, Failure> {
    let ids: Vec<ObjectId> = open.iter().map(|t| t.ticket_id).collect();
    let wanted = BTreeSet::from([MERGED_IDS.to_owned()]);
    let now = worker.clock.now_ms();
    let read = read_objects(
        worker.hubspot.as_ref(),
        portal_id,
        "tickets",
        &ids,
        &wanted,
        now,
    )
    .await?;
    let merged = merged_into(&read);
    let found: BTreeSet<ObjectId> = read.iter().map(|r| r.id).collect();
    Ok(open
        .iter()
        .copied()
        .filter(|t| !found.contains(&t.ticket_id) && !merged.contains_key(&t.ticket_id))
        .collect())
}

async fn recreate(
    worker: &SyncWorker,
    portal_id: PortalId,
    config: &SyncConfig,
    run: &str,
    missing: Vec<&DeetoTicket>,
    tally: &mut Tally,
) -> Result<(), Failure> {
    if missing.is_empty() {
        return Ok(());
    }
    let now = worker.clock.now_ms();
    let commands = missing.iter().map(|ticket| {
        let command = DeetoCommand::ConnectionUpdated(ConnectionUpdated {
            id: CommandId(format!("reconcile:{run}:ticket:{}", ticket.connection)),
            deeto_id: ticket.connection.clone(),
            status: None,
            connection_type: None,
        });
        (ticket.connection.clone(), Said::at(now), command)
    });
    let writer = Writer {
        api: worker.hubspot.as_ref(),
        records: worker.records.as_ref(),
        tickets: worker.tickets.as_ref(),
        ledger: worker.commands.as_ref(),
        config,
        portal: portal_id,
        now_ms: now,
    };
    let outcomes = writer.carry_out(commands.collect()).await;
    let mut retry = None;
    for (connection, outcome) in outcomes {
        match outcome {
            Ok(()) => tally.repaired(kind::TICKET, 1),
            Err(Failure::Permanent(reason)) => {
                tracing::error!(portal = %portal_id, %connection, %reason,
                    "ticket could not be re-created");
                tally.unrepaired(kind::TICKET, 1);
            }
            Err(failure) => retry = Some(failure),
        }
    }
    retry.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(status: &str) -> DeetoTicket {
        DeetoTicket {
            ticket_id: ObjectId(1),
            connection: "conn-1".into(),
            deal_id: ObjectId(2),
            contacts: vec![ObjectId(3)],
            status: status.into(),
            kind: "meeting".into(),
            status_order: 0,
            kind_order: 0,
        }
    }

    #[test]
    fn a_connection_is_open_until_its_status_says_it_is_over() {
        assert!(is_open(&ticket("scheduled")));
        assert!(is_open(&ticket("requested")));
        assert!(!is_open(&ticket("completed")));
        assert!(!is_open(&ticket("Cancelled")));
    }
}
