//! The write path: carrying out the Deeto platform's commands in a customer's HubSpot — the
//! only writes Deeto makes (`deeto_id` on contacts, companies and deals; lead contacts; Deeto's
//! own tickets and their associations). Each command type has its file; `batch` holds the
//! batch endpoints. A portal's commands in one SQS batch are written together, up to 100
//! inputs per HubSpot call, and each command is done once per id ([`CommandLedger`]).

pub(crate) mod batch;
mod connections;
mod leads;
mod references;

use std::collections::BTreeMap;

use crate::commands::{
    CommandId, ConnectionCreated, ConnectionUpdated, DeetoCommand, LeadCreated, ReferenceCreated,
};
use crate::domain::ids::PortalId;
use crate::ports::{CommandLedger, HubSpotApi, TicketStore};
use crate::queue::Said;
use crate::sync::config::SyncConfig;
use crate::sync::ports::RecordStore;
use crate::sync::worker::Failure;

/// Everything one portal's commands need.
pub struct Writer<'a> {
    pub api: &'a dyn HubSpotApi,
    pub records: &'a dyn RecordStore,
    pub tickets: &'a dyn TicketStore,
    pub ledger: &'a dyn CommandLedger,
    pub config: &'a SyncConfig,
    pub portal: PortalId,
    pub now_ms: i64,
}

impl std::fmt::Debug for Writer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("portal", &self.portal)
            .finish_non_exhaustive()
    }
}

/// What became of each command, by message id: `Ok` when done (or done before).
pub type Outcomes = BTreeMap<String, Result<(), Failure>>;

impl Writer<'_> {
    /// Carries out `(message id, command)` pairs of this portal, in the order references,
    /// leads, new connections, connection updates (an update may follow its creation in one
    /// batch). Commands already done are acknowledged without touching HubSpot.
    pub async fn carry_out(&self, commands: Vec<(String, Said, DeetoCommand)>) -> Outcomes {
        let mut outcomes = Outcomes::new();
        let mut references = Vec::new();
        let mut leads = Vec::new();
        let mut created = Vec::new();
        let mut updated = Vec::new();
        // The same command delivered twice in one batch (a resent request) is done once; its
        // copies share the outcome.
        let mut copies: BTreeMap<CommandId, Vec<String>> = BTreeMap::new();
        for (message, said, command) in commands {
            let seen = copies.entry(command.id().clone()).or_default();
            seen.push(message.clone());
            if seen.len() > 1 {
                continue;
            }
            match self.ledger.is_done(self.portal, command.id()).await {
                Ok(true) => {
                    tracing::info!(command = %command.id(), "already done; replay ignored");
                    outcomes.insert(message, Ok(()));
                    continue;
                }
                Ok(false) => {}
                Err(err) => {
                    outcomes.insert(message, Err(err.into()));
                    continue;
                }
            }
            match command {
                DeetoCommand::ReferenceCreated(c) => references.push((message, c)),
                DeetoCommand::LeadCreated(c) => leads.push((message, c)),
                DeetoCommand::ConnectionCreated(c) => created.push((message, c)),
                DeetoCommand::ConnectionUpdated(c) => updated.push((message, c, said)),
            }
        }
        let mut done: Vec<(String, CommandId)> = Vec::new();
        let mut record = |results: Vec<(String, CommandId, Result<(), Failure>)>| {
            for (message, id, result) in results {
                if result.is_ok() {
                    done.push((message.clone(), id));
                }
                outcomes.insert(message, result);
            }
        };
        record(self.references(references).await);
        record(self.leads(leads).await);
        record(self.connections_created(created).await);
        record(self.connections_updated(updated).await);
        for (message, id) in done {
            if let Err(err) = self.ledger.mark_done(self.portal, &id, self.now_ms).await {
                // The writes are idempotent: a retry repeats them harmlessly, then records.
                outcomes.insert(message, Err(err.into()));
            }
        }
        for messages in copies.into_values() {
            let Some(outcome) = messages.first().and_then(|m| outcomes.get(m)).cloned() else {
                continue;
            };
            for copy in messages.into_iter().skip(1) {
                outcomes.insert(copy, outcome.clone());
            }
        }
        outcomes
    }
}

/// A permanent failure naming what is wrong with a command.
fn refused(reason: impl Into<String>) -> Failure {
    Failure::Permanent(reason.into())
}

/// Each command's message id, command id and outcome.
type Results = Vec<(String, CommandId, Result<(), Failure>)>;

/// The same failure for every command of a group (e.g. HubSpot unreachable).
fn fail_all<C: HasId>(commands: Vec<(String, C)>, failure: Failure) -> Results {
    commands
        .into_iter()
        .map(|(message, command)| (message, command.command_id(), Err(failure.clone())))
        .collect()
}

trait HasId {
    fn command_id(&self) -> CommandId;
}

macro_rules! has_id {
    ($($kind:ty),*) => {$(
        impl HasId for $kind {
            fn command_id(&self) -> CommandId {
                self.id.clone()
            }
        }
    )*};
}

has_id!(
    ReferenceCreated,
    LeadCreated,
    ConnectionCreated,
    ConnectionUpdated
);

/// `{"deeto_id": value}`: the one property Deeto writes on contacts, companies and deals.
pub(crate) fn deeto_id(value: &str) -> batch::Properties {
    let mut props = batch::Properties::new();
    props.insert("deeto_id".into(), value.into());
    props
}

#[cfg(test)]
mod tests;
