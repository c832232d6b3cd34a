//! The portal's reference pool: every live reference with what a deal's suggestions match on
//! (industry, company size) and how busy it is, kept as one stored snapshot per portal.
//!
//! Why a snapshot: matching a deal against the portal's references reads every reference,
//! its company and its connections, far too many reads for a tab that must answer within a
//! second. The deal view reads the snapshot (one item) instead; the snapshot is rebuilt by the
//! sync worker when a tab finds it older than [`POOL_FRESH_MS`] (a `card.pool.rebuild.v1`
//! message, once per [`REBUILD_COOLDOWN_MS`]) and by each daily reconcile when its run
//! finishes, and built inline only when a portal has none yet. A pool is stale when older than
//! [`POOL_FRESH_MS`] or built before the sync worker last changed the portal's records. What a
//! stale pool could get wrong is checked live before it is shown: the deal's own contacts and
//! connections are excluded, and each suggestion is re-read to be sure it is still a
//! reference.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::person;
use crate::domain::ids::{ObjectId, PortalId};
use crate::ports::{JobQueue, ReferencePools, StoreError, TicketStore};
use crate::queue::{PoolRebuild, SyncMessage};
use crate::sync::ports::RecordStore;
use crate::sync::record::{CrmObject, DeetoRecord, Role};

/// References kept in a pool: bounds the snapshot (one DynamoDB item) and the rebuild's reads
/// for portals with very many references; the role index is read in id order.
pub const MAX_CANDIDATES: usize = 500;
/// A pool older than this is served and rebuilt in the background.
pub const POOL_FRESH_MS: i64 = 10 * 60 * 1000;
/// One background rebuild per portal within this long, however many tabs find it stale.
pub const REBUILD_COOLDOWN_MS: i64 = 5 * 60 * 1000;
/// Longest text kept per field, in characters: with [`MAX_CANDIDATES`] it keeps the snapshot
/// well under DynamoDB's 400 KB item limit whatever the CRM holds.
const MAX_TEXT: usize = 100;
/// Connection-index entries counted per rebuild (a portal's whole history, bounded).
pub const MAX_COUNTED_CONNECTIONS: usize = 50_000;

/// One reference as the deal view matches and shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PooledReference {
    pub contact_id: ObjectId,
    pub name: String,
    pub email: Option<String>,
    pub job_title: Option<String>,
    pub company: Option<String>,
    pub industry: Option<String>,
    pub company_size: Option<u64>,
    /// Connections it takes part in: the less busy are suggested first.
    pub connections: usize,
}

/// A portal's references, as of `built_at_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferencePool {
    pub built_at_ms: i64,
    pub references: Vec<PooledReference>,
    /// When the sync worker last changed the portal's records (kept beside the pool, not in
    /// it): a pool built before that may miss the change.
    #[serde(skip)]
    pub changed_at_ms: Option<i64>,
}

impl ReferencePool {
    /// Old, or built before the portal's records last changed.
    pub fn is_stale(&self, now_ms: i64) -> bool {
        now_ms - self.built_at_ms >= POOL_FRESH_MS
            || self.changed_at_ms.is_some_and(|at| at > self.built_at_ms)
    }
}

/// What keeping a portal's pool talks to.
#[derive(Clone, Copy)]
pub struct PoolKeeper<'a> {
    pub records: &'a dyn RecordStore,
    pub tickets: &'a dyn TicketStore,
    pub pools: &'a dyn ReferencePools,
    pub sync_queue: &'a dyn JobQueue,
}

impl std::fmt::Debug for PoolKeeper<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolKeeper").finish_non_exhaustive()
    }
}

impl PoolKeeper<'_> {
    /// The pool the deal view matches against: the stored one (a stale one also asks for a
    /// rebuild), else one built now and stored.
    pub async fn current(
        &self,
        portal: PortalId,
        now_ms: i64,
    ) -> Result<ReferencePool, StoreError> {
        match self.pools.pool(portal).await? {
            Some(pool) => {
                if pool.is_stale(now_ms) {
                    self.ask_for_rebuild(portal, now_ms).await;
                }
                Ok(pool)
            }
            None => self.rebuild(portal, now_ms).await,
        }
    }

    /// Builds the pool from Deeto's stores and stores it (a pool built earlier than the one
    /// stored is dropped, so out-of-order rebuilds never go back in time).
    pub async fn rebuild(
        &self,
        portal: PortalId,
        now_ms: i64,
    ) -> Result<ReferencePool, StoreError> {
        let pool = build(self.records, self.tickets, portal, now_ms).await?;
        self.pools.put_pool(portal, &pool).await?;
        Ok(pool)
    }

    /// Never fails the tab: without a rebuild the stale pool keeps serving, and the next
    /// open after the cool-down asks again.
    async fn ask_for_rebuild(&self, portal: PortalId, now_ms: i64) {
        match self
            .pools
            .claim_rebuild(portal, now_ms, REBUILD_COOLDOWN_MS)
            .await
        {
            Ok(true) => {}
            Ok(false) => return,
            Err(err) => {
                tracing::warn!(error = %err, "pool rebuild not claimed");
                return;
            }
        }
        let message = SyncMessage::ReferencePoolRebuildV1(PoolRebuild {
            portal_id: portal,
            requested_at: now_ms,
        });
        if let Err(reason) = message.send(self.sync_queue).await {
            tracing::warn!(%reason, "pool rebuild not queued; asked again after the cool-down");
        }
    }
}

