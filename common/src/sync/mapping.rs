//! Which HubSpot properties Deeto keeps, per object type: a default in
//! `config/field-mapping.json`, and per-tenant overrides that add or remove properties.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::config::ConfigError;
use super::record::CrmObject;

const DEFAULT_MAPPING: &str = include_str!("../../../config/field-mapping.json");

/// Deal properties relevance is decided from: a tenant may not remove them.
const REQUIRED: [(CrmObject, &str); 2] = [
    (CrmObject::Deal, "dealstage"),
    (CrmObject::Deal, "pipeline"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMapping {
    properties: BTreeMap<CrmObject, BTreeSet<String>>,
}

/// A tenant's changes to the default mapping, e.g.
/// `{"contacts": {"add": ["hs_persona"], "remove": ["industry"]}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappingOverride {
    pub changes: BTreeMap<CrmObject, PropertyChanges>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropertyChanges {
    #[serde(default)]
    pub add: Vec<String>,
    #[serde(default)]
    pub remove: Vec<String>,
}

impl FieldMapping {
    /// The mapping shipped in `config/field-mapping.json`.
    pub fn repo_default() -> Self {
        // The file is compiled in and covered by a test: a bad edit fails the build's tests.
        Self::from_json(DEFAULT_MAPPING).unwrap_or_else(|_| Self {
            properties: BTreeMap::new(),
        })
    }

    /// Parses `{"contacts": [...], "companies": [...], "deals": [...]}`.
    pub fn from_json(raw: &str) -> Result<Self, Vec<ConfigError>> {
        let doc: BTreeMap<String, Vec<String>> =
            serde_json::from_str(raw).map_err(|e| vec![ConfigError::from(e)])?;
        let mut errors = Vec::new();
        let mut properties = BTreeMap::new();
        for (name, list) in doc {
            let Some(object) = object_named(&name, &name, &mut errors) else {
                continue;
            };
            check_names(&name, &list, &mut errors);
            properties.insert(object, list.into_iter().collect());
        }
        if errors.is_empty() {
            Ok(Self { properties })
        } else {
            Err(errors)
        }
    }

    pub fn properties(&self, object: CrmObject) -> impl Iterator<Item = &str> {
        self.properties
            .get(&object)
            .into_iter()
            .flat_map(|set| set.iter().map(String::as_str))
    }

    pub fn is_mapped(&self, object: CrmObject, property: &str) -> bool {
        self.properties
            .get(&object)
            .is_some_and(|set| set.contains(property))
    }

    /// This mapping with a tenant's additions and removals applied.
    pub fn with_overrides(&self, overrides: &MappingOverride) -> Self {
        let mut properties = self.properties.clone();
        for (object, changes) in &overrides.changes {
            let set = properties.entry(*object).or_default();
            for name in &changes.remove {
                set.remove(name);
            }
            set.extend(changes.add.iter().cloned());
        }
        Self { properties }
    }
}

impl MappingOverride {
    /// Parses and validates a tenant's override document, reporting every problem at once.
    pub fn parse(raw: &str) -> Result<Self, Vec<ConfigError>> {
        let doc: BTreeMap<String, PropertyChanges> =
            serde_json::from_str(raw).map_err(|e| vec![ConfigError::from(e)])?;
        Self::from_doc(doc, "")
    }

    /// Validates a parsed document; error paths start with `prefix` (e.g. `mapping.`).
    pub fn from_doc(
        doc: BTreeMap<String, PropertyChanges>,
        prefix: &str,
    ) -> Result<Self, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let mut changes = BTreeMap::new();
        for (name, change) in doc {
            let at = format!("{prefix}{name}");
            let Some(object) = object_named(&at, &name, &mut errors) else {
                continue;
            };
            check_names(&format!("{at}.add"), &change.add, &mut errors);
            check_names(&format!("{at}.remove"), &change.remove, &mut errors);
            for (i, removed) in change.remove.iter().enumerate() {
                if REQUIRED.contains(&(object, removed.as_str())) {
                    errors.push(ConfigError::Invalid {
                        path: format!("{at}.remove[{i}]"),
                        message: format!("`{removed}` decides relevance and cannot be removed"),
                    });
                }
            }
            changes.insert(object, change);
        }
        if errors.is_empty() {
            Ok(Self { changes })
        } else {
            Err(errors)
        }
    }
}

fn object_named(path: &str, name: &str, errors: &mut Vec<ConfigError>) -> Option<CrmObject> {
    let object = CrmObject::from_plural(name);
    if object.is_none() {
        errors.push(ConfigError::Invalid {
            path: path.to_owned(),
            message: "unknown object type (expected contacts, companies or deals)".into(),
        });
    }
    object
}

/// HubSpot internal property names: lower-case letters, digits and underscores.
pub(super) fn check_name(path: String, name: &str) -> Option<ConfigError> {
    let valid = !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    (!valid).then(|| ConfigError::Invalid {
        path,
        message: format!("`{name}` is not a HubSpot internal property name"),
    })
}

fn check_names(path: &str, names: &[String], errors: &mut Vec<ConfigError>) {
    let bad = names
        .iter()
        .enumerate()
        .filter_map(|(i, name)| check_name(format!("{path}[{i}]"), name));
    errors.extend(bad);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repo_default_file_is_valid_and_maps_the_documented_properties() {
        let mapping = FieldMapping::from_json(DEFAULT_MAPPING).expect("valid default");

        assert!(mapping.is_mapped(CrmObject::Contact, "lifecyclestage"));
        assert!(mapping.is_mapped(CrmObject::Company, "domain"));
        assert!(mapping.is_mapped(CrmObject::Deal, "hubspot_owner_id"));
        assert!(!mapping.is_mapped(CrmObject::Contact, "hs_persona"));
        assert_eq!(mapping, FieldMapping::repo_default());
    }

    #[test]
    fn an_override_adds_and_removes_properties_of_one_object_only() {
        let overrides = MappingOverride::parse(
            r#"{"contacts": {"add": ["hs_persona"], "remove": ["industry"]}}"#,
        )
        .expect("valid");

        let mapping = FieldMapping::repo_default().with_overrides(&overrides);

        assert!(mapping.is_mapped(CrmObject::Contact, "hs_persona"));
        assert!(!mapping.is_mapped(CrmObject::Contact, "industry"));
        assert!(mapping.is_mapped(CrmObject::Company, "industry"));
    }

    #[test]
    fn a_syntax_error_names_its_line_and_column() {
        let raw = "{\n  \"contacts\": {\n    \"add\": [\"a\",]\n  }\n}";

        let errors = MappingOverride::parse(raw).expect_err("trailing comma");

        assert!(
            matches!(errors.as_slice(), [ConfigError::Syntax { line: 3, .. }]),
            "{errors:?}"
        );
    }

    #[test]
    fn an_unknown_key_inside_an_object_names_its_line() {
        let raw = "{\n  \"deals\": {\n    \"rename\": []\n  }\n}";

        let errors = MappingOverride::parse(raw).expect_err("unknown field");

        assert!(
            matches!(&errors[..], [ConfigError::Syntax { line: 3, message, .. }] if message.contains("rename")),
            "{errors:?}"
        );
    }

    #[test]
    fn every_bad_value_is_reported_by_its_json_path() {
        let raw = r#"{"tickets": {"add": ["x"]},
            "contacts": {"add": ["ok", "", "Bad Name"]},
            "deals": {"remove": ["amount", "dealstage"]}}"#;

        let errors = MappingOverride::parse(raw).expect_err("invalid");
        let paths: Vec<String> = errors
            .iter()
            .map(|e| match e {
                ConfigError::Invalid { path, .. } => path.clone(),
                other => panic!("unexpected {other:?}"),
            })
            .collect();

        assert_eq!(
            paths,
            [
                "contacts.add[1]",
                "contacts.add[2]",
                "deals.remove[1]",
                "tickets"
            ]
        );
    }
}
