//! The write guard: every request to a customer's HubSpot passes this allowlist before it is
//! sent. Deeto promises to write in exactly four situations and to delete nothing, ever; this
//! module is the single source of truth for what that means on the wire. Anything not listed
//! here is refused with [`HubSpotErrorKind::Refused`] (permanent) and never reaches HubSpot.
//!
//! `{v}` is [`API_VERSION`]; ids are decimal digits; object types are HubSpot's plural names
//! (`contacts`, `companies`, `deals`, `tickets`: no `0-1` aliases, no singular forms).
//!
//! | what | method and path | body |
//! |---|---|---|
//! | read | `GET` any path | — |
//! | read | `POST /crm/objects/{v}/{type}/batch/read`, `POST /crm/objects/{v}/{type}/search`, `POST /crm/associations/{v}/{from}/{to}/batch/read`, `POST /crm/properties/{v}/{type}/batch/read` | anything |
//! | 1. link a record | `PATCH /crm/objects/{v}/{contacts\|companies\|deals}/{id}`, `POST .../{contacts\|companies\|deals}/batch/update` | properties ⊆ {`deeto_id`} |
//! | 2. create a lead | `POST /crm/objects/{v}/contacts`, `POST .../contacts/batch/create` | properties ⊆ {`email`, `firstname`, `lastname`, `company`, `jobtitle`, `deeto_id`}, `email` required, no associations |
//! | 3. create a ticket | `POST /crm/objects/{v}/tickets`, `POST .../tickets/batch/create` | properties ⊆ [`TICKET_PROPERTIES`]; associations only HubSpot-defined ticket→contact (16) or ticket→deal (28) |
//! | 3. update a ticket | `PATCH /crm/objects/{v}/tickets/{id}`, `POST .../tickets/batch/update` | properties ⊆ [`TICKET_PROPERTIES`]; every id a ticket Deeto created ([`TicketStore::owns`]) |
//! | 3. associate a ticket | `PUT /crm/objects/{v}/tickets/{id}/associations/default/{contacts\|deals}/{toId}`, `POST /crm/associations/{v}/tickets/{contacts\|deals}/batch/associate/default` | no body / `{inputs: [{from: {id}, to: {id}}]}`; every ticket Deeto's, every target its own connection's deal or one of its two contacts ([`TicketStore::connection_of`]) |
//! | 4. install's schema | `POST /crm/properties/{v}/{type}/groups` | `name` = `deeto` (types of [`owned_properties`]) |
//! | 4. install's schema | `POST /crm/properties/{v}/{type}`, `POST .../batch/create` | `name` one of [`owned_properties`] for that type, `groupName` = `deeto` |
//!
//! Everything else is refused: archive and merge endpoints, association removal, any other
//! property, object type or path, `PUT`/`PATCH` anywhere else, query parameters on a write,
//! `idProperty` on a write (it would re-address the record), and any path that is odd (not
//! absolute, empty or `.`/`..` segments, a trailing slash, `%`-encoding, `?`, or any character
//! other than ASCII letters, digits, `-` and `_`). Bodies are checked field by field; a body
//! that cannot be checked (missing, not an object, an unknown key) is refused. Property values
//! must be strings. A failure to ask the ticket store is retryable, never a refusal.
//!
//! Integration tests check the simulator's journal against an independent copy of this list
//! (`tests/tests/integration/write_scope.rs`): change both, and the promise, together.
//!
//! [`owned_properties`]: crate::install::properties::owned_properties
//! [`API_VERSION`]: super::version::API_VERSION

mod bodies;
mod rules;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use async_trait::async_trait;
use futures::future::join_all;

use super::error::{HubSpotError, HubSpotErrorKind};
use crate::domain::ids::{ObjectId, PortalId};
use crate::ports::{ApiRequest, ApiResponse, HubSpotApi, TicketStore};

pub use rules::{LEAD_PROPERTIES, LINK_PROPERTIES, TICKET_PROPERTIES};

/// A [`HubSpotApi`] that sends only the writes the allowlist above permits.
pub struct WriteGuard {
    inner: Arc<dyn HubSpotApi>,
    tickets: Arc<dyn TicketStore>,
}

impl std::fmt::Debug for WriteGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteGuard").finish_non_exhaustive()
    }
}

