//! Building what the tab shows from Deeto's stores alone (DynamoDB in production): never a
//! HubSpot call, so the answer's latency does not depend on HubSpot. A deal's suggestions
//! come from the portal's reference pool (`pool`), one stored item, not from every reference.

use std::collections::BTreeSet;

use futures::{StreamExt, TryStreamExt};

use super::person;
use super::pool::PoolKeeper;
use super::query::MatchCriteria;
use super::suggest::{MAX_SUGGESTIONS, suggest};
use super::view::{
    Activity, CompanyView, ConnectionView, ContactView, DealView, RecordView, ReferenceStatus,
    ReferenceSummary, Suggestion,
};
use crate::domain::ids::{ObjectId, PortalId};
use crate::install::properties::INTERACTION_TYPES;
use crate::ports::{CardState, DeetoTicket, StoreError, TicketStore};
use crate::sync::ports::RecordStore;
use crate::sync::record::{CrmObject, DeetoRecord, Role};
use crate::sync::relevance::{ClosedStages, is_active_tracked_deal};

/// Connections listed per record.
pub const MAX_CONNECTIONS: usize = 25;
/// References listed on a company.
pub const MAX_COMPANY_REFERENCES: usize = 25;
/// Best matches re-read before they are shown: room for a few that stopped being references
/// since the pool was built.
const SHORTLIST: usize = 4 * MAX_SUGGESTIONS;
/// Store reads in flight at once while summarising references.
const READS_IN_FLIGHT: usize = 8;

/// The stores the tab reads.
#[derive(Clone, Copy)]
pub struct CardReader<'a> {
    pub records: &'a dyn RecordStore,
    pub tickets: &'a dyn TicketStore,
    pub state: &'a dyn CardState,
    /// The portal's reference pool, which a deal's suggestions are matched against.
    pub pools: PoolKeeper<'a>,
    pub now_ms: i64,
}

impl std::fmt::Debug for CardReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardReader").finish_non_exhaustive()
    }
}

