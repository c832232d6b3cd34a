//! A connection's ticket brought to its state: updated, created with its associations, or
//! re-created when someone removed it; recorded as Deeto's so the write guard lets it be
//! updated later.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::Wanted;
use crate::domain::ids::ObjectId;
use crate::ports::DeetoTicket;
use crate::sync::worker::Failure;
use crate::writeback::batch::{Properties, create, read, update};
use crate::writeback::{Writer, refused};

/// The command and the ticket as recorded, or why not.
pub(super) type Written = (crate::commands::CommandId, Result<DeetoTicket, Failure>);

/// HubSpot-defined association types from a ticket (hubspot-api.md §4.3).
const TICKET_TO_CONTACT: u64 = 16;
const TICKET_TO_DEAL: u64 = 28;

impl Writer<'_> {
    /// Brings each connection's ticket to the given state: updated when Deeto's ticket still
    /// exists (by updates only, which carry the orders they read: a replayed creation must not
    /// undo a later update), created with its associations when there is none or someone
    /// removed it. Messages about one connection share one ticket. Returns each message's
    /// ticket as recorded.
    pub(super) async fn write_tickets(
        &self,
        wanted: BTreeMap<String, Wanted>,
    ) -> BTreeMap<String, Written> {
        // The last wanted state per connection (message order), and who asked for it.
        let mut by_connection: BTreeMap<String, (Vec<String>, Wanted)> = BTreeMap::new();
        for (message, want) in wanted {
            let entry = by_connection
                .entry(want.1.connection.clone())
                .or_insert_with(|| (Vec::new(), want.clone()));
            entry.0.push(message);
            entry.1 = want;
        }
        let mut results: BTreeMap<String, Result<DeetoTicket, Failure>> = BTreeMap::new();
        let mut known: BTreeMap<String, DeetoTicket> = BTreeMap::new();
        for connection in by_connection.keys() {
            match self.tickets.for_connection(self.portal, connection).await {
                Ok(Some(stored)) => {
                    known.insert(connection.clone(), stored);
                }
                Ok(None) => {}
                Err(err) => {
                    results.insert(connection.clone(), Err(err.into()));
                }
            }
        }
        let ids: BTreeSet<String> = known.values().map(|t| t.ticket_id.to_string()).collect();
        let alive = match read(self.api, self.portal, "tickets", &ids, None, &["deeto_id"]).await {
            Ok(found) => found,
            Err(err) => return spread(by_connection, &Err(err.into())),
        };
        let mut missing: Vec<String> = Vec::new();
        for connection in by_connection.keys() {
            let is_alive = known
                .get(connection)
                .is_some_and(|t| alive.contains_key(&t.ticket_id.to_string()));
            if !is_alive && !results.contains_key(connection) {
                missing.push(connection.clone());
            }
        }
        let (to_create, adopted) = self
            .claim_or_adopt(&by_connection, missing, &mut known, &mut results)
            .await;
        // Updates: existing (or adopted) tickets whose state the commands set.
        let mut updates: BTreeMap<ObjectId, Properties> = BTreeMap::new();
        for (connection, (_, (_, ticket, _, expected))) in &by_connection {
            if results.contains_key(connection) || to_create.contains(connection) {
                continue;
            }
            if let Some(stored) = known.get(connection)
                && (expected.is_some() || adopted.contains(connection))
            {
                updates.insert(stored.ticket_id, state_properties(ticket));
            }
        }
        let vanished = match update(self.api, self.portal, "tickets", &updates).await {
            Ok(missing) => missing,
            Err(err) => return spread(by_connection, &Err(err.into())),
        };
        let creations: BTreeMap<String, Value> = to_create
            .iter()
            .filter_map(|c| {
                by_connection.get(c).map(|(_, (_, t, subject, _))| {
                    (c.clone(), self.ticket_input(t, subject.as_deref()))
                })
            })
            .collect();
        let created = match create(self.api, self.portal, "tickets", &creations).await {
            Ok(created) => created,
            Err(err) => return spread(by_connection, &Err(err.into())),
        };
        for (connection, (_, (_, wanted_ticket, _, expected))) in &by_connection {
            if results.contains_key(connection) {
                continue;
            }
            let result = match (known.get(connection), created.get(connection)) {
                (_, Some(Ok(new_id))) => {
                    let mut ticket = wanted_ticket.clone();
                    ticket.ticket_id = *new_id;
                    self.record_ticket(ticket).await
                }
                (_, Some(Err(e))) => Err(refused(format!(
                    "HubSpot refused the ticket: {}",
                    e.message
                ))),
                (Some(stored), None) if vanished.contains_key(&stored.ticket_id) => {
                    Err(Failure::Transient(format!(
                        "ticket {} vanished while updating it",
                        stored.ticket_id
                    )))
                }
                (Some(stored), None) if adopted.contains(connection) => {
                    let mut ticket = wanted_ticket.clone();
                    ticket.ticket_id = stored.ticket_id;
                    self.record_ticket(ticket).await
                }
                (Some(stored), None) if let Some(expected) = expected => {
                    let mut ticket = wanted_ticket.clone();
                    ticket.ticket_id = stored.ticket_id;
                    self.record_update(ticket, *expected).await
                }
                (Some(stored), None) => Ok(stored.clone()),
                (None, None) => Err(Failure::Transient(
                    "HubSpot did not answer for the ticket".into(),
                )),
            };
            results.insert(connection.clone(), result);
        }
        by_connection
            .into_iter()
            .flat_map(|(connection, (messages, (command, _, _, _)))| {
                let result = results
                    .get(&connection)
                    .cloned()
                    .unwrap_or_else(|| Err(Failure::Transient("ticket not written".into())));
                messages
                    .into_iter()
                    .map(move |m| (m, (command.clone(), result.clone())))
            })
            .collect()
    }

    /// Records an update's state unless another worker recorded one since `expected` was read;
    /// then this one fails transiently and its retry starts from the newer state (and writes
    /// it to HubSpot, over whatever this attempt wrote).
    async fn record_update(
        &self,
        ticket: DeetoTicket,
        expected: (i64, i64),
    ) -> Result<DeetoTicket, Failure> {
        match self
            .tickets
            .put_unless_changed(self.portal, &ticket, expected)
            .await
        {
            Ok(true) => Ok(ticket),
            Ok(false) => Err(Failure::Transient(format!(
                "connection {} was updated by another worker meanwhile; redone from its state",
                ticket.connection
            ))),
            Err(err) => Err(err.into()),
        }
    }

    pub(super) async fn record_ticket(&self, ticket: DeetoTicket) -> Result<DeetoTicket, Failure> {
        self.tickets
            .put(self.portal, &ticket)
            .await
            .map(|()| ticket)
            .map_err(Failure::from)
    }

    /// A new ticket: subject, the tenant's pipeline and stage, Deeto's properties, and its
    /// associations with the deal and both contacts.
    pub(in crate::writeback) fn ticket_input(
        &self,
        ticket: &DeetoTicket,
        subject: Option<&str>,
    ) -> Value {
        let mut props = state_properties(ticket);
        let subject = subject.map_or_else(|| default_subject(ticket), str::to_owned);
        props.insert("subject".into(), subject.into());
        props.insert("deeto_id".into(), ticket.connection.clone().into());
        props.insert(
            "hs_pipeline".into(),
            self.config.tickets.pipeline.clone().into(),
        );
        props.insert(
            "hs_pipeline_stage".into(),
            self.config.tickets.stage.clone().into(),
        );
        let to = |id: ObjectId, type_id: u64| {
            json!({"to": {"id": id.to_string()},
                   "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}]})
        };
        let mut associations = vec![to(ticket.deal_id, TICKET_TO_DEAL)];
        associations.extend(ticket.contacts.iter().map(|c| to(*c, TICKET_TO_CONTACT)));
        json!({"properties": props, "associations": associations})
    }
}

/// The properties an update may change: the connection's status and type.
pub(super) fn state_properties(ticket: &DeetoTicket) -> Properties {
    let mut props = Properties::new();
    props.insert("deeto_status".into(), ticket.status.clone().into());
    props.insert("deeto_type".into(), ticket.kind.clone().into());
    props
}

fn default_subject(ticket: &DeetoTicket) -> String {
    format!(
        "Deeto reference connection ({})",
        ticket.kind.replace('_', " ")
    )
}

/// The same outcome for every message of every connection.
fn spread(
    by_connection: BTreeMap<String, (Vec<String>, Wanted)>,
    result: &Result<DeetoTicket, Failure>,
) -> BTreeMap<String, Written> {
    by_connection
        .into_values()
        .flat_map(|(messages, (command, _, _, _))| {
            messages
                .into_iter()
                .map(move |m| (m, (command.clone(), result.clone())))
        })
        .collect()
}
