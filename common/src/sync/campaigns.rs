//! Campaign triggers: a property reaching a value enrolls contacts in a Deeto campaign. Rules
//! ship in `config/campaign-rules.json`; a tenant may disable, replace or add rules.

use serde::{Deserialize, Serialize};

use super::config::ConfigError;
use super::mapping::check_name;
use super::record::CrmObject;

const DEFAULT_RULES: &str = include_str!("../../../config/campaign-rules.json");

/// Who a fired rule enrolls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Enroll {
    /// The contact whose property changed.
    Contact,
    /// Every contact associated with the deal whose property changed.
    DealContacts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CampaignRule {
    pub id: String,
    pub object: CrmObject,
    pub property: String,
    pub to_value: String,
    /// When given, the rule fires only when leaving one of these values (a known old value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_values: Option<Vec<String>>,
    pub enroll: Enroll,
    pub campaign: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignRules {
    pub rules: Vec<CampaignRule>,
}

/// A tenant's changes: rule ids to disable, and rules to add (same id replaces).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignOverride {
    #[serde(default)]
    pub disable: Vec<String>,
    #[serde(default)]
    pub rules: Vec<CampaignRule>,
}

impl CampaignRule {
    /// True when this change is the transition the rule waits for.
    pub fn fires_on(
        &self,
        object: CrmObject,
        property: &str,
        old: Option<&str>,
        new: &str,
    ) -> bool {
        let from_ok = match &self.from_values {
            None => true,
            Some(allowed) => old.is_some_and(|o| allowed.iter().any(|a| a == o)),
        };
        self.object == object
            && self.property == property
            && self.to_value == new
            && old != Some(new)
            && from_ok
    }
}

/// The rules a change fires; a change that does not alter the value fires none.
pub fn fired<'a>(
    rules: &'a CampaignRules,
    object: CrmObject,
    property: &str,
    old: Option<&str>,
    new: &str,
) -> Vec<&'a CampaignRule> {
    rules
        .rules
        .iter()
        .filter(|rule| rule.fires_on(object, property, old, new))
        .collect()
}

impl CampaignRules {
    /// The rules shipped in `config/campaign-rules.json`.
    pub fn repo_default() -> Self {
        // Compiled in and covered by a test, so the fallback is never taken in practice.
        Self::parse(DEFAULT_RULES).unwrap_or_default()
    }

    pub fn parse(raw: &str) -> Result<Self, Vec<ConfigError>> {
        let rules: Self = serde_json::from_str(raw).map_err(|e| vec![ConfigError::from(e)])?;
        let errors = validate("rules", &rules.rules);
        if errors.is_empty() {
            Ok(rules)
        } else {
            Err(errors)
        }
    }

    /// Properties the rules watch on an object: the worker must keep their values.
    pub fn watched(&self, object: CrmObject) -> impl Iterator<Item = &str> {
        self.rules
            .iter()
            .filter(move |r| r.object == object)
            .map(|r| r.property.as_str())
    }

    pub fn with_overrides(&self, overrides: &CampaignOverride) -> Self {
        let replaced = |id: &str| {
            overrides.disable.iter().any(|d| d == id) || overrides.rules.iter().any(|r| r.id == id)
        };
        let mut rules: Vec<CampaignRule> = self
            .rules
            .iter()
            .filter(|r| !replaced(&r.id))
            .cloned()
            .collect();
        rules.extend(overrides.rules.iter().cloned());
        Self { rules }
    }
}

impl CampaignOverride {
    pub fn parse(raw: &str) -> Result<Self, Vec<ConfigError>> {
        let overrides: Self = serde_json::from_str(raw).map_err(|e| vec![ConfigError::from(e)])?;
        let errors = validate("rules", &overrides.rules);
        if errors.is_empty() {
            Ok(overrides)
        } else {
            Err(errors)
        }
    }
}