impl WriteGuard {
    /// Guards `inner`; `tickets` says which tickets Deeto created.
    pub fn new(inner: Arc<dyn HubSpotApi>, tickets: Arc<dyn TicketStore>) -> Self {
        Self { inner, tickets }
    }

    /// The tickets among `tickets` that Deeto did not create. Not knowing is not a "no": a
    /// store failure is retryable, since the same request may pass once the store answers.
    async fn foreign_tickets(
        &self,
        portal: PortalId,
        tickets: &BTreeSet<ObjectId>,
    ) -> Result<Vec<ObjectId>, HubSpotError> {
        let answers = join_all(tickets.iter().map(|id| self.tickets.owns(portal, *id))).await;
        let mut foreign = Vec::new();
        for (id, answer) in tickets.iter().zip(answers) {
            match answer {
                Ok(true) => {}
                Ok(false) => foreign.push(*id),
                Err(err) => return Err(store_down(&err)),
            }
        }
        Ok(foreign)
    }

    /// Why any of these associations is not between a Deeto ticket and its own connection's
    /// deal or contacts; `None` when all are.
    async fn misassociated(
        &self,
        portal: PortalId,
        pairs: &[(ObjectId, rules::Target, ObjectId)],
    ) -> Result<Option<String>, HubSpotError> {
        let tickets: BTreeSet<ObjectId> = pairs.iter().map(|(ticket, _, _)| *ticket).collect();
        let looked_up = join_all(
            tickets
                .iter()
                .map(|id| self.tickets.connection_of(portal, *id)),
        )
        .await;
        let mut connections = BTreeMap::new();
        for (id, answer) in tickets.iter().zip(looked_up) {
            match answer {
                Ok(Some(connection)) => {
                    connections.insert(*id, connection);
                }
                Ok(None) => return Ok(Some(format!("ticket {id} was not created by Deeto"))),
                Err(err) => return Err(store_down(&err)),
            }
        }
        for (ticket, target, to) in pairs {
            let Some(connection) = connections.get(ticket) else {
                continue;
            };
            let theirs = match target {
                rules::Target::Deal => connection.deal_id == *to,
                rules::Target::Contact => connection.contacts.contains(to),
            };
            if !theirs {
                return Ok(Some(format!(
                    "ticket {ticket} belongs to connection {}: {target:?} {to} is not one of its records",
                    connection.connection
                )));
            }
        }
        Ok(None)
    }
}

/// Not knowing is not a "no": the same request may pass once the store answers.
fn store_down(err: &impl std::fmt::Display) -> HubSpotError {
    HubSpotError::new(
        HubSpotErrorKind::Upstream,
        None,
        format!("write guard cannot check ticket ownership: {err}"),
    )
}

/// The refusal as callers see it, logged once: a refused request is a bug in Deeto.
fn refuse(portal: PortalId, request: &ApiRequest, reason: &str) -> HubSpotError {
    let method = rules::method_name(request.method);
    tracing::error!(portal_id = %portal, method, path = %request.path, reason, "write guard refused a HubSpot request");
    HubSpotError::new(
        HubSpotErrorKind::Refused,
        None,
        format!("write guard refused {method} {}: {reason}", request.path),
    )
}

#[async_trait]
impl HubSpotApi for WriteGuard {
    async fn send(
        &self,
        portal: PortalId,
        request: ApiRequest,
    ) -> Result<ApiResponse, HubSpotError> {
        match rules::check(&request) {
            Err(rules::Refusal(reason)) => return Err(refuse(portal, &request, &reason)),
            Ok(rules::Verdict::Allowed) => {}
            Ok(rules::Verdict::IfOwned(tickets)) => {
                let foreign = self.foreign_tickets(portal, &tickets).await?;
                if !foreign.is_empty() {
                    let ids: Vec<String> = foreign.iter().map(ToString::to_string).collect();
                    let reason = format!("tickets {} were not created by Deeto", ids.join(", "));
                    return Err(refuse(portal, &request, &reason));
                }
            }
            Ok(rules::Verdict::IfTheirs(pairs)) => {
                if let Some(reason) = self.misassociated(portal, &pairs).await? {
                    return Err(refuse(portal, &request, &reason));
                }
            }
        }
        self.inner.send(portal, request).await
    }
}

#[cfg(test)]
mod tests;
