//! Turning a request body into commands, or into every problem with it at once.
//!
//! The body is read as JSON once, each command is checked field by field against the rules
//! below (so a client sees all of its mistakes in one answer, each at a JSON path), and only a
//! command with no problem is deserialised into its type: serde stays the one definition of
//! the shape, these rules add the limits it cannot express.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};

use super::DeetoCommand;
use crate::install::properties::INTERACTION_TYPES;
use crate::webhook::event::json_kind;

/// At most this many commands per request.
pub const MAX_COMMANDS: usize = 100;
/// Problems listed in one answer; the rest are counted (a huge bad body must not make a huge
/// answer).
pub const MAX_REPORTED: usize = 100;
/// The path of the body as a whole.
pub const ROOT: &str = "$";

/// One problem, where it is (`commands[2].email`, `type`, `$` for the whole body) and what
/// is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

/// Parses one command object or `{"commands": [...]}` (1 to [`MAX_COMMANDS`]); on failure,
/// lists every problem found.
pub fn parse_commands(body: &[u8]) -> Result<Vec<DeetoCommand>, Vec<FieldError>> {
    let value: Value = serde_json::from_slice(body).map_err(|err| {
        vec![FieldError {
            path: ROOT.into(),
            message: format!("body is not valid JSON: {err}"),
        }]
    })?;
    let mut report = Report::default();
    let mut commands = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    for (path, item) in envelope(value, &mut report) {
        // Ids are compared even when their commands have other problems: every problem at once.
        let id = item
            .get("id")
            .filter(|id| Rule::Id.check(id).is_ok())
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(command) = check_command(&path, item, &mut report) {
            commands.push(command);
        }
        let Some(id) = id else { continue };
        let id_path = join(&path, "id");
        match seen.get(&id) {
            Some(first) => report.push(
                id_path,
                format!("duplicate id {id:?}; also used at {first}"),
            ),
            None => {
                seen.insert(id, id_path);
            }
        }
    }
    report.finish(commands)
}

/// The commands in the body, each with its path prefix (`""` for a lone command).
fn envelope(value: Value, report: &mut Report) -> Vec<(String, Value)> {
    match value {
        Value::Object(mut map) if map.contains_key("commands") => {
            let list = map.remove("commands").unwrap_or(Value::Null);
            for key in map.keys() {
                report.push(
                    join("", key),
                    "unknown field; a batch holds only `commands`",
                );
            }
            let Value::Array(items) = list else {
                report.push(
                    "commands",
                    format!("must be an array of commands, found {}", json_kind(&list)),
                );
                return Vec::new();
            };
            if items.is_empty() || items.len() > MAX_COMMANDS {
                report.push(
                    "commands",
                    format!(
                        "must hold 1 to {MAX_COMMANDS} commands, found {}",
                        items.len()
                    ),
                );
            }
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| (format!("commands[{i}]"), item))
                .collect()
        }
        Value::Object(map) => vec![(String::new(), Value::Object(map))],
        other => {
            report.push(
                ROOT,
                format!(
                    "must be a command object or {{\"commands\": [...]}}, found {}",
                    json_kind(&other)
                ),
            );
            Vec::new()
        }
    }
}

/// Checks one command; returns it when it has no problem.
fn check_command(prefix: &str, value: Value, report: &mut Report) -> Option<DeetoCommand> {
    let here = if prefix.is_empty() { ROOT } else { prefix };
    let Value::Object(map) = value else {
        report.push(
            here,
            format!("must be a command object, found {}", json_kind(&value)),
        );
        return None;
    };
    let before = report.count();
    let Some(spec) = command_spec(prefix, &map, report) else {
        // Without a known type only the id can be judged.
        check_field(prefix, &map, &ID, report);
        return None;
    };
    for key in map.keys().filter(|k| *k != "type") {
        if !spec.fields.iter().any(|f| f.name == key) {
            let known: Vec<&str> = spec.fields.iter().map(|f| f.name).collect();
            report.push(
                join(prefix, key),
                format!(
                    "unknown field for {}; expected {}",
                    spec.name,
                    known.join(", ")
                ),
            );
        }
    }
    for field in spec.fields {
        check_field(prefix, &map, field, report);
    }
    if report.count() > before {
        return None;
    }
    serde_json::from_value(Value::Object(map))
        .map_err(|err| report.push(here, err.to_string()))
        .ok()
}

