//! The discovery steps: objects a campaign rule wants that no webhook brought — a watched
//! property at a rule's target value on an object modified between the previous run's start and
//! this run's start. Found with CRM search, sorted by `hs_object_id` and paged by "id greater
//! than the last one seen" rather than by `after`, so HubSpot's cap of 10,000 results per query
//! never cuts a window short. Search has its own budget (5 per second), which the client keeps.
//!
//! What is found goes through the sync worker's pipeline as the value HubSpot holds, stamped
//! with the object's `updatedAt`: a value newer than and different from Deeto's is the
//! transition the rule waits for (and enrolls once, as for a webhook); one Deeto already has
//! changes nothing, so a rerun repairs nothing.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::{Value, json};

use super::checkpoint::{Checkpoint, Tally, kind};
use super::drift::differs;
use super::page::PageOutcome;
use super::{PAGE_SIZE, calls, settle};
use crate::domain::ids::{ObjectId, PortalId};
use crate::domain::iso_time::parse_iso;
use crate::hubspot::version::API_VERSION;
use crate::ports::{ApiRequest, CallKind};
use crate::sync::coalesce::PortalWork;
use crate::sync::config::SyncConfig;
use crate::sync::ports::FieldChange;
use crate::sync::reads::parse;
use crate::sync::record::{CrmObject, DeetoRecord};
use crate::sync::worker::{Failure, SyncWorker, portal};

/// HubSpot allows 18 filters per search; each watched property takes a group of four.
pub const MAX_WATCHED: usize = 4;

/// The property HubSpot stamps with an object's last modification.
pub fn modified_property(object: CrmObject) -> &'static str {
    match object {
        CrmObject::Contact => "lastmodifieddate",
        CrmObject::Company | CrmObject::Deal => "hs_lastmodifieddate",
    }
}

/// The watched properties of `object` and the values the rules wait for (lower case, as
/// HubSpot's `IN` operator wants them).
pub fn targets(config: &SyncConfig, object: CrmObject) -> BTreeMap<String, BTreeSet<String>> {
    let mut targets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for rule in config.rules.rules.iter().filter(|r| r.object == object) {
        let values = targets.entry(rule.property.clone()).or_default();
        values.insert(rule.to_value.to_lowercase());
    }
    if targets.len() > MAX_WATCHED {
        let skipped: Vec<String> = targets.keys().skip(MAX_WATCHED).cloned().collect();
        tracing::warn!(%object, ?skipped, "too many watched properties for one search; skipped");
        targets.retain(|p, _| !skipped.contains(p));
    }
    targets
}

/// The search body for the objects modified in `[from_ms, to_ms)` with an id above `after`
/// and a watched property at a target value.
pub fn search_body(
    object: CrmObject,
    targets: &BTreeMap<String, BTreeSet<String>>,
    from_ms: i64,
    to_ms: i64,
    after: u64,
) -> Value {
    let modified = modified_property(object);
    let groups: Vec<Value> = targets
        .iter()
        .map(|(property, values)| {
            json!({"filters": [
                {"propertyName": modified, "operator": "GTE", "value": from_ms.to_string()},
                {"propertyName": modified, "operator": "LT", "value": to_ms.to_string()},
                {"propertyName": "hs_object_id", "operator": "GT", "value": after.to_string()},
                {"propertyName": property, "operator": "IN", "values": values},
            ]})
        })
        .collect();
    json!({
        "filterGroups": groups,
        "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
        "properties": targets.keys().collect::<Vec<_>>(),
        "limit": PAGE_SIZE,
    })
}

