//! Sending one batch: signed with v1 and v3 exactly as HubSpot signs (the project's own signing
//! functions, keyed by the app's client secret), retried with backoff on any non-2xx answer,
//! timeout or connection failure, `attemptNumber` counting up.

use std::time::Duration;

use common::webhook::signature::{v1_signature, v3_signature};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::watch;

use super::hub::WebhookHub;
use super::settings::WebhookSettings;
use crate::clock::wall_ms;
use crate::state::lock;

/// One delivery attempt, as the target saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub batch_id: u64,
    pub attempt: u32,
    pub portal_id: u64,
    pub event_ids: Vec<u64>,
    /// The target's status, or `None` when it could not be reached or timed out.
    pub status: Option<u16>,
    pub error: Option<String>,
    /// A deliberate second delivery of a batch already accepted.
    pub duplicate: bool,
    pub at_ms: i64,
}

impl Delivery {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

pub(crate) async fn deliver(
    hub: &WebhookHub,
    batch_id: u64,
    mut batch: Vec<Value>,
    settings: &WebhookSettings,
    mut stop: watch::Receiver<bool>,
) {
    let Some(url) = settings.target_url.clone() else {
        return;
    };
    let secret = settings
        .client_secret
        .clone()
        .unwrap_or_else(|| hub.default_secret.clone());
    for attempt in 0..=settings.max_retries {
        for event in &mut batch {
            event["attemptNumber"] = attempt.into();
        }
        let delivery = send(
            hub, &url, &secret, &batch, settings, batch_id, attempt, false,
        )
        .await;
        if delivery.succeeded() {
            if settings.duplicate_share > 0.0 && fastrand::f64() < settings.duplicate_share {
                send(
                    hub, &url, &secret, &batch, settings, batch_id, attempt, true,
                )
                .await;
            }
            return;
        }
        if attempt < settings.max_retries {
            // A stopping simulator abandons retries rather than holding shutdown for minutes.
            tokio::select! {
                _ = tokio::time::sleep(backoff(settings.retry_base_ms, attempt)) => {}
                _ = stop.changed() => return,
            }
        }
    }
}

/// Doubling delays with up to 25% jitter; HubSpot spreads its 10 retries over a day.
fn backoff(base_ms: u64, attempt: u32) -> Duration {
    let delay = base_ms.saturating_mul(1u64 << attempt.min(16));
    Duration::from_millis(delay + fastrand::u64(0..=delay / 4))
}

#[allow(clippy::too_many_arguments)]
async fn send(
    hub: &WebhookHub,
    url: &str,
    secret: &str,
    batch: &[Value],
    settings: &WebhookSettings,
    batch_id: u64,
    attempt: u32,
    duplicate: bool,
) -> Delivery {
    let body = serde_json::to_vec(batch).unwrap_or_default();
    let timestamp = wall_ms().to_string();
    let result = hub
        .client
        .post(url)
        .header("Content-Type", "application/json")
        .header(
            "X-HubSpot-Signature",
            v1_signature(secret.as_bytes(), &body),
        )
        .header("X-HubSpot-Signature-Version", "v1")
        .header(
            "X-HubSpot-Signature-v3",
            v3_signature(secret.as_bytes(), "POST", url, &body, &timestamp),
        )
        .header("X-HubSpot-Request-Timestamp", &timestamp)
        .timeout(Duration::from_millis(settings.timeout_ms))
        .body(body)
        .send()
        .await;
    let (status, error) = match result {
        Ok(response) => (Some(response.status().as_u16()), None),
        Err(err) => (None, Some(err.to_string())),
    };
    let delivery = Delivery {
        batch_id,
        attempt,
        portal_id: batch
            .first()
            .and_then(|e| e["portalId"].as_u64())
            .unwrap_or(0),
        event_ids: batch.iter().filter_map(|e| e["eventId"].as_u64()).collect(),
        status,
        error,
        duplicate,
        at_ms: wall_ms(),
    };
    lock(&hub.deliveries).push(delivery.clone());
    delivery
}
