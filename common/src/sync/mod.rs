//! The sync worker's domain: which HubSpot objects Deeto keeps (relevance), which of their
//! properties (mapping), order-safe updates of Deeto's records, campaign triggers, and the
//! messages published to the Deeto platform. Pure rules plus the ports they need; the worker
//! ties them together.

pub mod campaigns;
pub mod coalesce;
pub mod config;
pub mod fake_hubspot;
pub mod mapping;
pub mod memory;
pub mod outbound;
pub mod outbox;
pub mod overrides;
pub mod ports;
pub mod reads;
pub mod record;
pub mod refresh;
pub mod relevance;
pub mod worker;

pub use campaigns::{CampaignOverride, CampaignRule, CampaignRules, Enroll, fired};

pub use config::{ConfigError, DefaultConfigSource, SyncConfig, SyncConfigSource};
pub use mapping::{FieldMapping, MappingOverride};
pub use outbound::OutboundMessage;
pub use overrides::SyncOverrides;
pub use ports::{
    AppliedChange, CampaignLedger, FieldChange, MergeResult, OutboundPublisher, RecordStore,
};
pub use record::{CrmObject, DeetoRecord, FieldValue, RecordKey, Role};
pub use relevance::{ClosedStages, Relevance};