#[derive(Deserialize)]
struct SearchPage {
    #[serde(default)]
    results: Vec<Found>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Found {
    id: String,
    #[serde(default)]
    properties: BTreeMap<String, Option<String>>,
    updated_at: Option<String>,
}

pub async fn page(
    worker: &SyncWorker,
    portal_id: PortalId,
    config: &SyncConfig,
    object: CrmObject,
    checkpoint: &Checkpoint,
) -> Result<PageOutcome, Failure> {
    let targets = targets(config, object);
    if targets.is_empty() {
        return Ok(PageOutcome::default());
    }
    let (worker, api_calls) = calls::counted(worker);
    let after: u64 = checkpoint
        .cursor
        .as_deref()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let from = checkpoint.window_from_ms;
    let body = search_body(object, &targets, from, checkpoint.started_at_ms, after);
    let path = format!("/crm/objects/{API_VERSION}/{}/search", object.plural());
    let mut request = ApiRequest::post(&path, body);
    request.kind = CallKind::Search;
    let response = worker.hubspot.send(portal_id, request).await?;
    let found: SearchPage = parse(response.body, &path)?;
    let now = worker.clock.now_ms();
    let mut work = PortalWork::default();
    let mut last = None;
    for result in &found.results {
        let Ok(id) = result.id.parse().map(ObjectId) else {
            continue;
        };
        last = Some(id);
        let at = result
            .updated_at
            .as_deref()
            .and_then(parse_iso)
            .unwrap_or(now);
        let record = work.records.entry((object, id)).or_default();
        for property in targets.keys() {
            let value = result.properties.get(property).cloned().flatten();
            let change = FieldChange {
                property: property.clone(),
                value,
                changed_at_ms: at,
            };
            record.changes.insert(property.clone(), change);
        }
    }
    let mut tally = Tally {
        records_checked: found.results.len() as u64,
        ..Tally::default()
    };
    if !work.records.is_empty() {
        repair(&worker, portal_id, config, object, &work, &mut tally).await?;
    }
    tally.api_calls = api_calls.calls();
    let full = found.results.len() >= PAGE_SIZE;
    Ok(PageOutcome {
        tally,
        next_cursor: full.then(|| last.map(|id| id.to_string())).flatten(),
    })
}

/// Runs what was found and Deeto lacks through the pipeline, and counts the watched values
/// Deeto has now and did not have before.
async fn repair(
    worker: &SyncWorker,
    portal_id: PortalId,
    config: &SyncConfig,
    object: CrmObject,
    found: &PortalWork,
    tally: &mut Tally,
) -> Result<(), Failure> {
    let ids: Vec<ObjectId> = found.records.keys().map(|(_, id)| *id).collect();
    let before = worker.records.get_many(portal_id, object, &ids).await?;
    let before: BTreeMap<ObjectId, DeetoRecord> =
        before.into_iter().map(|r| (r.key.object_id, r)).collect();
    // A value Deeto already holds is no transition: only the rest goes to the pipeline.
    let mut work = found.clone();
    for ((_, id), record) in work.records.iter_mut() {
        let stored = before.get(id);
        record
            .changes
            .retain(|_, change| stored.is_none_or(|r| differs(r, change)));
    }
    work.records.retain(|_, record| !record.changes.is_empty());
    if work.records.is_empty() {
        return Ok(());
    }
    let failed = portal::run(worker, portal_id, config, &work).await;
    settle::retry_if_any_transient(&failed)?;
    let changed: Vec<ObjectId> = work.records.keys().map(|(_, id)| *id).collect();
    let after = worker.records.get_many(portal_id, object, &changed).await?;
    let after: BTreeMap<ObjectId, DeetoRecord> =
        after.into_iter().map(|r| (r.key.object_id, r)).collect();
    for ((_, id), record) in &work.records {
        for (property, change) in &record.changes {
            let has = after.get(id).and_then(|r| r.fields.get(property));
            if has.is_some_and(|f| f.value == change.value) {
                tally.repaired(kind::TRANSITION, 1);
            } else if failed.contains_key(&(object, *id)) {
                tally.unrepaired(kind::TRANSITION, 1);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_windows_by_modification_and_pages_by_object_id() {
        let config = SyncConfig::repo_default();
        let targets = targets(&config, CrmObject::Contact);
        let body = search_body(CrmObject::Contact, &targets, 1_000, 2_000, 41);

        let filters = &body["filterGroups"][0]["filters"];
        assert_eq!(filters[0]["propertyName"], "lastmodifieddate");
        assert_eq!(
            (&filters[0]["operator"], &filters[0]["value"]),
            (&json!("GTE"), &json!("1000"))
        );
        assert_eq!(
            (&filters[1]["operator"], &filters[1]["value"]),
            (&json!("LT"), &json!("2000"))
        );
        assert_eq!(filters[2]["propertyName"], "hs_object_id");
        assert_eq!(
            (&filters[2]["operator"], &filters[2]["value"]),
            (&json!("GT"), &json!("41"))
        );
        assert_eq!(filters[3]["values"], json!(["customer"]));
        assert_eq!(body["sorts"][0]["propertyName"], "hs_object_id");
        assert!(
            body.get("after").is_none(),
            "paging never uses the capped offset"
        );
    }

    #[test]
    fn the_default_rules_watch_lifecycle_stage_on_contacts_and_deal_stage_on_deals() {
        let config = SyncConfig::repo_default();
        let contact: Vec<String> = targets(&config, CrmObject::Contact).into_keys().collect();
        let deal: Vec<String> = targets(&config, CrmObject::Deal).into_keys().collect();
        assert_eq!(contact, ["lifecyclestage"]);
        assert_eq!(deal, ["dealstage"]);
        assert!(targets(&config, CrmObject::Company).is_empty());
        assert_eq!(modified_property(CrmObject::Deal), "hs_lastmodifieddate");
    }
}