/// Reads the portal's live references (up to [`MAX_CANDIDATES`]), their companies and their
/// connection counts: a bounded number of reads whatever the portal's size.
pub async fn build(
    records: &dyn RecordStore,
    tickets: &dyn TicketStore,
    portal: PortalId,
    now_ms: i64,
) -> Result<ReferencePool, StoreError> {
    let mut ids = Vec::new();
    let mut after: Option<String> = None;
    while ids.len() < MAX_CANDIDATES {
        let page = records
            .with_role(
                portal,
                CrmObject::Contact,
                Role::Reference,
                after.as_deref(),
                MAX_CANDIDATES - ids.len(),
            )
            .await?;
        ids.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    ids.truncate(MAX_CANDIDATES);
    let contacts = records.get_many(portal, CrmObject::Contact, &ids).await?;
    let contacts: Vec<_> = (contacts.into_iter())
        .filter(|c| !c.is_gone() && c.has_role(Role::Reference))
        .collect();
    let mut company_ids: Vec<ObjectId> = (contacts.iter())
        .filter_map(|c| c.linked(CrmObject::Company).first().copied())
        .collect();
    company_ids.sort_unstable();
    company_ids.dedup();
    let companies: BTreeMap<ObjectId, DeetoRecord> = (records)
        .get_many(portal, CrmObject::Company, &company_ids)
        .await?
        .into_iter()
        .filter(|c| !c.is_gone())
        .map(|c| (c.key.object_id, c))
        .collect();
    let counts = tickets
        .connection_counts(portal, MAX_COUNTED_CONNECTIONS)
        .await?;
    let references = (contacts.iter())
        .map(|contact| {
            let company =
                (contact.linked(CrmObject::Company).first()).and_then(|id| companies.get(id));
            let id = contact.key.object_id;
            PooledReference {
                contact_id: id,
                name: clip(person::name(contact)),
                email: person::email(contact).map(clip),
                job_title: person::job_title(contact).map(clip),
                company: person::company_name(contact, company).map(clip),
                industry: person::industry(Some(contact), company).map(clip),
                company_size: person::company_size(company),
                connections: counts.get(&id).copied().unwrap_or(0),
            }
        })
        .collect();
    Ok(ReferencePool {
        built_at_ms: now_ms,
        references,
        changed_at_ms: None,
    })
}

fn clip(text: String) -> String {
    match text.char_indices().nth(MAX_TEXT) {
        Some((end, _)) => text[..end].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_clipped_on_a_character_boundary() {
        let long = "é".repeat(MAX_TEXT + 5);
        let clipped = clip(long);
        assert_eq!(clipped.chars().count(), MAX_TEXT);
        assert_eq!(clip("Ada".into()), "Ada");
    }

    #[test]
    fn a_full_pool_of_the_longest_texts_fits_one_dynamodb_item() {
        let text = Some("x".repeat(MAX_TEXT));
        let reference = PooledReference {
            contact_id: ObjectId(u64::MAX),
            name: "x".repeat(MAX_TEXT),
            email: text.clone(),
            job_title: text.clone(),
            company: text.clone(),
            industry: text,
            company_size: Some(999_999_999),
            connections: usize::MAX,
        };
        let pool = ReferencePool {
            built_at_ms: i64::MAX,
            references: vec![reference; MAX_CANDIDATES],
            changed_at_ms: None,
        };
        let bytes = serde_json::to_vec(&pool).expect("serialises").len();
        assert!(bytes < 400 * 1024, "{bytes} bytes");
    }

    #[test]
    fn a_pool_is_stale_once_older_than_the_fresh_window_or_built_before_a_change() {
        let mut pool = ReferencePool {
            built_at_ms: 1_000,
            references: Vec::new(),
            changed_at_ms: Some(1_000),
        };
        assert!(!pool.is_stale(1_000 + POOL_FRESH_MS - 1));
        assert!(pool.is_stale(1_000 + POOL_FRESH_MS));
        pool.changed_at_ms = Some(1_001);
        assert!(pool.is_stale(1_002));
    }
}
