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
use crate::queue::Said;
use crate::sync::record::{CrmObject, RecordKey, Role};
use crate::sync::worker::Failure;

/// A ticket to bring to a state: the command, the ticket as it should be, a subject if given,
/// and, when an existing ticket's status and type are to be overwritten, the update orders
/// read before computing that state (the record is replaced only if they still hold).
type Wanted = (CommandId, DeetoTicket, Option<String>, Option<(i64, i64)>);

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
                status_order: 0,
                kind_order: 0,
            };
            tickets.insert(message.clone(), (id, ticket, command.subject.clone(), None));
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

    /// Updates, folded per connection in the order Deeto said them, so two updates in one
    /// batch (one the status, one the type) both take effect, and a field keeps the value of
    /// the newest update that set it, whatever order they arrive in: an older update delivered
    /// late (a retry, a redelivery) changes only what no newer one set. The state is recorded
    /// only if no other worker recorded an update meanwhile (else this one is retried from the
    /// newer state), so concurrent updates converge on the newest. An update whose connection
    /// is not known yet may have overtaken its creation on the queue: it is retried for a
    /// while, then refused.
    pub(super) async fn connections_updated(
        &self,
        mut commands: Vec<(String, ConnectionUpdated, Said)>,
    ) -> Results {
        commands.sort_by_key(|(message, _, said)| (*said, message.clone()));
        let mut tickets: BTreeMap<String, Wanted> = BTreeMap::new();
        let mut current: BTreeMap<String, DeetoTicket> = BTreeMap::new();
        // Per connection, the orders as read: the state written assumes them.
        let mut read: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        let mut results = Vec::new();
        for (message, command, said) in commands {
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
                    let expected = *read
                        .entry(command.deeto_id.clone())
                        .or_insert((ticket.status_order, ticket.kind_order));
                    if !apply_update(&mut ticket, &command, said) {
                        // Still written: an earlier attempt of this update may have reached
                        // HubSpot after the newer one did.
                        tracing::info!(command = %id, connection = %command.deeto_id,
                            "superseded by a newer update; the newer state is written");
                    }
                    current.insert(command.deeto_id.clone(), ticket.clone());
                    tickets.insert(message, (id, ticket, None, Some(expected)));
                }
                Ok(None) if self.now_ms - said.at_ms < CREATION_GRACE_MS => {
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

/// Applies what `command` says to the fields no newer update set; false when it said
/// something and all of it was superseded (the ticket is then left as it was). An update that names no field (a reconcile repair)
/// still brings the ticket to its recorded state.
fn apply_update(ticket: &mut DeetoTicket, command: &ConnectionUpdated, said: Said) -> bool {
    let mut applied = command.status.is_none() && command.connection_type.is_none();
    if let Some(status) = &command.status
        && said.order >= ticket.status_order
    {
        ticket.status = status.clone();
        ticket.status_order = said.order;
        applied = true;
    }
    if let Some(kind) = command.connection_type
        && said.order >= ticket.kind_order
    {
        ticket.kind = kind.option().to_owned();
        ticket.kind_order = said.order;
        applied = true;
    }
    applied
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::InteractionType;

    fn ticket() -> DeetoTicket {
        DeetoTicket {
            ticket_id: ObjectId(1),
            connection: "conn-1".into(),
            deal_id: ObjectId(2),
            contacts: vec![ObjectId(3)],
            status: "scheduled".into(),
            kind: "meeting".into(),
            status_order: 0,
            kind_order: 0,
        }
    }

    fn update(status: Option<&str>, kind: Option<InteractionType>) -> ConnectionUpdated {
        ConnectionUpdated {
            id: CommandId("u".into()),
            deeto_id: "conn-1".into(),
            status: status.map(str::to_owned),
            connection_type: kind,
        }
    }

    #[test]
    fn a_field_keeps_the_newest_value_whatever_order_updates_arrive_in() {
        let (older, newer) = (Said::new(1_000, 0), Said::new(1_000, 1));
        let mut ticket = ticket();

        assert!(apply_update(
            &mut ticket,
            &update(Some("cancelled"), None),
            newer
        ));
        let late = update(Some("completed"), Some(InteractionType::UserStory));
        assert!(
            apply_update(&mut ticket, &late, older),
            "its type is still news"
        );

        assert_eq!(ticket.status, "cancelled");
        assert_eq!(ticket.kind, "user_story");
        assert_eq!(
            (ticket.status_order, ticket.kind_order),
            (newer.order, older.order)
        );
    }

    #[test]
    fn an_update_wholly_superseded_changes_nothing_and_says_so() {
        let mut ticket = ticket();
        assert!(apply_update(
            &mut ticket,
            &update(Some("done"), None),
            Said::at(2_000)
        ));
        let before = ticket.clone();

        assert!(!apply_update(
            &mut ticket,
            &update(Some("late"), None),
            Said::at(1_000)
        ));
        assert_eq!(ticket, before);
        // The same update again (a redelivery) is not older: it applies, harmlessly.
        assert!(apply_update(
            &mut ticket,
            &update(Some("done"), None),
            Said::at(2_000)
        ));
        assert_eq!(ticket, before);
    }

    #[test]
    fn a_repair_that_names_no_field_still_restores_the_ticket() {
        let mut ticket = ticket();
        ticket.status_order = 5_000_000;
        assert!(apply_update(&mut ticket, &update(None, None), Said::at(1)));
        assert_eq!(ticket.status, "scheduled");
    }
}