fn command_spec(
    prefix: &str,
    map: &Map<String, Value>,
    report: &mut Report,
) -> Option<&'static Spec> {
    let path = join(prefix, "type");
    let names = || SPECS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ");
    match map.get("type") {
        None => report.push(path, format!("missing field; expected one of {}", names())),
        Some(Value::String(name)) => match SPECS.iter().find(|s| s.name == name) {
            Some(spec) => return Some(spec),
            None => report.push(
                path,
                format!(
                    "unknown command type {}; expected one of {}",
                    describe(&map["type"]),
                    names()
                ),
            ),
        },
        Some(other) => report.push(
            path,
            format!("must be a string, found {}", json_kind(other)),
        ),
    }
    None
}

fn check_field(prefix: &str, map: &Map<String, Value>, field: &Field, report: &mut Report) {
    // An optional field may be null; a required one may not.
    let present = map
        .get(field.name)
        .filter(|v| field.required || !v.is_null());
    match present {
        Some(value) => {
            if let Err(message) = field.rule.check(value) {
                report.push(join(prefix, field.name), message);
            }
        }
        None if field.required => report.push(join(prefix, field.name), "missing field"),
        None => {}
    }
}

/// `prefix.name`, or `prefix["odd name"]` when the name is not a plain identifier.
fn join(prefix: &str, name: &str) -> String {
    let plain = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    match (prefix.is_empty(), plain) {
        (true, true) => name.to_owned(),
        (false, true) => format!("{prefix}.{name}"),
        (_, false) => format!("{prefix}[{}]", Value::String(name.to_owned())),
    }
}

/// The problems found so far, at most [`MAX_REPORTED`] of them listed.
#[derive(Debug, Default)]
struct Report {
    errors: Vec<FieldError>,
    unlisted: usize,
}

