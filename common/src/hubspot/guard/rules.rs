//! The allowlist of the module doc, as code: which route a request is ([`check`]); what its
//! body may hold is [`super::bodies`]. Pure: ticket ownership is left to the caller.

use std::collections::BTreeSet;

use super::bodies::{associate, create, group, present, property, update};
use crate::domain::ids::ObjectId;
use crate::hubspot::version::API_VERSION as V;
use crate::ports::{ApiRequest, HttpMethod};

/// What Deeto writes on contacts, companies and deals: the link to its own record.
pub const LINK_PROPERTIES: [&str; 1] = ["deeto_id"];
/// What a lead contact Deeto creates may carry.
pub const LEAD_PROPERTIES: [&str; 6] = [
    "email",
    "firstname",
    "lastname",
    "company",
    "jobtitle",
    "deeto_id",
];
/// What Deeto writes on its own tickets.
pub const TICKET_PROPERTIES: [&str; 7] = [
    "subject",
    "content",
    "hs_pipeline",
    "hs_pipeline_stage",
    "deeto_id",
    "deeto_status",
    "deeto_type",
];
/// Why a request is refused, naming the object, property or path at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

pub(super) type Checked<T> = Result<T, Refusal>;

pub(super) fn refuse<T>(reason: impl Into<String>) -> Checked<T> {
    Err(Refusal(reason.into()))
}

/// A request within the allowlist, possibly on condition that these tickets are Deeto's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    IfOwned(BTreeSet<ObjectId>),
    /// Associations `(ticket, to type, to id)`: each ticket Deeto's, each target its own
    /// connection's deal or one of its contacts.
    IfTheirs(Vec<(ObjectId, Target, ObjectId)>),
}

/// What a Deeto ticket may be associated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Contact,
    Deal,
}

pub fn method_name(method: HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Patch => "PATCH",
        HttpMethod::Put => "PUT",
    }
}

/// The allowlist. Never panics: whatever cannot be checked is refused.
pub fn check(request: &ApiRequest) -> Checked<Verdict> {
    let segments = segments(&request.path)?;
    if request.method == HttpMethod::Get {
        return Ok(Verdict::Allowed);
    }
    let Some(route) = route(request.method, &segments)? else {
        return refuse("not a request Deeto makes");
    };
    if route == Route::Read {
        return Ok(Verdict::Allowed);
    }
    if !request.query.is_empty() {
        return refuse("query parameters on a write");
    }
    let body = request.body.as_ref();
    match route {
        Route::Read => Ok(Verdict::Allowed),
        Route::Update { object, id } => update(object, id, present(body)?),
        Route::Create { object, batch } => create(object, batch, present(body)?),
        Route::Associate { to, single } => associate(to, single, body),
        Route::Group { object } => group(object, present(body)?),
        Route::Property { object, batch } => property(object, batch, present(body)?),
    }
}

/// The path's segments, refusing anything odd; the matching below is then exact.
fn segments(path: &str) -> Checked<Vec<&str>> {
    let plain = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    match path.strip_prefix('/') {
        Some(rest) if rest.split('/').all(plain) => Ok(rest.split('/').collect()),
        _ => refuse(format!("odd path {path:?}")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route<'a> {
    Read,
    /// `id` is `None` for a batch.
    Update {
        object: &'a str,
        id: Option<ObjectId>,
    },
    Create {
        object: &'a str,
        batch: bool,
    },
    /// `single` is `(ticket, to id)` for the one-association PUT, `None` for a batch.
    Associate {
        to: &'a str,
        single: Option<(ObjectId, ObjectId)>,
    },
    Group {
        object: &'a str,
    },
    Property {
        object: &'a str,
        batch: bool,
    },
}

fn route<'a>(method: HttpMethod, path: &[&'a str]) -> Checked<Option<Route<'a>>> {
    use HttpMethod::{Patch, Post, Put};
    Ok(Some(match (method, path) {
        (Post, ["crm", "objects", V, _, "batch", "read"])
        | (Post, ["crm", "objects", V, _, "search"])
        | (Post, ["crm", "associations", V, _, _, "batch", "read"])
        | (Post, ["crm", "properties", V, _, "batch", "read"]) => Route::Read,
        (Patch, ["crm", "objects", V, object, id]) => Route::Update {
            object,
            id: Some(path_id(id)?),
        },
        (Post, ["crm", "objects", V, object, "batch", "update"]) => {
            Route::Update { object, id: None }
        }
        (Post, ["crm", "objects", V, object]) => Route::Create {
            object,
            batch: false,
        },
        (Post, ["crm", "objects", V, object, "batch", "create"]) => Route::Create {
            object,
            batch: true,
        },
        (
            Put,
            [
                "crm",
                "objects",
                V,
                "tickets",
                ticket,
                "associations",
                "default",
                to,
                to_id,
            ],
        ) => Route::Associate {
            to,
            single: Some((path_id(ticket)?, path_id(to_id)?)),
        },
        (
            Post,
            [
                "crm",
                "associations",
                V,
                "tickets",
                to,
                "batch",
                "associate",
                "default",
            ],
        ) => Route::Associate { to, single: None },
        (Post, ["crm", "properties", V, object, "groups"]) => Route::Group { object },
        (Post, ["crm", "properties", V, object]) => Route::Property {
            object,
            batch: false,
        },
        (Post, ["crm", "properties", V, object, "batch", "create"]) => Route::Property {
            object,
            batch: true,
        },
        _ => return Ok(None),
    }))
}

pub(super) fn path_id(raw: &str) -> Checked<ObjectId> {
    match raw.parse() {
        Ok(id) if raw.bytes().all(|b| b.is_ascii_digit()) => Ok(ObjectId(id)),
        _ => refuse(format!("{raw:?} is not a record id")),
    }
}
