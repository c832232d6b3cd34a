//! A deal's suggestions come from the portal's reference pool: built on the first deal open,
//! served from storage after that, rebuilt by the worker when a tab finds it stale (asked for
//! once per cool-down), and never showing someone who stopped being a reference.

use super::*;
use crate::card::pool::{POOL_FRESH_MS, REBUILD_COOLDOWN_MS};

const DEAL: u64 = 501;

/// A retail deal of a 45-person company, as the card's own criteria say.
fn retail() -> MatchCriteria {
    MatchCriteria {
        industry: Some("RETAIL".into()),
        company_size: Some(45),
    }
}

/// A reference at its own retail company of 30 people: a full match for [`retail`].
async fn retail_reference(tab: &Tab, contact: u64) {
    let name = contact.to_string();
    tab.person(
        contact,
        Some(Role::Reference),
        &[("firstname", "Ref"), ("lastname", &name)],
        NOW,
    )
    .await;
    let company = RecordKey::new(PORTAL, CrmObject::Company, ObjectId(contact + 1_000));
    let fields = [("industry", "RETAIL"), ("numberofemployees", "30")];
    tab.record(company, None, &fields, NOW).await;
    tab.link(
        (CrmObject::Contact, contact),
        (CrmObject::Company, contact + 1_000),
    )
    .await;
}

async fn suggested(tab: &Tab) -> Vec<String> {
    let view = deal_view(tab.ready(CrmObject::Deal, DEAL, retail()).await);
    view.suggestions.into_iter().map(|s| s.contact_id).collect()
}

fn rebuilds(tab: &Tab) -> Vec<(String, String)> {
    (tab.queue.sent().iter())
        .filter(|e| {
            matches!(
                serde_json::from_str(&e.body),
                Ok(SyncMessage::ReferencePoolRebuildV1(_))
            )
        })
        .enumerate()
        .map(|(n, e)| (format!("rebuild-{n}"), e.body.clone()))
        .collect()
}

#[tokio::test]
async fn the_first_deal_open_builds_the_pool_and_later_opens_read_it() {
    let mut tab = Tab::new().await;
    retail_reference(&tab, 101).await;

    assert_eq!(suggested(&tab).await, ["101"]);
    let pool = tab.service.pools.pool(PORTAL).await.expect("read");
    let pool = pool.expect("stored by the first open");
    assert_eq!(pool.built_at_ms, NOW);
    assert_eq!(pool.references[0].industry.as_deref(), Some("RETAIL"));

    // A reference made since is not in the snapshot: a fresh pool is served as it is.
    retail_reference(&tab, 102).await;
    tab.at(NOW + MINUTE);
    assert_eq!(suggested(&tab).await, ["101"]);
    assert!(rebuilds(&tab).is_empty(), "a fresh pool is not rebuilt");
}

#[tokio::test]
async fn a_stale_pool_is_served_and_rebuilt_once_by_the_worker() {
    let mut tab = Tab::new().await;
    retail_reference(&tab, 101).await;
    suggested(&tab).await;
    retail_reference(&tab, 102).await;

    tab.at(NOW + POOL_FRESH_MS);
    assert_eq!(suggested(&tab).await, ["101"], "stale, but served");
    tab.at(NOW + POOL_FRESH_MS + MINUTE);
    suggested(&tab).await;
    let asked = rebuilds(&tab);
    assert_eq!(asked.len(), 1, "one rebuild per cool-down: {asked:?}");

    let outcome = tab.worker.process(asked.clone()).await;
    assert_eq!(outcome, Default::default());
    let suggestions = suggested(&tab).await;
    assert_eq!(suggestions, ["101", "102"]);

    // A redelivered ask finds a pool built after it: nothing is rebuilt.
    tab.at(NOW + POOL_FRESH_MS + 2 * MINUTE);
    tab.worker.process(asked).await;
    let pool = tab.service.pools.pool(PORTAL).await.expect("read");
    assert_eq!(
        pool.map(|p| p.built_at_ms),
        Some(NOW + POOL_FRESH_MS + MINUTE)
    );

    // Stale again after the cool-down: asked for again.
    tab.at(NOW + 2 * POOL_FRESH_MS + REBUILD_COOLDOWN_MS + 2 * MINUTE);
    suggested(&tab).await;
    assert_eq!(rebuilds(&tab).len(), 2);
}

#[tokio::test]
async fn a_suggestion_that_stopped_being_a_reference_since_the_pool_was_built_is_not_shown() {
    let tab = Tab::new().await;
    retail_reference(&tab, 101).await;
    retail_reference(&tab, 102).await;
    assert_eq!(suggested(&tab).await, ["101", "102"]);

    let gone = RecordKey::new(PORTAL, CrmObject::Contact, ObjectId(101));
    tab.records.mark_deleted(gone, NOW).await.expect("deleted");

    assert_eq!(suggested(&tab).await, ["102"]);
}

#[tokio::test]
async fn the_less_busy_reference_is_suggested_first_from_the_pools_counts() {
    let tab = Tab::new().await;
    retail_reference(&tab, 101).await;
    retail_reference(&tab, 102).await;
    tab.connection("conn-1", 9001, 900, &[101], "meeting", "scheduled")
        .await;

    assert_eq!(suggested(&tab).await, ["102", "101"]);
    let pool = tab.service.pools.pool(PORTAL).await.expect("read");
    let counts: Vec<(u64, usize)> = (pool.expect("built").references.iter())
        .map(|r| (r.contact_id.0, r.connections))
        .collect();
    assert_eq!(counts, [(101, 1), (102, 0)]);
}

#[tokio::test]
async fn a_change_by_the_sync_worker_makes_a_fresh_pool_stale() {
    let mut tab = Tab::new().await;
    retail_reference(&tab, 101).await;
    suggested(&tab).await;

    // Any batch the worker applies may change references or their companies.
    tab.at(NOW + MINUTE);
    let event = serde_json::json!({
        "eventId": 1, "subscriptionId": 2, "portalId": PORTAL.0, "occurredAt": NOW + MINUTE,
        "subscriptionType": "contact.propertyChange", "objectId": 999,
        "propertyName": "jobtitle", "propertyValue": "CTO"
    });
    let body = serde_json::json!({"type": "hubspot.webhook.v1", "receivedAt": NOW + MINUTE, "event": event});
    tab.worker
        .process(vec![("m1".into(), body.to_string())])
        .await;
    tab.at(NOW + 2 * MINUTE);
    suggested(&tab).await;

    assert_eq!(rebuilds(&tab).len(), 1, "built before the change: rebuilt");
}

#[tokio::test]
async fn an_inline_sync_makes_a_fresh_pool_stale() {
    let mut tab = Tab::with(MemoryQueueBehaviour::Accept, false, true).await;
    retail_reference(&tab, 101).await;
    suggested(&tab).await;

    // A record never synced is synced inline when its tab opens.
    tab.at(NOW + MINUTE);
    tab.open(CrmObject::Contact, 777, MatchCriteria::default())
        .await;
    tab.at(NOW + 2 * MINUTE);
    suggested(&tab).await;

    assert_eq!(
        rebuilds(&tab).len(),
        1,
        "built before the inline sync: rebuilt"
    );
}
