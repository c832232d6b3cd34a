//! `connection.created` and `connection.updated`: the deal gets `deeto_id` and becomes tracked
//! (its contacts are prospects for the sync worker), and a Ticket records the interaction,
//! associated with the deal and both contacts. An update changes the ticket's `deeto_status`
//! and `deeto_type`, re-creating the ticket if someone removed it.

mod claims;
mod deals;
mod tickets;

use std::collections::BTreeMap;

use super::batch::{Properties, update};
use super::{Results, Writer, deeto_id, fail_all, refused};
use crate::commands::{CommandId, ConnectionCreated, ConnectionUpdated};
use crate::domain::ids::ObjectId;
use crate::ports::DeetoTicket;
use crate::sync::record::{CrmObject, RecordKey, Role};
use crate::sync::worker::Failure;

/// A ticket to bring to a state: the command, the ticket as it should be, a subject if given,
/// and whether an existing ticket's status and type are to be overwritten.
type Wanted = (CommandId, DeetoTicket, Option<String>, bool);

/// How long an update may wait for its connection's creation (a standard queue does not keep
/// order): about the sync queue's five deliveries.
const CREATION_GRACE_MS: i64 = 15 * 60_000;

impl Writer<'_> {
    pub(super) async fn connections_created(
        &self,
        commands: Vec<(String, ConnectionCreated)>,
    ) -> Results {
        if commands.is_empty() {
            return Vec::new();
        }
        let deals = match self.resolve_deals(&commands).await {
            Ok(deals) => deals,
            Err(err) => return fail_all(commands, err),
        };
        let writes: BTreeMap<ObjectId, Properties> = commands
            .iter()
            .filter_map(|(_, c)| {
                deals
                    .get(&c.id.0)
                    .copied()
                    .map(|deal| (deal, deeto_id(&c.deeto_id)))
            })
            .collect();
        let missing = match update(self.api, self.portal, "deals", &writes).await {
            Ok(missing) => missing,
            Err(err) => return fail_all(commands, err.into()),
        };
        let mut tickets = BTreeMap::new();
        let mut results = Vec::new();
        for (message, command) in commands {
            let id = command.id.clone();
            let Some(deal) = deals.get(&id.0).copied() else {
                let reason = format!(
                    "prospect {} has no open deal; name one with dealId",
                    command.prospect_contact_id
                );
                results.push((message, id, Err(refused(reason))));
                continue;
            };
            if missing.contains_key(&deal) {
                results.push((
                    message,
                    id,
                    Err(refused(format!("deal {deal} does not exist in HubSpot"))),
                ));
                continue;
            }
            let ticket = DeetoTicket {
                ticket_id: ObjectId(0),
                connection: command.deeto_id.clone(),
                deal_id: deal,
                contacts: vec![command.prospect_contact_id, command.reference_contact_id],
                status: command.status.clone(),
                kind: command.connection_type.option().to_owned(),
            };
            tickets.insert(
                message.clone(),
                (id, ticket, command.subject.clone(), false),
            );
        }
        let written = self.write_tickets(tickets).await;
        for (message, (id, result)) in written {
            let result = match result {
                Ok(ticket) => self.record_connection(&ticket).await,
                Err(failure) => Err(failure),
            };
            results.push((message, id, result));
        }
        results
    }

    /// Updates, folded per connection in the order they were received, so two updates in one
    /// batch (one the status, one the type) both take effect. An update whose connection is
    /// not known yet may have overtaken its creation on the queue: it is retried for a while,
    /// then refused with its reason.
    pub(super) async fn connections_updated(
        &self,
        mut commands: Vec<(String, ConnectionUpdated, i64)>,
    ) -> Results {
        commands.sort_by_key(|(message, _, received_at)| (*received_at, message.clone()));
        let mut tickets: BTreeMap<String, Wanted> = BTreeMap::new();
        let mut current: BTreeMap<String, DeetoTicket> = BTreeMap::new();
        let mut results = Vec::new();
        for (message, command, received_at) in commands {
            let id = command.id.clone();
            let stored = match current.get(&command.deeto_id) {
                Some(ticket) => Ok(Some(ticket.clone())),
                None => {
                    self.tickets
                        .for_connection(self.portal, &command.deeto_id)
                        .await
                }
            };
            match stored {
                Ok(Some(mut ticket)) => {
                    if let Some(status) = &command.status {
                        ticket.status = status.clone();
                    }
                    if let Some(kind) = command.connection_type {
                        ticket.kind = kind.option().to_owned();
                    }
                    current.insert(command.deeto_id.clone(), ticket.clone());
                    tickets.insert(message, (id, ticket, None, true));
                }
                Ok(None) if self.now_ms - received_at < CREATION_GRACE_MS => {
                    let wait = format!(
                        "connection {} is not created yet; waiting for its connection.created",
                        command.deeto_id
                    );
                    results.push((message, id, Err(Failure::Transient(wait))));
                }
                Ok(None) => {
                    let reason = format!(
                        "unknown connection {}: no connection.created was carried out for it",
                        command.deeto_id
                    );
                    results.push((message, id, Err(refused(reason))));
                }
                Err(err) => results.push((message, id, Err(err.into()))),
            }
        }
        // Every message of a connection wants the connection's final state.
        for (_, ticket, _, _) in tickets.values_mut() {
            if let Some(last) = current.get(&ticket.connection) {
                *ticket = last.clone();
            }
        }
        for (message, (id, result)) in self.write_tickets(tickets).await {
            results.push((message, id, result.map(|_| ())));
        }
        results
    }

    /// Deeto's records: the deal tracked with the connection's id, linked to both contacts.
    async fn record_connection(&self, ticket: &DeetoTicket) -> Result<(), Failure> {
        let deal = RecordKey::new(self.portal, CrmObject::Deal, ticket.deal_id);
        self.records
            .assign_role(deal, Role::Deal, Some(&ticket.connection), self.now_ms)
            .await?;
        for contact in &ticket.contacts {
            let contact = RecordKey::new(self.portal, CrmObject::Contact, *contact);
            self.records
                .set_link(contact, deal, true, self.now_ms)
                .await?;
        }
        Ok(())
    }
}
