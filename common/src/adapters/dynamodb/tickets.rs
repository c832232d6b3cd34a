//! [`TicketStore`] over DynamoDB: per ticket Deeto created, an ownership item
//! (`PORTAL#{portal}` / `TICKET#ID#{ticket_id}`) that the write guard reads, and per
//! connection the current ticket (`TICKET#CONN#{connection}`: ticket id, deal id, contact ids,
//! last status and type, and the order of the updates that set them). For the Deeto tab, index entries name each connection under its deal
//! (`CONN#DEAL#{deal}#{connection}`) and its contacts (`CONN#CONTACT#{contact}#{connection}`).
//!
//! `put` writes the ownership item first, then the connection item: a crash in between leaves
//! an owned ticket no connection points at (harmless), never a connection pointing at a ticket
//! the guard would refuse to update. Ownership items are never removed: a ticket Deeto created
//! stays Deeto's after its connection moves to a re-created one.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;

use super::item::{Item, get_n, is_condition_failure, n, require_s, s, unavailable};
use super::portal_pk;
use super::query::{PageQuery, all_by_prefix, page_by_prefix};
use crate::domain::ids::{ObjectId, PortalId};
use crate::ports::{Claim, DeetoTicket, Page, StoreError, TicketStore};

#[derive(Debug, Clone)]
pub struct DynamoTicketStore {
    client: Client,
    table: String,
}

impl DynamoTicketStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    async fn get(&self, portal: PortalId, sk: String) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(portal_pk(portal)))
            .key("sk", s(sk))
            // The guard asks right after the ticket was recorded: no stale "not ours".
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        Ok(out.item)
    }

    /// The connections an index prefix names that still match `keep`, at most `limit`: one
    /// Query for the entries, then the connection items, a few at a time.
    async fn indexed(
        &self,
        portal: PortalId,
        prefix: &str,
        limit: usize,
        keep: impl Fn(&DeetoTicket) -> bool,
    ) -> Result<Vec<DeetoTicket>, StoreError> {
        use futures::{StreamExt, TryStreamExt};
        let pk = portal_pk(portal);
        // Stale entries are rare; reading a few more than asked covers them in one pass.
        let wanted = limit + limit / 4 + 1;
        let connections = all_by_prefix(
            &self.client,
            &self.table,
            (&pk, prefix),
            wanted,
            |_, item| require_s(item, "connection"),
        )
        .await?;
        let tickets: Vec<Option<DeetoTicket>> = futures::stream::iter(connections)
            .map(|connection| async move { self.for_connection(portal, &connection).await })
            .buffered(8)
            .try_collect()
            .await?;
        let mut found: Vec<DeetoTicket> = tickets.into_iter().flatten().filter(keep).collect();
        found.truncate(limit);
        Ok(found)
    }

    async fn put_item(&self, item: Item) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| unavailable("PutItem", e))?;
        Ok(())
    }
}

pub fn ownership_sk(ticket: ObjectId) -> String {
    format!("TICKET#ID#{ticket}")
}

/// The connection id comes last, so an id containing `#` still gives distinct keys.
pub fn connection_sk(connection: &str) -> String {
    format!("TICKET#CONN#{connection}")
}

/// Index entry: connection `connection` has its ticket on `deal`.
fn deal_index_sk(deal: ObjectId, connection: &str) -> String {
    format!("CONN#DEAL#{deal}#{connection}")
}

/// Where the contact index's entries start.
const CONTACT_INDEX: &str = "CONN#CONTACT#";

/// Index entry: `contact` takes part in connection `connection`.
fn contact_index_sk(contact: ObjectId, connection: &str) -> String {
    format!("{CONTACT_INDEX}{contact}#{connection}")
}

fn id(value: ObjectId) -> AttributeValue {
    AttributeValue::N(value.0.to_string())
}

fn require_id(item: &Item, name: &str) -> Result<ObjectId, StoreError> {
    get_n(item, name)
        .and_then(|n| u64::try_from(n).ok())
        .map(ObjectId)
        .ok_or_else(|| StoreError::Corrupt(format!("ticket item lacks a numeric `{name}`")))
}