impl Report {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        if self.errors.len() < MAX_REPORTED {
            self.errors.push(FieldError {
                path: path.into(),
                message: message.into(),
            });
        } else {
            self.unlisted += 1;
        }
    }

    fn count(&self) -> usize {
        self.errors.len() + self.unlisted
    }

    fn finish<T>(mut self, value: T) -> Result<T, Vec<FieldError>> {
        if self.unlisted > 0 {
            self.errors.push(FieldError {
                path: ROOT.into(),
                message: format!("{} more problems not listed", self.unlisted),
            });
        }
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

/// A command type's fields, as the JSON names them.
#[derive(Debug)]
struct Spec {
    name: &'static str,
    fields: &'static [Field],
}

#[derive(Debug)]
struct Field {
    name: &'static str,
    rule: Rule,
    required: bool,
}

const fn req(name: &'static str, rule: Rule) -> Field {
    Field {
        name,
        rule,
        required: true,
    }
}

const fn opt(name: &'static str, rule: Rule) -> Field {
    Field {
        name,
        rule,
        required: false,
    }
}

const ID: Field = req("id", Rule::Id);

static SPECS: [Spec; 4] = [
    Spec {
        name: "reference.created",
        fields: &[
            ID,
            req("contactId", Rule::HubSpotId),
            req("deetoId", Rule::DeetoId),
            opt("companyDeetoId", Rule::DeetoId),
        ],
    },
    Spec {
        name: "lead.created",
        fields: &[
            ID,
            req("deetoId", Rule::DeetoId),
            req("email", Rule::Email),
            req("firstName", Rule::Text),
            req("lastName", Rule::Text),
            opt("company", Rule::Text),
            opt("jobTitle", Rule::Text),
        ],
    },
    Spec {
        name: "connection.created",
        fields: &[
            ID,
            req("deetoId", Rule::DeetoId),
            req("prospectContactId", Rule::HubSpotId),
            req("referenceContactId", Rule::HubSpotId),
            opt("dealId", Rule::HubSpotId),
            req("connectionType", Rule::ConnectionType),
            req("status", Rule::Status),
            opt("subject", Rule::Subject),
        ],
    },
    Spec {
        name: "connection.updated",
        fields: &[
            ID,
            req("deetoId", Rule::DeetoId),
            opt("status", Rule::Status),
            opt("connectionType", Rule::ConnectionType),
        ],
    },
];

#[derive(Debug, Clone, Copy)]
enum Rule {
    /// 1–128 printable ASCII characters.
    Id,
    /// 1–256 characters.
    DeetoId,
    /// Plausibly an address, at most 254 characters (RFC 5321's path limit).
    Email,
    /// Names, company, job title: at most 256 characters.
    Text,
    /// 1–100 characters.
    Status,
    /// At most 255 characters (HubSpot's ticket subject).
    Subject,
    /// One of the `deeto_type` options.
    ConnectionType,
    /// A HubSpot record id: a positive integer.
    HubSpotId,
}

impl Rule {
    fn check(self, value: &Value) -> Result<(), String> {
        if let Rule::HubSpotId = self {
            return match value.as_u64() {
                Some(id) if id > 0 => Ok(()),
                _ => Err(format!(
                    "must be a positive integer (a HubSpot record id), found {}",
                    describe(value)
                )),
            };
        }
        let Value::String(text) = value else {
            return Err(format!("must be a string, found {}", json_kind(value)));
        };
        let chars = text.chars().count();
        match self {
            Rule::Id
                if !(1..=128).contains(&chars)
                    || !text.bytes().all(|b| (0x20..0x7f).contains(&b)) =>
            {
                Err(format!(
                    "must be 1 to 128 printable ASCII characters, found {}",
                    describe(value)
                ))
            }
            Rule::DeetoId => length(chars, 1, 256),
            Rule::Email if chars > 254 => length(chars, 0, 254),
            Rule::Email if !plausible_email(text) => {
                Err("must be an email address like name@example.com".into())
            }
            Rule::Text => length(chars, 0, 256),
            Rule::Status => length(chars, 1, 100),
            Rule::Subject => length(chars, 0, 255),
            Rule::ConnectionType if !INTERACTION_TYPES.iter().any(|(v, _)| v == text) => {
                let options: Vec<&str> = INTERACTION_TYPES.iter().map(|(v, _)| *v).collect();
                Err(format!(
                    "must be one of {}, found {}",
                    options.join(", "),
                    describe(value)
                ))
            }
            _ => Ok(()),
        }
    }
}

fn length(chars: usize, min: usize, max: usize) -> Result<(), String> {
    match (min, (min..=max).contains(&chars)) {
        (_, true) => Ok(()),
        (0, false) => Err(format!("must be at most {max} characters, found {chars}")),
        (_, false) => Err(format!("must be {min} to {max} characters, found {chars}")),
    }
}

/// A short rendering of a bad value for a message (long strings are not echoed whole).
fn describe(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() <= 40 => format!("{s:?}"),
        Value::String(s) => format!("a string of {} characters", s.chars().count()),
        other => json_kind(other).to_owned(),
    }
}

/// One `@`, a non-empty local part of at most 64 characters, a dotted domain of non-empty
/// labels, nothing blank or invisible. Whether the mailbox exists is HubSpot's business.
fn plausible_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let visible = text.chars().all(|c| !c.is_whitespace() && !c.is_control());
    let labels: Vec<&str> = domain.split('.').collect();
    visible
        && !local.is_empty()
        && local.chars().count() <= 64
        && !domain.contains('@')
        && labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
}

#[cfg(test)]
mod tests;