impl CardReader<'_> {
    /// The record as Deeto stores it, if it does.
    pub async fn record(
        &self,
        portal: PortalId,
        object: CrmObject,
        id: ObjectId,
    ) -> Result<Option<DeetoRecord>, StoreError> {
        Ok(self.records.get_many(portal, object, &[id]).await?.pop())
    }

    pub async fn view(
        &self,
        record: Option<&DeetoRecord>,
        portal: PortalId,
        (object, id): (CrmObject, ObjectId),
        closed: &ClosedStages,
        hints: &MatchCriteria,
    ) -> Result<RecordView, StoreError> {
        let record = record.filter(|r| !r.is_gone());
        Ok(match object {
            CrmObject::Contact => {
                RecordView::Contact(self.contact(record, portal, id, closed).await?)
            }
            CrmObject::Company => RecordView::Company(self.company(record, portal).await?),
            CrmObject::Deal => RecordView::Deal(self.deal(record, portal, id, hints).await?),
        })
    }

    async fn contact(
        &self,
        record: Option<&DeetoRecord>,
        portal: PortalId,
        id: ObjectId,
        closed: &ClosedStages,
    ) -> Result<ContactView, StoreError> {
        let reference_status = match record {
            Some(r) if r.has_role(Role::Reference) => ReferenceStatus::Reference,
            Some(r) if r.has_role(Role::Lead) => ReferenceStatus::Lead,
            Some(r) if self.on_active_deal(r, portal, closed).await? => ReferenceStatus::Prospect,
            _ => ReferenceStatus::None,
        };
        let connections = self
            .tickets
            .for_contact(portal, id, MAX_CONNECTIONS)
            .await?;
        Ok(ContactView {
            reference_status,
            deeto_id: record.and_then(|r| r.deeto_id.clone()),
            connections: connections.iter().map(connection_view).collect(),
        })
    }

    /// A prospect: a contact on a deal Deeto tracks that is still open.
    async fn on_active_deal(
        &self,
        contact: &DeetoRecord,
        portal: PortalId,
        closed: &ClosedStages,
    ) -> Result<bool, StoreError> {
        let deals = contact.linked(CrmObject::Deal);
        if deals.is_empty() {
            return Ok(false);
        }
        let deals = self
            .records
            .get_many(portal, CrmObject::Deal, &deals)
            .await?;
        Ok(deals.iter().any(|d| is_active_tracked_deal(d, closed)))
    }

    async fn company(
        &self,
        record: Option<&DeetoRecord>,
        portal: PortalId,
    ) -> Result<CompanyView, StoreError> {
        let contacts = record
            .map(|r| r.linked(CrmObject::Contact))
            .unwrap_or_default();
        let contacts = self
            .records
            .get_many(portal, CrmObject::Contact, &contacts)
            .await?;
        let mut references: Vec<&DeetoRecord> = (contacts.iter())
            .filter(|c| !c.is_gone() && c.has_role(Role::Reference))
            .collect();
        references.sort_by_key(|c| person::name(c));
        references.truncate(MAX_COMPANY_REFERENCES);
        // Futures built first: a stream combinator's closure over borrowed records would make
        // the handler's future not `Send` (a known limit of higher-ranked closures).
        let reads: Vec<_> = (references.into_iter())
            .map(|contact| self.summary(portal, contact))
            .collect();
        let references = futures::stream::iter(reads)
            .buffered(READS_IN_FLIGHT)
            .try_collect()
            .await?;
        Ok(CompanyView {
            deeto_id: record.and_then(|r| r.deeto_id.clone()),
            references,
        })
    }

    async fn summary(
        &self,
        portal: PortalId,
        contact: &DeetoRecord,
    ) -> Result<ReferenceSummary, StoreError> {
        let id = contact.key.object_id;
        let connections = self
            .tickets
            .for_contact(portal, id, MAX_CONNECTIONS)
            .await?;
        // HubSpot ticket ids grow over time: the highest is the newest connection's.
        let last_activity = connections
            .iter()
            .max_by_key(|t| t.ticket_id)
            .map(|t| Activity {
                kind: t.kind.clone(),
                kind_label: kind_label(&t.kind),
                status: t.status.clone(),
            });
        Ok(ReferenceSummary {
            contact_id: id.to_string(),
            name: person::name(contact),
            email: person::email(contact),
            job_title: person::job_title(contact),
            deeto_id: contact.deeto_id.clone(),
            connections: connections.len(),
            last_activity,
        })
    }

    async fn deal(
        &self,
        record: Option<&DeetoRecord>,
        portal: PortalId,
        id: ObjectId,
        hints: &MatchCriteria,
    ) -> Result<DealView, StoreError> {
        // Independent reads, in flight together: the answer waits for the slowest, not the sum.
        let (connections, criteria, pool, requested) = futures::try_join!(
            self.tickets.for_deal(portal, id, MAX_CONNECTIONS),
            async {
                match hints.is_empty() {
                    true => self.deal_criteria(record, portal).await,
                    false => Ok(hints.clone()),
                }
            },
            self.pools.current(portal, self.now_ms),
            self.state.requested_references(portal, id),
        )?;
        // Nobody already on the deal, on either side, is suggested for it.
        let mut exclude: BTreeSet<ObjectId> = connections
            .iter()
            .flat_map(|t| t.contacts.iter().copied())
            .collect();
        exclude.extend(
            record
                .map(|r| r.linked(CrmObject::Contact))
                .unwrap_or_default(),
        );
        let suggestions = match criteria.is_empty() {
            true => Vec::new(),
            false => {
                let matched = suggest(&criteria, &pool.references, &exclude, &requested);
                self.still_references(portal, matched).await?
            }
        };
        Ok(DealView {
            deeto_id: record.and_then(|r| r.deeto_id.clone()),
            connections: connections.iter().map(connection_view).collect(),
            match_criteria: criteria,
            suggestions,
        })
    }

    /// The pool may be minutes old: the best matches are re-read (one batch) and only those
    /// still live references are shown.
    async fn still_references(
        &self,
        portal: PortalId,
        matched: Vec<Suggestion>,
    ) -> Result<Vec<Suggestion>, StoreError> {
        let shortlist: Vec<Suggestion> = matched.into_iter().take(SHORTLIST).collect();
        let ids: Vec<ObjectId> = (shortlist.iter())
            .filter_map(|s| s.contact_id.parse().ok().map(ObjectId))
            .collect();
        let live: BTreeSet<String> = (self.records)
            .get_many(portal, CrmObject::Contact, &ids)
            .await?
            .into_iter()
            .filter(|c| !c.is_gone() && c.has_role(Role::Reference))
            .map(|c| c.key.object_id.to_string())
            .collect();
        Ok(shortlist
            .into_iter()
            .filter(|s| live.contains(&s.contact_id))
            .take(MAX_SUGGESTIONS)
            .collect())
    }

    /// The deal's company as Deeto knows it: the first company of the deal's contacts that
    /// has an industry or a size.
    async fn deal_criteria(
        &self,
        deal: Option<&DeetoRecord>,
        portal: PortalId,
    ) -> Result<MatchCriteria, StoreError> {
        let contacts = deal
            .map(|d| d.linked(CrmObject::Contact))
            .unwrap_or_default();
        let contacts = self
            .records
            .get_many(portal, CrmObject::Contact, &contacts)
            .await?;
        let companies: BTreeSet<ObjectId> = contacts
            .iter()
            .flat_map(|c| c.linked(CrmObject::Company))
            .collect();
        let companies: Vec<ObjectId> = companies.into_iter().collect();
        let companies = self
            .records
            .get_many(portal, CrmObject::Company, &companies)
            .await?;
        Ok(companies
            .iter()
            .filter(|c| !c.is_gone())
            .map(|c| MatchCriteria {
                industry: person::industry(None, Some(c)),
                company_size: person::company_size(Some(c)),
            })
            .find(|criteria| !criteria.is_empty())
            .unwrap_or_default())
    }
}

pub fn connection_view(ticket: &DeetoTicket) -> ConnectionView {
    ConnectionView {
        connection_id: ticket.connection.clone(),
        ticket_id: ticket.ticket_id.to_string(),
        deal_id: ticket.deal_id.to_string(),
        kind: ticket.kind.clone(),
        kind_label: kind_label(&ticket.kind),
        status: ticket.status.clone(),
    }
}

/// The label HubSpot shows for a `deeto_type` option; an unknown value shows as itself.
pub fn kind_label(kind: &str) -> String {
    INTERACTION_TYPES
        .iter()
        .find(|(value, _)| *value == kind)
        .map_or_else(|| kind.to_owned(), |(_, label)| (*label).to_owned())
}
