//! One portal's sync configuration (mapped fields, campaign rules, closed deal stages) and
//! where it comes from.

use std::collections::BTreeSet;

use async_trait::async_trait;

use super::campaigns::CampaignRules;
use super::mapping::FieldMapping;
use super::record::CrmObject;
use super::relevance::ClosedStages;
use crate::domain::ids::TenantId;
use crate::ports::StoreError;

/// Why a mapping, rule or override document was refused; each error says where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// Not JSON, or not the expected shape: serde's own position.
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// Well-formed JSON with a bad value, at a JSON path such as `contacts.add[2]`.
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl From<serde_json::Error> for ConfigError {
    fn from(err: serde_json::Error) -> Self {
        ConfigError::Syntax {
            line: err.line(),
            column: err.column(),
            message: err.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncConfig {
    pub mapping: FieldMapping,
    pub rules: CampaignRules,
    pub closed_stages: ClosedStages,
    pub tickets: TicketSettings,
}

/// Where Deeto's tickets go: a pipeline and stage by HubSpot's internal ids.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketSettings {
    pub pipeline: String,
    pub stage: String,
}

impl TicketSettings {
    /// HubSpot's default support pipeline (`0`) and its first stage (`1`, "New"). A portal
    /// whose default pipeline differs sets its own with the tenant overrides.
    pub fn hubspot_default() -> Self {
        Self {
            pipeline: "0".into(),
            stage: "1".into(),
        }
    }
}

impl SyncConfig {
    pub fn repo_default() -> Self {
        Self {
            mapping: FieldMapping::repo_default(),
            rules: CampaignRules::repo_default(),
            closed_stages: ClosedStages::hubspot_default(),
            tickets: TicketSettings::hubspot_default(),
        }
    }

    /// Properties kept for an object: the mapped ones plus those campaign rules watch (a rule
    /// can only see a transition if the old value is stored).
    pub fn tracked(&self, object: CrmObject) -> BTreeSet<String> {
        self.mapping
            .properties(object)
            .chain(self.rules.watched(object))
            .map(str::to_owned)
            .collect()
    }
}

/// Where the worker gets a tenant's configuration: the repo defaults with the tenant's stored
/// overrides applied.
#[async_trait]
pub trait SyncConfigSource: Send + Sync {
    async fn config(&self, tenant: &TenantId) -> Result<SyncConfig, StoreError>;
}

/// Every portal uses the repo's default files.
#[derive(Debug, Clone)]
pub struct DefaultConfigSource(pub SyncConfig);

impl Default for DefaultConfigSource {
    fn default() -> Self {
        Self(SyncConfig::repo_default())
    }
}

#[async_trait]
impl SyncConfigSource for DefaultConfigSource {
    async fn config(&self, _tenant: &TenantId) -> Result<SyncConfig, StoreError> {
        Ok(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracked_properties_include_those_campaign_rules_watch() {
        let mut config = SyncConfig::repo_default();
        config.rules.rules[0].property = "hs_persona".into();

        let tracked = config.tracked(CrmObject::Contact);

        assert!(tracked.contains("hs_persona"));
        assert!(tracked.contains("email"));
        assert!(!config.tracked(CrmObject::Company).contains("hs_persona"));
    }
}
