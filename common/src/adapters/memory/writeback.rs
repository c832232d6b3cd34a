//! In-memory command ledger and ticket store, with DynamoDB's semantics: the first `done_at`
//! of a command is kept, and a ticket stays Deeto's once recorded, even after its connection
//! points at a newer one.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::commands::CommandId;
use crate::domain::ids::{ObjectId, PortalId};
use crate::ports::{Claim, CommandLedger, DeetoTicket, Page, StoreError, TicketStore};

fn poisoned() -> StoreError {
    StoreError::Unavailable("lock poisoned".into())
}

#[derive(Debug, Default)]
pub struct MemoryCommandLedger {
    done: Mutex<HashMap<(PortalId, CommandId), i64>>,
}

impl MemoryCommandLedger {
    /// When the command was first marked done (tests only).
    pub fn done_at(&self, portal: PortalId, id: &CommandId) -> Option<i64> {
        self.done.lock().ok()?.get(&(portal, id.clone())).copied()
    }
}

#[async_trait]
impl CommandLedger for MemoryCommandLedger {
    async fn is_done(&self, portal: PortalId, id: &CommandId) -> Result<bool, StoreError> {
        Ok(self
            .done
            .lock()
            .map_err(|_| poisoned())?
            .contains_key(&(portal, id.clone())))
    }

    async fn mark_done(
        &self,
        portal: PortalId,
        id: &CommandId,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        self.done
            .lock()
            .map_err(|_| poisoned())?
            .entry((portal, id.clone()))
            .or_insert(at_ms);
        Ok(())
    }
}

#[derive(Debug, Default)]
pub struct MemoryTicketStore {
    inner: Mutex<TicketsInner>,
}

#[derive(Debug, Default)]
struct TicketsInner {
    by_connection: HashMap<(PortalId, String), DeetoTicket>,
    /// Every ticket Deeto created, with its connection.
    owned: HashMap<(PortalId, ObjectId), String>,
    /// Creation claims: (connection, ticket replaced) → when claimed.
    claims: HashMap<(PortalId, String, Option<ObjectId>), i64>,
}

#[async_trait]
impl TicketStore for MemoryTicketStore {
    async fn for_connection(
        &self,
        portal: PortalId,
        connection: &str,
    ) -> Result<Option<DeetoTicket>, StoreError> {
        Ok(self
            .inner
            .lock()
            .map_err(|_| poisoned())?
            .by_connection
            .get(&(portal, connection.to_owned()))
            .cloned())
    }