fn decode(connection: &str, item: &Item) -> Result<DeetoTicket, StoreError> {
    let contacts = match item.get("contact_ids") {
        Some(AttributeValue::L(list)) => list
            .iter()
            .map(|v| v.as_n().ok().and_then(|n| n.parse().ok()).map(ObjectId))
            .collect::<Option<Vec<_>>>(),
        _ => None,
    }
    .ok_or_else(|| StoreError::Corrupt("ticket item lacks a list of `contact_ids`".into()))?;
    Ok(DeetoTicket {
        ticket_id: require_id(item, "ticket_id")?,
        connection: connection.to_owned(),
        deal_id: require_id(item, "deal_id")?,
        contacts,
        status: require_s(item, "status")?,
        kind: require_s(item, "kind")?,
        // Absent on items written before updates were ordered: any update is newer.
        status_order: get_n(item, "status_order").unwrap_or(0),
        kind_order: get_n(item, "kind_order").unwrap_or(0),
    })
}

#[async_trait]
impl TicketStore for DynamoTicketStore {
    async fn for_connection(
        &self,
        portal: PortalId,
        connection: &str,
    ) -> Result<Option<DeetoTicket>, StoreError> {
        self.get(portal, connection_sk(connection))
            .await?
            .map(|item| decode(connection, &item))
            .transpose()
    }

    async fn put(&self, portal: PortalId, ticket: &DeetoTicket) -> Result<(), StoreError> {
        let pk = s(portal_pk(portal));
        let ownership = Item::from([
            ("pk".to_owned(), pk.clone()),
            ("sk".to_owned(), s(ownership_sk(ticket.ticket_id))),
            ("ticket_id".to_owned(), id(ticket.ticket_id)),
            ("connection".to_owned(), s(&ticket.connection)),
        ]);
        self.put_item(ownership).await?;
        // Index entries before the connection item: one never exists without its entries.
        // Entries are hints (a re-created ticket may drop a contact); readers check the
        // connection item, so stale entries cost a read, never a wrong answer.
        let parties = std::iter::once(deal_index_sk(ticket.deal_id, &ticket.connection))
            .chain((ticket.contacts.iter()).map(|c| contact_index_sk(*c, &ticket.connection)));
        for sk in parties {
            self.put_item(Item::from([
                ("pk".to_owned(), pk.clone()),
                ("sk".to_owned(), s(sk)),
                ("connection".to_owned(), s(&ticket.connection)),
            ]))
            .await?;
        }
        let contacts = ticket.contacts.iter().copied().map(id).collect();
        let connection = Item::from([
            ("pk".to_owned(), pk),
            ("sk".to_owned(), s(connection_sk(&ticket.connection))),
            ("ticket_id".to_owned(), id(ticket.ticket_id)),
            ("deal_id".to_owned(), id(ticket.deal_id)),
            ("contact_ids".to_owned(), AttributeValue::L(contacts)),
            ("status".to_owned(), s(&ticket.status)),
            ("kind".to_owned(), s(&ticket.kind)),
            ("status_order".to_owned(), n(ticket.status_order)),
            ("kind_order".to_owned(), n(ticket.kind_order)),
        ]);
        self.put_item(connection).await
    }

