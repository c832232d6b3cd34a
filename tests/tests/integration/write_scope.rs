//! What Deeto promises customers, checked on what HubSpot (the simulator) actually received:
//! writes in exactly four situations, no deletion ever. This is a second, independent copy of
//! the allowlist in `common/src/hubspot/guard.rs`, written differently on purpose (a route
//! table of path templates instead of slice patterns) and never calling the guard, so a bug
//! in one is caught by the other. Change both, and the promise, together.
//!
//! It lives here rather than in `tests/src` because `hubspot-sim` is only a dev-dependency of
//! this crate.

mod checks;
pub(crate) mod install_flow;
mod self_check;

use common::hubspot::version::{API_VERSION, OAUTH_VERSION};
use hubspot_sim::JournalEntry;
use serde_json::{Map, Value};

/// Properties Deeto writes on contacts, companies and deals.
const LINK: &[&str] = &["deeto_id"];
/// Properties a lead contact may be created with.
const LEAD: &[&str] = &[
    "email",
    "firstname",
    "lastname",
    "company",
    "jobtitle",
    "deeto_id",
];
/// Properties Deeto writes on its tickets.
const TICKET: &[&str] = &[
    "subject",
    "content",
    "hs_pipeline",
    "hs_pipeline_stage",
    "deeto_id",
    "deeto_status",
    "deeto_type",
];
/// The properties install may create, by object type.
const SCHEMA: &[(&str, &[&str])] = &[
    ("contacts", &["deeto_id"]),
    ("companies", &["deeto_id"]),
    ("deals", &["deeto_id"]),
    ("tickets", &["deeto_id", "deeto_status", "deeto_type"]),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    Read,
    Link,
    LinkBatch,
    Lead,
    LeadBatch,
    TicketCreate,
    TicketCreateBatch,
    TicketUpdate,
    TicketUpdateBatch,
    AssociateOne,
    AssociateBatch,
    Group,
    Property,
    PropertyBatch,
}

/// Path templates: `{v}` the CRM API version, `{*}` any segment, `{id}` digits, `{a|b}` one
/// of the names. Captures are the `{...}` segments other than `{v}`, in order.
const ROUTES: &[(&str, &str, Write)] = &[
    ("POST", "/crm/objects/{v}/{*}/batch/read", Write::Read),
    ("POST", "/crm/objects/{v}/{*}/search", Write::Read),
    (
        "POST",
        "/crm/associations/{v}/{*}/{*}/batch/read",
        Write::Read,
    ),
    ("POST", "/crm/properties/{v}/{*}/batch/read", Write::Read),
    (
        "PATCH",
        "/crm/objects/{v}/{contacts|companies|deals}/{id}",
        Write::Link,
    ),
    (
        "POST",
        "/crm/objects/{v}/{contacts|companies|deals}/batch/update",
        Write::LinkBatch,
    ),
    ("POST", "/crm/objects/{v}/contacts", Write::Lead),
    (
        "POST",
        "/crm/objects/{v}/contacts/batch/create",
        Write::LeadBatch,
    ),
    ("POST", "/crm/objects/{v}/tickets", Write::TicketCreate),
    (
        "POST",
        "/crm/objects/{v}/tickets/batch/create",
        Write::TicketCreateBatch,
    ),
    (
        "PATCH",
        "/crm/objects/{v}/tickets/{id}",
        Write::TicketUpdate,
    ),
    (
        "POST",
        "/crm/objects/{v}/tickets/batch/update",
        Write::TicketUpdateBatch,
    ),
    (
        "PUT",
        "/crm/objects/{v}/tickets/{id}/associations/default/{contacts|deals}/{id}",
        Write::AssociateOne,
    ),
    (
        "POST",
        "/crm/associations/{v}/tickets/{contacts|deals}/batch/associate/default",
        Write::AssociateBatch,
    ),
    (
        "POST",
        "/crm/properties/{v}/{contacts|companies|deals|tickets}/groups",
        Write::Group,
    ),
    (
        "POST",
        "/crm/properties/{v}/{contacts|companies|deals|tickets}",
        Write::Property,
    ),
    (
        "POST",
        "/crm/properties/{v}/{contacts|companies|deals|tickets}/batch/create",
        Write::PropertyBatch,
    ),
];

