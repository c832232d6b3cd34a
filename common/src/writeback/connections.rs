//! `connection.created` and `connection.updated`: the deal gets `deeto_id` and becomes tracked
//! (its contacts are prospects for the sync worker), and a Ticket records the interaction,
//! associated with the deal and both contacts. An update changes the ticket's `deeto_status`
//! and `deeto_type`, re-creating the ticket if someone removed it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::batch::{Properties, create, read, search_equal, update};
use super::{Results, Writer, deeto_id, fail_all, refused};
use crate::commands::{CommandId, ConnectionCreated, ConnectionUpdated};
use crate::domain::ids::ObjectId;
use crate::ports::DeetoTicket;
use crate::sync::reads::read_associations;
use crate::sync::record::{CrmObject, RecordKey, Role};
use crate::sync::relevance::DealOutcome;
use crate::sync::worker::Failure;

/// A ticket to bring to a state: the command, the ticket as it should be, a subject if given.
type Wanted = (CommandId, DeetoTicket, Option<String>);
/// The command and the ticket as recorded, or why not.
type Written = (CommandId, Result<DeetoTicket, Failure>);

/// HubSpot-defined association types from a ticket (hubspot-api.md §4.3).
const TICKET_TO_CONTACT: u64 = 16;
const TICKET_TO_DEAL: u64 = 28;

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
            tickets.insert(message.clone(), (id, ticket, command.subject.clone()));
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

    pub(super) async fn connections_updated(
        &self,
        commands: Vec<(String, ConnectionUpdated)>,
    ) -> Results {
        let mut tickets = BTreeMap::new();
        let mut results = Vec::new();
        for (message, command) in commands {
            let id = command.id.clone();
            match self
                .tickets
                .for_connection(self.portal, &command.deeto_id)
                .await
            {
                Ok(Some(mut ticket)) => {
                    if let Some(status) = &command.status {
                        ticket.status = status.clone();
                    }
                    if let Some(kind) = command.connection_type {
                        ticket.kind = kind.option().to_owned();
                    }
                    tickets.insert(message, (id, ticket, None));
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
        for (message, (id, result)) in self.write_tickets(tickets).await {
            results.push((message, id, result.map(|_| ())));
        }
        results
    }

    /// The deal of each command (by command id): the one named, or the prospect's open deal
    /// (the newest, when several are open). Commands whose prospect has none are absent.
    async fn resolve_deals(
        &self,
        commands: &[(String, ConnectionCreated)],
    ) -> Result<BTreeMap<String, ObjectId>, Failure> {
        let mut deals: BTreeMap<String, ObjectId> = commands
            .iter()
            .filter_map(|(_, c)| c.deal_id.map(|d| (c.id.0.clone(), d)))
            .collect();
        let prospects: Vec<ObjectId> = commands
            .iter()
            .filter(|(_, c)| c.deal_id.is_none())
            .map(|(_, c)| c.prospect_contact_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if prospects.is_empty() {
            return Ok(deals);
        }
        let associated =
            read_associations(self.api, self.portal, "contacts", "deals", &prospects).await?;
        let candidates: BTreeSet<String> = associated
            .values()
            .flatten()
            .map(|a| a.id.to_string())
            .collect();
        let stages = read(
            self.api,
            self.portal,
            "deals",
            &candidates,
            None,
            &["dealstage", "pipeline"],
        )
        .await?;
        let open = |deal: &ObjectId| {
            stages.get(&deal.to_string()).is_some_and(|(_, props)| {
                let text = |name: &str| props.get(name).and_then(Value::as_str);
                self.config
                    .closed_stages
                    .outcome(text("pipeline"), text("dealstage"))
                    == DealOutcome::Open
            })
        };
        for (_, command) in commands.iter().filter(|(_, c)| c.deal_id.is_none()) {
            let newest_open = associated
                .get(&command.prospect_contact_id)
                .into_iter()
                .flatten()
                .map(|a| a.id)
                .filter(open)
                .max();
            if let Some(deal) = newest_open {
                deals.insert(command.id.0.clone(), deal);
            }
        }
        Ok(deals)
    }

    /// Brings each connection's ticket to the given state: updated when Deeto's ticket still
    /// exists, created (with its associations) when there is none or someone removed it.
    /// Returns each ticket as recorded.
    async fn write_tickets(&self, wanted: BTreeMap<String, Wanted>) -> BTreeMap<String, Written> {
        let mut outcome = BTreeMap::new();
        if wanted.is_empty() {
            return outcome;
        }
        // Which connections already have a ticket, and does it still exist?
        let mut known: BTreeMap<String, DeetoTicket> = BTreeMap::new();
        for (message, (id, ticket, _)) in &wanted {
            match self
                .tickets
                .for_connection(self.portal, &ticket.connection)
                .await
            {
                Ok(Some(stored)) => {
                    known.insert(message.clone(), stored);
                }
                Ok(None) => {}
                Err(err) => {
                    outcome.insert(message.clone(), (id.clone(), Err(err.into())));
                }
            }
        }
        // A ticket created by an attempt that failed before recording it carries the
        // connection's `deeto_id`: find it rather than create a second one.
        let unrecorded: BTreeSet<String> = wanted
            .iter()
            .filter(|(m, _)| !known.contains_key(*m) && !outcome.contains_key(*m))
            .map(|(_, (_, ticket, _))| ticket.connection.clone())
            .collect();
        if !unrecorded.is_empty() {
            match search_equal(self.api, self.portal, "tickets", "deeto_id", &unrecorded).await {
                Ok(orphans) => {
                    for (message, (command, ticket, _)) in &wanted {
                        let Some(id) = orphans.get(&ticket.connection) else {
                            continue;
                        };
                        let mut adopted = ticket.clone();
                        adopted.ticket_id = *id;
                        // Recorded first: the guard lets Deeto update only tickets it owns.
                        match self.tickets.put(self.portal, &adopted).await {
                            Ok(()) => {
                                known.insert(message.clone(), adopted);
                            }
                            Err(err) => {
                                outcome.insert(message.clone(), (command.clone(), Err(err.into())));
                            }
                        }
                    }
                }
                Err(err) => return fail_tickets(wanted, err.into()),
            }
        }
        let ids: BTreeSet<String> = known.values().map(|t| t.ticket_id.to_string()).collect();
        let alive = if ids.is_empty() {
            BTreeMap::new()
        } else {
            match read(self.api, self.portal, "tickets", &ids, None, &["deeto_id"]).await {
                Ok(found) => found,
                Err(err) => return fail_tickets(wanted, err.into()),
            }
        };
        let mut updates: BTreeMap<ObjectId, Properties> = BTreeMap::new();
        let mut creations: BTreeMap<String, Value> = BTreeMap::new();
        for (message, (_, ticket, subject)) in &wanted {
            if outcome.contains_key(message) {
                continue;
            }
            match known.get(message) {
                Some(stored) if alive.contains_key(&stored.ticket_id.to_string()) => {
                    updates.insert(stored.ticket_id, state_properties(ticket));
                }
                _ => {
                    let input = self.ticket_input(ticket, subject.as_deref());
                    creations.insert(message.clone(), input);
                }
            }
        }
        let missing = match update(self.api, self.portal, "tickets", &updates).await {
            Ok(missing) => missing,
            Err(err) => return fail_tickets(wanted, err.into()),
        };
        let created = if creations.is_empty() {
            BTreeMap::new()
        } else {
            match create(self.api, self.portal, "tickets", &creations).await {
                Ok(created) => created,
                Err(err) => return fail_tickets(wanted, err.into()),
            }
        };
        for (message, (id, mut ticket, _)) in wanted {
            if outcome.contains_key(&message) {
                continue;
            }
            let result = match (known.get(&message), created.get(&message)) {
                (_, Some(Ok(new_id))) => {
                    ticket.ticket_id = *new_id;
                    // Recorded at once: the guard allows later updates only to Deeto's tickets.
                    self.tickets
                        .put(self.portal, &ticket)
                        .await
                        .map(|()| ticket)
                        .map_err(Failure::from)
                }
                (_, Some(Err(e))) => Err(refused(format!(
                    "HubSpot refused the ticket: {}",
                    e.message
                ))),
                (Some(stored), None) if missing.contains_key(&stored.ticket_id) => {
                    Err(Failure::Transient(format!(
                        "ticket {} vanished while updating it",
                        stored.ticket_id
                    )))
                }
                (Some(stored), None) => {
                    ticket.ticket_id = stored.ticket_id;
                    self.tickets
                        .put(self.portal, &ticket)
                        .await
                        .map(|()| ticket)
                        .map_err(Failure::from)
                }
                (None, None) => Err(Failure::Transient(
                    "HubSpot did not answer for the ticket".into(),
                )),
            };
            outcome.insert(message, (id, result));
        }
        outcome
    }

    /// A new ticket: subject, the tenant's pipeline and stage, Deeto's properties, and its
    /// associations with the deal and both contacts.
    pub(super) fn ticket_input(&self, ticket: &DeetoTicket, subject: Option<&str>) -> Value {
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

/// The properties an update may change: the connection's status and type.
fn state_properties(ticket: &DeetoTicket) -> Properties {
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

fn fail_tickets(wanted: BTreeMap<String, Wanted>, failure: Failure) -> BTreeMap<String, Written> {
    wanted
        .into_iter()
        .map(|(message, (id, _, _))| (message, (id, Err(failure.clone()))))
        .collect()
}
