//! Where and how webhook events are delivered. Starts from `SimConfig`, changeable at run time.

use serde::{Deserialize, Serialize};

/// One subscription of the app: `contact.propertyChange` (optionally for one property),
/// `object.creation` for generic events (optionally for one `objectTypeId`), ...
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub id: u64,
    pub subscription_type: String,
    #[serde(default)]
    pub property_name: Option<String>,
    #[serde(default)]
    pub object_type_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WebhookSettings {
    /// No target, no deliveries: events produced meanwhile are discarded, as HubSpot would.
    pub target_url: Option<String>,
    /// Signing secret; the app's client secret when absent.
    pub client_secret: Option<String>,
    /// Empty means every event of the four object types, each type with its own id.
    pub subscriptions: Vec<Subscription>,
    /// HubSpot sends at most 100 events a request.
    pub max_batch: usize,
    /// How long events gather before a batch leaves.
    pub batch_window_ms: u64,
    /// In-flight requests at once (HubSpot's default is 10 per account).
    pub max_concurrent: usize,
    /// Retries after the first attempt (HubSpot: up to 10).
    pub max_retries: u32,
    /// First retry delay; doubles with each attempt, with jitter.
    pub retry_base_ms: u64,
    /// A delivery not answered within this is a failure (HubSpot: 5 s).
    pub timeout_ms: u64,
    /// Share (0.0-1.0) of successful batches delivered a second time.
    pub duplicate_share: f64,
    /// Shuffle events within a batch and send ready batches newest first.
    pub out_of_order: bool,
    /// `changeFlag` on creation events (docs: `NEW`; live captures: `CREATED`).
    pub change_flag: String,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            target_url: None,
            client_secret: None,
            subscriptions: Vec::new(),
            max_batch: 100,
            batch_window_ms: 50,
            max_concurrent: 10,
            max_retries: 10,
            retry_base_ms: 200,
            timeout_ms: 5000,
            duplicate_share: 0.0,
            out_of_order: false,
            change_flag: "NEW".into(),
        }
    }
}