    async fn put(&self, portal: PortalId, ticket: &DeetoTicket) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        inner
            .owned
            .insert((portal, ticket.ticket_id), ticket.connection.clone());
        inner
            .by_connection
            .insert((portal, ticket.connection.clone()), ticket.clone());
        Ok(())
    }

    async fn put_unless_changed(
        &self,
        portal: PortalId,
        ticket: &DeetoTicket,
        expected: (i64, i64),
    ) -> Result<bool, StoreError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        let key = (portal, ticket.connection.clone());
        let unchanged = inner
            .by_connection
            .get(&key)
            .is_some_and(|t| (t.status_order, t.kind_order) == expected);
        if unchanged {
            inner.by_connection.insert(key, ticket.clone());
        }
        Ok(unchanged)
    }

    async fn owns(&self, portal: PortalId, ticket: ObjectId) -> Result<bool, StoreError> {
        Ok(self
            .inner
            .lock()
            .map_err(|_| poisoned())?
            .owned
            .contains_key(&(portal, ticket)))
    }

    async fn connection_of(
        &self,
        portal: PortalId,
        ticket: ObjectId,
    ) -> Result<Option<DeetoTicket>, StoreError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        Ok(inner
            .owned
            .get(&(portal, ticket))
            .and_then(|connection| inner.by_connection.get(&(portal, connection.clone())))
            .cloned())
    }

    async fn page(
        &self,
        portal: PortalId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<DeetoTicket>, StoreError> {
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        let mut items: Vec<DeetoTicket> = inner
            .by_connection
            .iter()
            .filter(|((p, connection), _)| {
                *p == portal && after.is_none_or(|a| connection.as_str() > a)
            })
            .map(|(_, ticket)| ticket.clone())
            .collect();
        items.sort_by(|a, b| a.connection.cmp(&b.connection));
        let more = items.len() > limit;
        items.truncate(limit);
        let next = more
            .then(|| items.last().map(|t| t.connection.clone()))
            .flatten();
        Ok(Page { items, next })
    }

    async fn claim_creation(
        &self,
        portal: PortalId,
        connection: &str,
        replacing: Option<ObjectId>,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Claim, StoreError> {
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        let key = (portal, connection.to_owned(), replacing);
        let claim = match inner.claims.get(&key) {
            None => Claim::Won,
            Some(at) if now_ms - at > lease_ms => Claim::Abandoned,
            Some(_) => return Ok(Claim::Held),
        };
        inner.claims.insert(key, now_ms);
        Ok(claim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORTAL: PortalId = PortalId(62515);

    fn ticket(id: u64) -> DeetoTicket {
        DeetoTicket {
            ticket_id: ObjectId(id),
            connection: "conn-1".into(),
            deal_id: ObjectId(301),
            contacts: vec![ObjectId(101), ObjectId(102)],
            status: "scheduled".into(),
            kind: "reference_call".into(),
            status_order: 0,
            kind_order: 0,
        }
    }

    #[tokio::test]
    async fn marking_a_command_done_twice_keeps_the_first_time() {
        let ledger = MemoryCommandLedger::default();
        let id = CommandId("cmd-1".into());

        ledger.mark_done(PORTAL, &id, 10).await.expect("marked");
        ledger
            .mark_done(PORTAL, &id, 20)
            .await
            .expect("marked again");

        assert!(ledger.is_done(PORTAL, &id).await.expect("read"));
        assert!(!ledger.is_done(PortalId(1), &id).await.expect("read"));
        assert_eq!(ledger.done_at(PORTAL, &id), Some(10));
    }

    #[tokio::test]
    async fn a_recreated_ticket_replaces_the_connection_but_both_stay_deetos() {
        let store = MemoryTicketStore::default();
        store.put(PORTAL, &ticket(501)).await.expect("put");

        store.put(PORTAL, &ticket(502)).await.expect("replaced");

        let current = store.for_connection(PORTAL, "conn-1").await.expect("read");
        assert_eq!(current, Some(ticket(502)));
        assert!(store.owns(PORTAL, ObjectId(501)).await.expect("read"));
        assert!(store.owns(PORTAL, ObjectId(502)).await.expect("read"));
        assert!(!store.owns(PORTAL, ObjectId(503)).await.expect("read"));
        assert!(!store.owns(PortalId(1), ObjectId(502)).await.expect("read"));
        let of = |id| store.connection_of(PORTAL, ObjectId(id));
        assert_eq!(
            of(501).await,
            Ok(Some(ticket(502))),
            "replaced, still Deeto's"
        );
        assert_eq!(of(503).await, Ok(None));
    }

    #[tokio::test]
    async fn a_creation_claim_is_held_for_its_lease_then_abandoned_and_each_replacement_is_fresh() {
        let store = MemoryTicketStore::default();
        let claim = |replacing: Option<u64>, now_ms: i64| {
            store.claim_creation(PORTAL, "conn-1", replacing.map(ObjectId), now_ms, 60_000)
        };

        assert_eq!(claim(None, 1_000_000).await, Ok(Claim::Won));
        assert_eq!(claim(None, 1_030_000).await, Ok(Claim::Held));
        assert_eq!(claim(None, 1_060_001).await, Ok(Claim::Abandoned));
        assert_eq!(claim(None, 1_070_000).await, Ok(Claim::Held), "re-claimed");
        assert_eq!(claim(Some(501), 1_070_000).await, Ok(Claim::Won));
    }
}