    async fn put_unless_changed(
        &self,
        portal: PortalId,
        ticket: &DeetoTicket,
        expected: (i64, i64),
    ) -> Result<bool, StoreError> {
        // Only the state changes: the ticket, its deal and contacts (and so ownership and the
        // index entries) are the recorded ones.
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(portal_pk(portal)))
            .key("sk", s(connection_sk(&ticket.connection)))
            .update_expression(
                "SET #status = :status, #kind = :kind, status_order = :so, kind_order = :ko",
            )
            // Items from before updates were ordered have no orders: they read as 0.
            .condition_expression(
                "attribute_exists(sk) \
                 AND (status_order = :old_so OR (attribute_not_exists(status_order) AND :old_so = :zero)) \
                 AND (kind_order = :old_ko OR (attribute_not_exists(kind_order) AND :old_ko = :zero))",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#kind", "kind")
            .expression_attribute_values(":status", s(&ticket.status))
            .expression_attribute_values(":kind", s(&ticket.kind))
            .expression_attribute_values(":so", n(ticket.status_order))
            .expression_attribute_values(":ko", n(ticket.kind_order))
            .expression_attribute_values(":old_so", n(expected.0))
            .expression_attribute_values(":old_ko", n(expected.1))
            .expression_attribute_values(":zero", n(0))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(unavailable("UpdateItem", err)),
        }
    }

    async fn owns(&self, portal: PortalId, ticket: ObjectId) -> Result<bool, StoreError> {
        Ok(self.get(portal, ownership_sk(ticket)).await?.is_some())
    }

    async fn connection_of(
        &self,
        portal: PortalId,
        ticket: ObjectId,
    ) -> Result<Option<DeetoTicket>, StoreError> {
        let Some(owned) = self.get(portal, ownership_sk(ticket)).await? else {
            return Ok(None);
        };
        let connection = require_s(&owned, "connection")?;
        self.for_connection(portal, &connection).await
    }
    async fn page(
        &self,
        portal: PortalId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<DeetoTicket>, StoreError> {
        let (pk, prefix) = (portal_pk(portal), connection_sk(""));
        let query = PageQuery {
            pk: &pk,
            prefix: &prefix,
            after,
            limit,
        };
        page_by_prefix(&self.client, &self.table, query, decode).await
    }

    async fn for_deal(
        &self,
        portal: PortalId,
        deal: ObjectId,
        limit: usize,
    ) -> Result<Vec<DeetoTicket>, StoreError> {
        let prefix = deal_index_sk(deal, "");
        self.indexed(portal, &prefix, limit, |t| t.deal_id == deal)
            .await
    }

    async fn for_contact(
        &self,
        portal: PortalId,
        contact: ObjectId,
        limit: usize,
    ) -> Result<Vec<DeetoTicket>, StoreError> {
        let prefix = contact_index_sk(contact, "");
        self.indexed(portal, &prefix, limit, |t| t.contacts.contains(&contact))
            .await
    }

    async fn connection_counts(
        &self,
        portal: PortalId,
        max: usize,
    ) -> Result<BTreeMap<ObjectId, usize>, StoreError> {
        // One walk of the contact index (small items) instead of a Query per contact; a stale
        // entry counts one connection too many, which only nudges a ranking.
        let pk = portal_pk(portal);
        let contacts = all_by_prefix(
            &self.client,
            &self.table,
            (&pk, CONTACT_INDEX),
            max,
            |rest, _| Ok(rest.split('#').next().and_then(|id| id.parse().ok())),
        )
        .await?;
        let mut counts = BTreeMap::new();
        for contact in contacts.into_iter().flatten() {
            *counts.entry(ObjectId(contact)).or_default() += 1;
        }
        Ok(counts)
    }

    async fn claim_creation(
        &self,
        portal: PortalId,
        connection: &str,
        replacing: Option<ObjectId>,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Claim, StoreError> {
        let replacing = replacing.map_or(0, |t| t.0);
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(portal_pk(portal)))
            .item("sk", s(format!("TICKET#CLAIM#{connection}#{replacing}")))
            .item("claimed_at", AttributeValue::N(now_ms.to_string()))
            // Free, or an earlier claim whose lease ran out (that attempt is gone).
            .condition_expression("attribute_not_exists(pk) OR claimed_at < :expired")
            .expression_attribute_values(
                ":expired",
                AttributeValue::N((now_ms - lease_ms).to_string()),
            )
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllOld)
            .send()
            .await;
        match result {
            Ok(out) if out.attributes.as_ref().is_some_and(|old| !old.is_empty()) => {
                Ok(Claim::Abandoned)
            }
            Ok(_) => Ok(Claim::Won),
            Err(err) if super::item::is_condition_failure(&err) => Ok(Claim::Held),
            Err(err) => Err(unavailable("PutItem", err)),
        }
    }
}
