//! CRM search: filter groups (OR) of filters (AND), one sort, `after` paging as an offset, and
//! HubSpot's limits: 5 groups, 6 filters a group, 18 in all, 200 a page, 10,000 results a query.

use std::cmp::Ordering;

use serde::Deserialize;
use serde_json::Value;

use super::filter::{Filter, compare_values, matches};
use super::portal::Portal;
use super::schema::ObjectSchema;
use super::table::Record;
use crate::error::{ApiError, ApiResult};
use crate::object_type::ObjectType;

pub const MAX_RESULTS: usize = 10_000;
pub const MAX_PAGE: usize = 200;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchRequest {
    #[serde(default)]
    pub filter_groups: Vec<FilterGroup>,
    #[serde(default)]
    pub sorts: Vec<Sort>,
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub properties: Vec<String>,
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub after: Option<Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct FilterGroup {
    #[serde(default)]
    pub filters: Vec<Filter>,
}

/// The docs write `{propertyName, direction}`; the spec types a sort as a string
/// (`"createdate"`, `"-createdate"`). Both are accepted.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Sort {
    Object {
        #[serde(rename = "propertyName")]
        property_name: String,
        #[serde(default)]
        direction: Option<String>,
    },
    Name(String),
}

impl Sort {
    fn parts(&self) -> (&str, bool) {
        match self {
            Self::Object {
                property_name,
                direction,
            } => (property_name, direction.as_deref() == Some("DESCENDING")),
            Self::Name(name) => match name.strip_prefix('-') {
                Some(rest) => (rest, true),
                None => (name, false),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPage {
    pub total: usize,
    pub ids: Vec<u64>,
    pub next_after: Option<String>,
}

impl SearchRequest {
    fn validate(&self) -> ApiResult<(usize, usize)> {
        let groups = self.filter_groups.len();
        let total: usize = self.filter_groups.iter().map(|g| g.filters.len()).sum();
        if groups > 5 || self.filter_groups.iter().any(|g| g.filters.len() > 6) || total > 18 {
            return Err(ApiError::validation(format!(
                "Too many filters: at most 5 filterGroups with 6 filters each and 18 filters in total are allowed (got {groups} groups, {total} filters)"
            )));
        }
        if self.sorts.len() > 1 {
            return Err(ApiError::validation("Only one sort is allowed"));
        }
        if self
            .query
            .as_ref()
            .is_some_and(|q| q.chars().count() > 3000)
        {
            return Err(ApiError::validation("query may be at most 3000 characters"));
        }
        let limit = self.limit.unwrap_or(10);
        if !(0..=MAX_PAGE as i64).contains(&limit) {
            return Err(ApiError::validation(format!(
                "limit must be between 0 and {MAX_PAGE}, got {limit}"
            )));
        }
        let offset = parse_after(self.after.as_ref())?;
        if offset >= MAX_RESULTS {
            return Err(ApiError::validation(format!(
                "The search API returns at most {MAX_RESULTS} results per query; after={offset} pages past it"
            ))
            .with_sub_category("SEARCH_RESULT_LIMIT_EXCEEDED"));
        }
        Ok((offset, limit as usize))
    }
}

fn parse_after(after: Option<&Value>) -> ApiResult<usize> {
    let text = match after {
        None | Some(Value::Null) => return Ok(0),
        Some(Value::String(s)) if s.is_empty() => return Ok(0),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    text.parse()
        .map_err(|_| ApiError::validation(format!("after must be a paging cursor, got {text}")))
}

pub fn search(
    portal: &Portal,
    object: ObjectType,
    request: &SearchRequest,
) -> ApiResult<SearchPage> {
    let (offset, limit) = request.validate()?;
    let schema = portal.schema(object);
    for filter in request.filter_groups.iter().flat_map(|g| &g.filters) {
        filter.validate(schema)?;
    }
    let query = request
        .query
        .as_deref()
        .map(str::to_lowercase)
        .filter(|q| !q.is_empty());
    let mut hits: Vec<&Record> = portal
        .table(object)
        .records
        .values()
        .filter(|r| !r.is_archived())
        .filter(|r| {
            request.filter_groups.is_empty()
                || request
                    .filter_groups
                    .iter()
                    .any(|g| g.filters.iter().all(|f| matches(r, f, schema)))
        })
        .filter(|r| query.as_deref().is_none_or(|q| query_matches(r, object, q)))
        .collect();
    if let Some(sort) = request.sorts.first() {
        sort_hits(&mut hits, sort, schema);
    }
    let total = hits.len();
    let end = (offset + limit).min(total).min(MAX_RESULTS);
    let ids = hits
        .get(offset..end)
        .unwrap_or_default()
        .iter()
        .map(|r| r.id)
        .collect();
    let next_after = (end < total && limit > 0).then(|| end.to_string());
    Ok(SearchPage {
        total,
        ids,
        next_after,
    })
}

fn sort_hits(hits: &mut [&Record], sort: &Sort, schema: &ObjectSchema) {
    let (name, descending) = sort.parts();
    let kind = schema
        .properties
        .get(name)
        .map(|d| d.kind.as_str())
        .unwrap_or("string");
    hits.sort_by(|a, b| {
        let ordering = match (a.get(name), b.get(name)) {
            (Some(x), Some(y)) => compare_values(kind, x, y).unwrap_or(Ordering::Equal),
            // Records without the property sort last in either direction.
            (Some(_), None) => return Ordering::Less,
            (None, Some(_)) => return Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        let ordering = if descending {
            ordering.reverse()
        } else {
            ordering
        };
        ordering.then(a.id.cmp(&b.id))
    });
}

fn query_matches(record: &Record, object: ObjectType, query: &str) -> bool {
    let fields: &[&str] = match object {
        ObjectType::Contacts => &["firstname", "lastname", "email", "phone", "company"],
        ObjectType::Companies => &["name", "domain", "phone", "website"],
        ObjectType::Deals => &["dealname"],
        ObjectType::Tickets => &["subject", "content"],
    };
    fields
        .iter()
        .filter_map(|f| record.get(f))
        .any(|v| v.to_lowercase().contains(query))
}
