//! The daily reconcile's trigger. EventBridge's schedule invokes it once a day (an operator
//! may invoke it with `{"portalId": N}` to reconcile one portal now); it starts, or resumes,
//! today's run of every connected portal and answers what it did. The sync worker carries the
//! runs out page by page (`common::reconcile`).

use common::domain::ids::PortalId;
use common::ports::{Clock, StoreError};
use common::reconcile::{Started, Starter, run_id};
use serde::Serialize;
use serde_json::Value;

/// Why an invocation failed. Lambda retries a failed scheduled invocation; starting is
/// idempotent, so a retry only picks up the portals that failed.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error("bad event: {0}")]
    BadEvent(String),
    #[error("tenants could not be listed: {0}")]
    Store(#[from] StoreError),
    #[error("{failed} of {total} portals could not be started; see the report in the logs")]
    PortalsFailed { failed: usize, total: usize },
}

/// What one invocation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub run: String,
    pub portals: Vec<Started>,
}

/// The portal an operator asked for (`portalId` at the top level or in `detail`), if any.
pub fn only_portal(event: &Value) -> Result<Option<PortalId>, ReconcileError> {
    if !event.is_object() {
        return Err(ReconcileError::BadEvent(
            "expected a JSON object (an EventBridge event)".into(),
        ));
    }
    let raw = event
        .get("portalId")
        .or_else(|| event.get("detail").and_then(|d| d.get("portalId")));
    match raw {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n > 0) => Ok(n.as_u64().map(PortalId)),
        Some(Value::String(s)) if s.parse::<u64>().is_ok_and(|n| n > 0) => {
            Ok(s.parse().ok().map(PortalId))
        }
        Some(other) => Err(ReconcileError::BadEvent(format!(
            "portalId must be a positive integer, not {other}"
        ))),
    }
}

pub async fn handle(
    starter: &Starter<'_>,
    clock: &dyn Clock,
    event: Value,
) -> Result<Report, ReconcileError> {
    let only = only_portal(&event).inspect_err(|err| tracing::error!(%err, "refused"))?;
    let now = clock.now_ms();
    let portals = starter.start(now, only).await?;
    let report = Report {
        run: run_id(now),
        portals,
    };
    let failed = report
        .portals
        .iter()
        .filter(|p| matches!(p, Started::Failed { .. }))
        .count();
    tracing::info!(report = %serde_json::to_string(&report).unwrap_or_default(), "daily reconcile");
    if failed > 0 {
        return Err(ReconcileError::PortalsFailed {
            failed,
            total: report.portals.len(),
        });
    }
    Ok(report)
}

#[cfg(test)]
mod tests;
