//! A finished run's summary: one log line, and the same figures as CloudWatch metrics in the
//! embedded metric format (a JSON line on stdout that CloudWatch Logs turns into metrics, so
//! no PutMetricData call and no extra permission).

use serde_json::{Map, Value, json};

use super::checkpoint::{Checkpoint, kind};

/// The metrics namespace the reconcile reports in.
pub const NAMESPACE: &str = "DeetoHubSpot/Reconcile";

pub fn emit(run: &Checkpoint) {
    let tally = &run.tally;
    tracing::info!(portal = %run.portal, run = %run.run, pages = run.pages_done,
        records_checked = tally.records_checked, api_calls = tally.api_calls,
        found = ?tally.found, repaired = ?tally.repaired, "reconcile run finished");
    println!("{}", metrics(run));
}

/// The embedded-metric-format document for a finished run.
pub fn metrics(run: &Checkpoint) -> Value {
    let tally = &run.tally;
    let mut values = Map::new();
    let mut names = vec![
        "RecordsChecked".to_owned(),
        "Pages".to_owned(),
        "ApiCalls".to_owned(),
        "DriftFound".to_owned(),
        "DriftRepaired".to_owned(),
        "DurationMs".to_owned(),
    ];
    values.insert("RecordsChecked".into(), tally.records_checked.into());
    values.insert("Pages".into(), run.pages_done.into());
    values.insert("ApiCalls".into(), tally.api_calls.into());
    values.insert("DriftFound".into(), tally.total_found().into());
    values.insert("DriftRepaired".into(), tally.total_repaired().into());
    let finished = run.finished_at_ms.unwrap_or(run.started_at_ms);
    values.insert("DurationMs".into(), (finished - run.started_at_ms).into());
    for kind in kind::ALL {
        let name = format!("Repaired.{kind}");
        let n = tally.repaired.get(kind).copied().unwrap_or(0);
        values.insert(name.clone(), n.into());
        names.push(name);
    }
    let metrics: Vec<Value> = names
        .iter()
        .map(|name| {
            let unit = if name == "DurationMs" {
                "Milliseconds"
            } else {
                "Count"
            };
            json!({"Name": name, "Unit": unit})
        })
        .collect();
    let mut doc = json!({
        "_aws": {
            "Timestamp": finished,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [["PortalId"]],
                "Metrics": metrics,
            }],
        },
        "PortalId": run.portal.to_string(),
        "Run": run.run,
    });
    if let Some(object) = doc.as_object_mut() {
        object.extend(values);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::PortalId;
    use crate::reconcile::{Step, Tally};

    #[test]
    fn every_declared_metric_has_a_value_at_the_top_level() {
        let mut page = Tally {
            records_checked: 250,
            api_calls: 4,
            ..Tally::default()
        };
        page.repaired(kind::FIELD, 3);
        page.unrepaired(kind::DELETED, 1);
        let run = Checkpoint::new(PortalId(62515), "2026-12-04".into(), 1_000, 0).advanced(
            Step::Done,
            None,
            &page,
            4_000,
        );

        let doc = metrics(&run);

        let declared = doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .expect("metrics");
        for metric in declared {
            let name = metric["Name"].as_str().expect("name");
            assert!(
                doc[name].is_u64() || doc[name].is_i64(),
                "{name} has no value"
            );
        }
        assert_eq!(doc["PortalId"], "62515");
        assert_eq!(doc["DriftFound"], 4);
        assert_eq!(doc["DriftRepaired"], 3);
        assert_eq!(doc["Repaired.field"], 3);
        assert_eq!(doc["DurationMs"], 3_000);
        assert_eq!(doc["_aws"]["Timestamp"], 4_000);
    }
}
