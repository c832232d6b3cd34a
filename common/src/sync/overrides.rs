//! A tenant's changes to the repo's sync configuration, as one JSON document stored with the
//! tenant and set with `deeto-hubspot config set` (README: "Relevance, mapping and campaigns"):
//!
//! ```json
//! { "mapping":      {"contacts": {"add": ["hs_persona"], "remove": ["industry"]}},
//!   "campaigns":    {"disable": ["deal-closed-won"], "rules": [ ... ]},
//!   "closedStages": {"12345": {"won": ["67890"], "lost": ["67891"]}},
//!   "tickets":      {"pipeline": "0", "stage": "1"} }
//! ```
//!
//! Every part is optional; every problem is reported at once, by line or JSON path.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::campaigns::{self, CampaignOverride};
use super::config::{ConfigError, SyncConfig, TicketSettings};
use super::mapping::{MappingOverride, PropertyChanges};
use super::relevance::PipelineStages;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncOverrides {
    pub mapping: MappingOverride,
    pub campaigns: CampaignOverride,
    /// Closed-won and closed-lost stage ids of the tenant's custom deal pipelines.
    pub closed_stages: BTreeMap<String, PipelineStages>,
    /// The pipeline and stage of Deeto's tickets.
    pub tickets: Option<TicketSettings>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Document {
    #[serde(default)]
    mapping: BTreeMap<String, PropertyChanges>,
    #[serde(default)]
    campaigns: CampaignOverride,
    #[serde(default)]
    closed_stages: BTreeMap<String, PipelineStages>,
    #[serde(default)]
    tickets: Option<TicketSettings>,
}

impl SyncOverrides {
    pub fn parse(raw: &str) -> Result<Self, Vec<ConfigError>> {
        let doc: Document = serde_json::from_str(raw).map_err(|e| vec![ConfigError::from(e)])?;
        let mut errors = campaigns::validate("campaigns.rules", &doc.campaigns.rules);
        for (pipeline, stages) in &doc.closed_stages {
            if stages.won.is_empty() && stages.lost.is_empty() {
                errors.push(ConfigError::Invalid {
                    path: format!("closedStages.{pipeline}"),
                    message: "name at least one closed stage id in `won` or `lost`".into(),
                });
            }
        }
        if let Some(tickets) = &doc.tickets {
            for (field, value) in [("pipeline", &tickets.pipeline), ("stage", &tickets.stage)] {
                if value.is_empty() || value.len() > 100 {
                    errors.push(ConfigError::Invalid {
                        path: format!("tickets.{field}"),
                        message: "give HubSpot's internal id (1 to 100 characters)".into(),
                    });
                }
            }
        }
        let mapping = MappingOverride::from_doc(doc.mapping, "mapping.").unwrap_or_else(|e| {
            errors.extend(e);
            MappingOverride::default()
        });
        if errors.is_empty() {
            Ok(Self {
                mapping,
                campaigns: doc.campaigns,
                closed_stages: doc.closed_stages,
                tickets: doc.tickets,
            })
        } else {
            Err(errors)
        }
    }
}

impl SyncConfig {
    /// This configuration with a tenant's overrides applied.
    pub fn with_overrides(&self, overrides: &SyncOverrides) -> Self {
        Self {
            mapping: self.mapping.with_overrides(&overrides.mapping),
            rules: self.rules.with_overrides(&overrides.campaigns),
            closed_stages: self
                .closed_stages
                .clone()
                .with_pipelines(&overrides.closed_stages),
            tickets: overrides
                .tickets
                .clone()
                .unwrap_or_else(|| self.tickets.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::record::CrmObject;
    use crate::sync::relevance::DealOutcome;

    #[test]
    fn a_full_document_changes_mapping_rules_and_pipelines() {
        let raw = r#"{"mapping": {"contacts": {"add": ["hs_persona"]}},
            "campaigns": {"disable": ["deal-closed-won"]},
            "closedStages": {"777": {"won": ["9001"], "lost": ["9002"]}}}"#;

        let overrides = SyncOverrides::parse(raw).expect("valid");
        let config = SyncConfig::repo_default().with_overrides(&overrides);

        assert!(config.mapping.is_mapped(CrmObject::Contact, "hs_persona"));
        assert!(config.rules.rules.iter().all(|r| r.id != "deal-closed-won"));
        let stages = &config.closed_stages;
        assert_eq!(stages.outcome(Some("777"), Some("9001")), DealOutcome::Won);
        assert_eq!(
            stages.outcome(Some("777"), Some("closedwon")),
            DealOutcome::Open
        );
        assert_eq!(
            stages.outcome(Some("default"), Some("closedlost")),
            DealOutcome::Lost
        );
    }

    #[test]
    fn an_empty_document_changes_nothing() {
        let overrides = SyncOverrides::parse("{}").expect("valid");

        assert_eq!(
            SyncConfig::repo_default().with_overrides(&overrides),
            SyncConfig::repo_default()
        );
    }

    #[test]
    fn problems_in_every_part_are_reported_together_by_path() {
        let raw = r#"{"mapping": {"tickets": {"add": ["x"]}},
            "campaigns": {"rules": [{"id": "", "object": "contact", "property": "lifecyclestage",
                "toValue": "customer", "enroll": "contact", "campaign": "c"}]},
            "closedStages": {"777": {}}}"#;

        let errors = SyncOverrides::parse(raw).expect_err("invalid");
        let paths: Vec<String> = errors
            .iter()
            .filter_map(|e| match e {
                ConfigError::Invalid { path, .. } => Some(path.clone()),
                ConfigError::Syntax { .. } => None,
            })
            .collect();

        assert!(
            paths.iter().any(|p| p.starts_with("campaigns.rules[0]")),
            "{paths:?}"
        );
        assert!(paths.contains(&"closedStages.777".to_owned()), "{paths:?}");
        assert!(paths.contains(&"mapping.tickets".to_owned()), "{paths:?}");
    }

    #[test]
    fn an_unknown_top_level_key_is_a_syntax_error_with_its_line() {
        let errors = SyncOverrides::parse("{\n \"maping\": {}\n}").expect_err("typo");

        assert!(
            matches!(&errors[..], [ConfigError::Syntax { line: 2, message, .. }] if message.contains("maping")),
            "{errors:?}"
        );
    }
}