pub(super) fn validate(path: &str, rules: &[CampaignRule]) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let mut invalid = |field: &str, message: String| {
            errors.push(ConfigError::Invalid {
                path: format!("{at}.{field}"),
                message,
            });
        };
        if rule.id.trim().is_empty() {
            invalid("id", "must not be empty".into());
        } else if rules[..i].iter().any(|r| r.id == rule.id) {
            invalid("id", format!("`{}` is used by an earlier rule", rule.id));
        }
        if rule.campaign.trim().is_empty() {
            invalid("campaign", "must not be empty".into());
        }
        let needs = match rule.enroll {
            Enroll::Contact => CrmObject::Contact,
            Enroll::DealContacts => CrmObject::Deal,
        };
        if rule.object != needs {
            invalid(
                "enroll",
                format!("cannot enroll from a {} rule", rule.object),
            );
        }
        errors.extend(check_name(format!("{at}.property"), &rule.property));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> CampaignRules {
        CampaignRules::parse(DEFAULT_RULES).expect("the shipped rules are valid")
    }

    fn fired_ids(object: CrmObject, property: &str, old: Option<&str>, new: &str) -> Vec<String> {
        let rules = rules();
        fired(&rules, object, property, old, new)
            .into_iter()
            .map(|r| r.id.clone())
            .collect()
    }

    #[test]
    fn a_contact_becoming_a_customer_fires_reference_recruitment() {
        let fired = fired_ids(
            CrmObject::Contact,
            "lifecyclestage",
            Some("lead"),
            "customer",
        );

        assert_eq!(fired, ["contact-became-customer"]);
        assert_eq!(rules().rules[0].campaign, "reference-recruitment");
    }

    #[test]
    fn a_deal_closing_won_fires_post_sale_advocacy_for_its_contacts() {
        let rules = rules();

        let fired = fired(&rules, CrmObject::Deal, "dealstage", None, "closedwon");

        assert_eq!(fired.len(), 1);
        assert_eq!(fired[0].enroll, Enroll::DealContacts);
        assert_eq!(fired[0].campaign, "post-sale-advocacy");
    }

    #[test]
    fn nothing_fires_without_a_transition_or_for_another_value_or_object() {
        assert!(
            fired_ids(
                CrmObject::Contact,
                "lifecyclestage",
                Some("customer"),
                "customer"
            )
            .is_empty()
        );
        assert!(
            fired_ids(
                CrmObject::Contact,
                "lifecyclestage",
                Some("lead"),
                "opportunity"
            )
            .is_empty()
        );
        assert!(fired_ids(CrmObject::Company, "lifecyclestage", None, "customer").is_empty());
        assert!(fired_ids(CrmObject::Contact, "jobtitle", None, "customer").is_empty());
    }

    #[test]
    fn from_values_restrict_the_rule_to_known_old_values() {
        let mut rule = rules().rules[0].clone();
        rule.from_values = Some(vec!["opportunity".into()]);

        assert!(rule.fires_on(
            CrmObject::Contact,
            "lifecyclestage",
            Some("opportunity"),
            "customer"
        ));
        assert!(!rule.fires_on(
            CrmObject::Contact,
            "lifecyclestage",
            Some("lead"),
            "customer"
        ));
        assert!(!rule.fires_on(CrmObject::Contact, "lifecyclestage", None, "customer"));
    }

    #[test]
    fn a_tenant_override_disables_replaces_and_adds_rules() {
        let overrides = CampaignOverride::parse(
            r#"{"disable": ["deal-closed-won"], "rules": [
              {"id": "contact-became-customer", "object": "contact", "property": "lifecyclestage",
               "toValue": "evangelist", "enroll": "contact", "campaign": "reference-recruitment"},
              {"id": "vip", "object": "contact", "property": "hs_persona",
               "toValue": "persona_1", "enroll": "contact", "campaign": "vip-program"}]}"#,
        )
        .expect("valid");

        let merged = rules().with_overrides(&overrides);

        let summary: Vec<(&str, &str)> = merged
            .rules
            .iter()
            .map(|r| (r.id.as_str(), r.to_value.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                ("contact-became-customer", "evangelist"),
                ("vip", "persona_1")
            ]
        );
    }

    #[test]
    fn invalid_rules_are_reported_by_path_and_shape_errors_by_line() {
        let raw = r#"{"rules": [
          {"id": "a", "object": "company", "property": "Bad", "toValue": "x",
           "enroll": "dealContacts", "campaign": ""},
          {"id": "a", "object": "contact", "property": "p", "toValue": "x",
           "enroll": "contact", "campaign": "c"}]}"#;

        let errors = CampaignRules::parse(raw).expect_err("invalid");
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();

        assert_eq!(text.len(), 4, "{text:?}");
        assert!(text[0].starts_with("rules[0].campaign"));
        assert!(text[1].starts_with("rules[0].enroll"));
        assert!(text[2].starts_with("rules[0].property"));
        assert!(text[3].starts_with("rules[1].id"));
        let shape = CampaignRules::parse("{\"rules\": [\n {\"id\": 1}]}").expect_err("shape");
        assert!(matches!(shape[0], ConfigError::Syntax { line: 2, .. }));
    }
}