/// Panics listing every request in `journal` outside Deeto's write scope. `deeto_tickets` are
/// the tickets Deeto created (the only ones it may update or associate).
pub fn assert_within_write_scope(journal: &[JournalEntry], deeto_tickets: &[u64]) {
    let deletes = journal.iter().filter(|e| e.method == "DELETE").count();
    let violations: Vec<String> = journal
        .iter()
        .filter_map(|entry| {
            violation(entry, deeto_tickets)
                .map(|why| format!("#{} {} {}: {why}", entry.seq, entry.method, entry.path))
        })
        .collect();
    assert!(
        deletes == 0 && violations.is_empty(),
        "{deletes} DELETE requests; {} requests outside Deeto's write scope:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

/// Why one request breaks the promise, if it does.
fn violation(entry: &JournalEntry, tickets: &[u64]) -> Option<String> {
    let plain = entry.path.len() > 1
        && entry.path.starts_with('/')
        && entry.path[1..].split('/').all(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
    if !plain {
        return Some("odd path".into());
    }
    match entry.method.as_str() {
        "GET" => return None,
        "DELETE" => return Some("a DELETE".into()),
        _ => {}
    }
    let oauth = format!("/oauth/{OAUTH_VERSION}/token");
    if entry.method == "POST"
        && [
            oauth.clone(),
            format!("{oauth}/introspect"),
            format!("{oauth}/revoke"),
        ]
        .contains(&entry.path)
    {
        return None;
    }
    let Some((write, captures)) = route(&entry.method, &entry.path) else {
        return Some("not a request Deeto makes".into());
    };
    if write == Write::Read {
        return None;
    }
    if !entry.query.is_empty() {
        return Some(format!("query `{}` on a write", entry.query));
    }
    let body = if entry.body.trim().is_empty() {
        Value::Null
    } else {
        match serde_json::from_str(&entry.body) {
            Ok(body) => body,
            Err(_) => return Some("body is not JSON".into()),
        }
    };
    checks::body(write, &captures, &body, tickets).err()
}

fn route<'p>(method: &str, path: &'p str) -> Option<(Write, Vec<&'p str>)> {
    ROUTES.iter().find_map(|(m, template, write)| {
        if *m != method {
            return None;
        }
        let (want, got): (Vec<&str>, Vec<&str>) =
            (template.split('/').collect(), path.split('/').collect());
        if want.len() != got.len() {
            return None;
        }
        let mut captures = Vec::new();
        for (w, g) in want.iter().zip(&got) {
            let matched = match *w {
                "{v}" => *g == API_VERSION,
                "{*}" => true,
                "{id}" => g.chars().all(|c| c.is_ascii_digit()),
                w if w.starts_with('{') => w.trim_matches(['{', '}']).split('|').any(|n| n == *g),
                w => w == *g,
            };
            if !matched {
                return None;
            }
            if w.starts_with('{') && *w != "{v}" {
                captures.push(*g);
            }
        }
        Some((*write, captures))
    })
}

/// The record objects a body writes: itself, or each of its `inputs`.
fn records(body: &Value, batch: bool) -> Result<Vec<&Map<String, Value>>, String> {
    let all: Vec<&Value> = if batch {
        let outer = body.as_object().ok_or("body is not an object")?;
        if outer.keys().any(|k| k != "inputs") {
            return Err("batch body has keys besides `inputs`".into());
        }
        outer
            .get("inputs")
            .and_then(Value::as_array)
            .ok_or("no `inputs` list")?
            .iter()
            .collect()
    } else {
        vec![body]
    };
    all.into_iter()
        .map(|v| {
            v.as_object()
                .ok_or_else(|| "an input is not an object".to_owned())
        })
        .collect()
}
