//! One search filter and its operators, comparing as the property's type says: numbers as
//! numbers, dates as instants (epoch ms or ISO-8601), strings case-insensitively for EQ/NEQ.

use std::cmp::Ordering;

use serde::Deserialize;
use serde_json::Value;

use super::schema::ObjectSchema;
use super::table::Record;
use crate::clock::parse_iso;
use crate::error::{ApiError, ApiResult};

const OPERATORS: [&str; 13] = [
    "EQ",
    "NEQ",
    "LT",
    "LTE",
    "GT",
    "GTE",
    "BETWEEN",
    "IN",
    "NOT_IN",
    "HAS_PROPERTY",
    "NOT_HAS_PROPERTY",
    "CONTAINS_TOKEN",
    "NOT_CONTAINS_TOKEN",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Filter {
    pub property_name: String,
    pub operator: String,
    #[serde(default)]
    pub value: Option<Value>,
    #[serde(default)]
    pub high_value: Option<Value>,
    #[serde(default)]
    pub values: Option<Vec<Value>>,
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Filter {
    pub fn validate(&self, schema: &ObjectSchema) -> ApiResult<()> {
        if !OPERATORS.contains(&self.operator.as_str()) {
            return Err(ApiError::validation(format!(
                "Unknown operator {}",
                self.operator
            )));
        }
        if !schema.properties.contains_key(&self.property_name) {
            return Err(ApiError::validation(format!(
                "Property {} does not exist",
                self.property_name
            ))
            .with_sub_category("PROPERTY_DOESNT_EXIST"));
        }
        let needs_value = !matches!(
            self.operator.as_str(),
            "HAS_PROPERTY" | "NOT_HAS_PROPERTY" | "IN" | "NOT_IN"
        );
        let missing = (needs_value && self.value.is_none())
            || (self.operator == "BETWEEN" && self.high_value.is_none())
            || (self.operator.ends_with("IN") && self.values.is_none());
        if missing {
            return Err(ApiError::validation(format!(
                "Filter on {} with {} is missing its value",
                self.property_name, self.operator
            )));
        }
        Ok(())
    }
}

pub fn matches(record: &Record, filter: &Filter, schema: &ObjectSchema) -> bool {
    let kind = schema
        .properties
        .get(&filter.property_name)
        .map(|d| d.kind.as_str())
        .unwrap_or("string");
    let actual = record.get(&filter.property_name).filter(|v| !v.is_empty());
    let value = filter.value.as_ref().map(text).unwrap_or_default();
    let cmp = |expected: &str| actual.and_then(|a| compare_values(kind, a, expected));
    let values = || filter.values.iter().flatten().map(text);
    match filter.operator.as_str() {
        "EQ" => cmp(&value) == Some(Ordering::Equal),
        "NEQ" => cmp(&value) != Some(Ordering::Equal),
        "LT" => cmp(&value) == Some(Ordering::Less),
        "LTE" => matches!(cmp(&value), Some(Ordering::Less | Ordering::Equal)),
        "GT" => cmp(&value) == Some(Ordering::Greater),
        "GTE" => matches!(cmp(&value), Some(Ordering::Greater | Ordering::Equal)),
        "BETWEEN" => {
            let high = filter.high_value.as_ref().map(text).unwrap_or_default();
            matches!(cmp(&value), Some(Ordering::Greater | Ordering::Equal))
                && matches!(cmp(&high), Some(Ordering::Less | Ordering::Equal))
        }
        "IN" => actual.is_some_and(|a| values().any(|v| in_match(kind, a, &v))),
        "NOT_IN" => !actual.is_some_and(|a| values().any(|v| in_match(kind, a, &v))),
        "HAS_PROPERTY" => actual.is_some(),
        "NOT_HAS_PROPERTY" => actual.is_none(),
        "CONTAINS_TOKEN" => actual.is_some_and(|a| token_match(a, &value)),
        "NOT_CONTAINS_TOKEN" => !actual.is_some_and(|a| token_match(a, &value)),
        _ => false,
    }
}

/// Orders two values of a property of type `kind`; `None` when they cannot be compared.
pub fn compare_values(kind: &str, actual: &str, expected: &str) -> Option<Ordering> {
    match kind {
        "number" => actual
            .parse::<f64>()
            .ok()?
            .partial_cmp(&expected.parse::<f64>().ok()?),
        "datetime" | "date" => Some(instant(actual)?.cmp(&instant(expected)?)),
        "enumeration" | "bool" => Some(actual.cmp(expected)),
        _ => Some(actual.to_lowercase().cmp(&expected.to_lowercase())),
    }
}

fn instant(value: &str) -> Option<i64> {
    value.parse::<i64>().ok().or_else(|| parse_iso(value))
}

/// IN on string properties wants the values lowercased (HubSpot's documented quirk): a value
/// given in upper case does not match, exactly as in HubSpot.
fn in_match(kind: &str, actual: &str, expected: &str) -> bool {
    match kind {
        "string" | "phone_number" => actual.to_lowercase() == expected,
        _ => compare_values(kind, actual, expected) == Some(Ordering::Equal),
    }
}

/// Token search; a `*` in the value is a wildcard over the whole value (`*@example.com`).
fn token_match(actual: &str, value: &str) -> bool {
    let (actual, value) = (actual.to_lowercase(), value.to_lowercase());
    if value.contains('*') {
        let parts: Vec<&str> = value.split('*').collect();
        let mut rest = actual.as_str();
        for (i, part) in parts.iter().enumerate() {
            match rest.find(part) {
                Some(at) if i > 0 || at == 0 => rest = &rest[at + part.len()..],
                _ => return false,
            }
        }
        return parts
            .last()
            .is_none_or(|p| p.is_empty() || actual.ends_with(p));
    }
    actual
        .split(|c: char| !c.is_alphanumeric())
        .any(|t| t == value)
}
