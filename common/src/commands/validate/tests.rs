use serde_json::{Value, json};

use super::*;
use crate::domain::ids::ObjectId;

fn reference() -> Value {
    json!({"type": "reference.created", "id": "cmd-ref-1", "contactId": 102,
        "deetoId": "ref_1", "companyDeetoId": "cmp_1"})
}

fn lead() -> Value {
    json!({"type": "lead.created", "id": "cmd-lead-1", "deetoId": "lead_1",
        "email": "dana@example.com", "firstName": "Dana", "lastName": "Prospect",
        "company": "Example Corp", "jobTitle": "VP Sales"})
}

fn connection() -> Value {
    json!({"type": "connection.created", "id": "cmd-conn-1", "deetoId": "conn_1",
        "prospectContactId": 101, "referenceContactId": 102, "dealId": 301,
        "connectionType": "reference_call", "status": "scheduled", "subject": "Call"})
}

fn update() -> Value {
    json!({"type": "connection.updated", "id": "cmd-conn-2", "deetoId": "conn_1",
        "status": "completed", "connectionType": "meeting"})
}

/// `base` with `field` set to `value` (`Value::Null` with `remove` drops it).
fn with(mut base: Value, field: &str, value: Value) -> Value {
    base[field] = value;
    base
}

fn without(mut base: Value, field: &str) -> Value {
    base.as_object_mut().map(|m| m.remove(field));
    base
}

fn batch(commands: Vec<Value>) -> Value {
    json!({ "commands": commands })
}

fn parse(body: &Value) -> Result<Vec<DeetoCommand>, Vec<FieldError>> {
    parse_commands(body.to_string().as_bytes())
}

#[test]
fn valid_bodies_parse_into_their_commands_in_order() {
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        ("a lone reference", reference(), vec!["cmd-ref-1"]),
        ("a lone lead", lead(), vec!["cmd-lead-1"]),
        ("a lone connection", connection(), vec!["cmd-conn-1"]),
        ("a lone update", update(), vec!["cmd-conn-2"]),
        (
            "every type in one batch",
            batch(vec![reference(), lead(), connection(), update()]),
            vec!["cmd-ref-1", "cmd-lead-1", "cmd-conn-1", "cmd-conn-2"],
        ),
        (
            "optional fields left out",
            batch(vec![
                without(reference(), "companyDeetoId"),
                without(without(lead(), "company"), "jobTitle"),
                without(without(connection(), "dealId"), "subject"),
                without(without(update(), "status"), "connectionType"),
            ]),
            vec!["cmd-ref-1", "cmd-lead-1", "cmd-conn-1", "cmd-conn-2"],
        ),
        (
            "optional fields null",
            with(connection(), "dealId", Value::Null),
            vec!["cmd-conn-1"],
        ),
        (
            "an id of 128 printable characters, spaces included",
            with(reference(), "id", json!(format!("a b~{}", "x".repeat(124)))),
            vec![],
        ),
        (
            "limits reached, not passed",
            with(
                with(lead(), "firstName", json!("é".repeat(256))),
                "email",
                json!(format!("{}@example.com", "a".repeat(64))),
            ),
            vec!["cmd-lead-1"],
        ),
    ];
    for (name, body, ids) in cases {
        let commands = parse(&body).unwrap_or_else(|errors| panic!("{name}: {errors:?}"));
        let parsed: Vec<&str> = commands.iter().map(|c| c.id().0.as_str()).collect();
        if !ids.is_empty() {
            assert_eq!(parsed, ids, "{name}");
        }
    }
}

#[test]
fn a_full_batch_of_100_commands_is_accepted() {
    let commands = (0..MAX_COMMANDS)
        .map(|i| with(reference(), "id", json!(format!("cmd-{i}"))))
        .collect();
    assert_eq!(parse(&batch(commands)).map(|c| c.len()), Ok(100));
}

#[test]
fn the_fields_reach_the_typed_command() {
    let commands = parse(&connection()).expect("valid");
    let [DeetoCommand::ConnectionCreated(c)] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(
        (c.prospect_contact_id, c.deal_id, c.connection_type.option()),
        (ObjectId(101), Some(ObjectId(301)), "reference_call")
    );
}

/// A case's name, its body and every problem expected, as (path, part of the message).
type Case = (&'static str, Value, Vec<(&'static str, &'static str)>);

#[test]
fn every_problem_is_reported_at_its_path() {
    let long = |n: usize| json!("x".repeat(n));
    let cases: Vec<Case> = vec![
        ("not an object", json!([]), vec![("$", "found an array")]),
        (
            "empty batch",
            batch(vec![]),
            vec![("commands", "must hold 1 to 100 commands, found 0")],
        ),
        (
            "batch not a list",
            json!({"commands": {}}),
            vec![("commands", "must be an array of commands, found an object")],
        ),
        (
            "extra key next to the batch",
            json!({"commands": [reference()], "portalId": 1}),
            vec![("portalId", "unknown field; a batch holds only `commands`")],
        ),
        (
            "a batch item that is not an object",
            batch(vec![json!(7)]),
            vec![("commands[0]", "must be a command object, found a number")],
        ),
        (
            "no type",
            without(reference(), "type"),
            vec![(
                "type",
                "missing field; expected one of reference.created, lead.created, connection.created, connection.updated",
            )],
        ),
        (
            "unknown type",
            with(reference(), "type", json!("reference.deleted")),
            vec![("type", "unknown command type \"reference.deleted\"")],
        ),
        (
            "type not a string",
            with(reference(), "type", json!(1)),
            vec![("type", "must be a string, found a number")],
        ),
        (
            "unknown type and a bad id",
            json!({"type": "x", "id": ""}),
            vec![
                ("type", "unknown command type"),
                ("id", "1 to 128 printable ASCII"),
            ],
        ),
        (
            "missing id",
            without(lead(), "id"),
            vec![("id", "missing field")],
        ),
        (
            "empty id",
            with(lead(), "id", json!("")),
            vec![(
                "id",
                "must be 1 to 128 printable ASCII characters, found \"\"",
            )],
        ),
        (
            "id too long",
            with(lead(), "id", long(129)),
            vec![("id", "found a string of 129 characters")],
        ),
        (
            "id not ASCII",
            with(lead(), "id", json!("cmd-é")),
            vec![("id", "printable ASCII")],
        ),
        (
            "id with a tab",
            with(lead(), "id", json!("cmd\t1")),
            vec![("id", "printable ASCII")],
        ),
        (
            "id a number",
            with(lead(), "id", json!(1)),
            vec![("id", "must be a string, found a number")],
        ),
        (
            "unknown field",
            with(lead(), "nickname", json!("D")),
            vec![(
                "nickname",
                "unknown field for lead.created; expected id, deetoId, email, firstName, lastName, company, jobTitle",
            )],
        ),
        (
            "unknown field with an odd name",
            with(lead(), "first name", json!("D")),
            vec![("[\"first name\"]", "unknown field")],
        ),
        (
            "snake_case field",
            without(with(reference(), "contact_id", json!(102)), "contactId"),
            vec![
                ("contact_id", "unknown field"),
                ("contactId", "missing field"),
            ],
        ),
        (
            "empty deetoId",
            with(reference(), "deetoId", json!("")),
            vec![("deetoId", "must be 1 to 256 characters, found 0")],
        ),
        (
            "deetoId too long",
            with(reference(), "companyDeetoId", long(257)),
            vec![("companyDeetoId", "found 257")],
        ),
        (
            "contact id as a string",
            with(reference(), "contactId", json!("102")),
            vec![(
                "contactId",
                "must be a positive integer (a HubSpot record id), found \"102\"",
            )],
        ),
        (
            "contact id zero",
            with(reference(), "contactId", json!(0)),
            vec![("contactId", "found 0")],
        ),
        (
            "contact id negative",
            with(connection(), "prospectContactId", json!(-5)),
            vec![("prospectContactId", "found -5")],
        ),
        (
            "contact id fractional",
            with(connection(), "referenceContactId", json!(1.5)),
            vec![("referenceContactId", "found 1.5")],
        ),
        (
            "deal id null is absent, deal id false is not",
            with(connection(), "dealId", json!(false)),
            vec![("dealId", "found a boolean")],
        ),
        (
            "email without @",
            with(lead(), "email", json!("dana.example.com")),
            vec![("email", "must be an email address")],
        ),
        (
            "email without a dotted domain",
            with(lead(), "email", json!("dana@localhost")),
            vec![("email", "email address")],
        ),
        (
            "email with two @",
            with(lead(), "email", json!("dana@x@example.com")),
            vec![("email", "email address")],
        ),
        (
            "email with a space",
            with(lead(), "email", json!("dana smith@example.com")),
            vec![("email", "email address")],
        ),
        (
            "email with an empty label",
            with(lead(), "email", json!("dana@example..com")),
            vec![("email", "email address")],
        ),
        (
            "email local part over 64",
            with(
                lead(),
                "email",
                json!(format!("{}@example.com", "a".repeat(65))),
            ),
            vec![("email", "email address")],
        ),
        (
            "email over 254",
            with(lead(), "email", json!(format!("a@{}.com", "b".repeat(250)))),
            vec![("email", "must be at most 254 characters, found 256")],
        ),
        (
            "first name null",
            with(lead(), "firstName", Value::Null),
            vec![("firstName", "must be a string, found null")],
        ),
        (
            "names too long",
            with(
                with(with(lead(), "lastName", long(257)), "company", long(300)),
                "jobTitle",
                long(257),
            ),
            vec![
                ("lastName", "at most 256 characters, found 257"),
                ("company", "found 300"),
                ("jobTitle", "found 257"),
            ],
        ),
        (
            "empty status",
            with(connection(), "status", json!("")),
            vec![("status", "must be 1 to 100 characters, found 0")],
        ),
        (
            "status too long",
            with(update(), "status", long(101)),
            vec![("status", "found 101")],
        ),
        (
            "subject too long",
            with(connection(), "subject", long(256)),
            vec![("subject", "at most 255 characters")],
        ),
        (
            "unknown connection type",
            with(connection(), "connectionType", json!("call")),
            vec![(
                "connectionType",
                "must be one of meeting, reference_call, user_story, video_testimonial, case_study, review, other, found \"call\"",
            )],
        ),
        (
            "connection type in the wrong case",
            with(update(), "connectionType", json!("Meeting")),
            vec![("connectionType", "must be one of")],
        ),
        (
            "a field of another type",
            with(update(), "prospectContactId", json!(101)),
            vec![("prospectContactId", "unknown field for connection.updated")],
        ),
        (
            "duplicate ids",
            batch(vec![
                reference(),
                lead(),
                with(update(), "id", json!("cmd-ref-1")),
            ]),
            vec![(
                "commands[2].id",
                "duplicate id \"cmd-ref-1\"; also used at commands[0].id",
            )],
        ),
        (
            "duplicate ids in commands with other problems",
            batch(vec![
                without(lead(), "email"),
                with(without(lead(), "deetoId"), "firstName", json!(1)),
            ]),
            vec![
                ("commands[0].email", "missing field"),
                ("commands[1].deetoId", "missing field"),
                ("commands[1].firstName", "must be a string"),
                (
                    "commands[1].id",
                    "duplicate id \"cmd-lead-1\"; also used at commands[0].id",
                ),
            ],
        ),
        (
            "a bad id is not also a duplicate",
            batch(vec![
                with(lead(), "id", json!("")),
                with(reference(), "id", json!("")),
            ]),
            vec![
                ("commands[0].id", "printable ASCII"),
                ("commands[1].id", "printable ASCII"),
            ],
        ),
        (
            "problems in several commands at once",
            batch(vec![
                reference(),
                without(lead(), "email"),
                with(with(connection(), "status", json!("")), "dealId", json!(0)),
            ]),
            vec![
                ("commands[1].email", "missing field"),
                ("commands[2].dealId", "positive integer"),
                ("commands[2].status", "1 to 100"),
            ],
        ),
    ];
    for (name, body, expected) in cases {
        let errors = parse(&body).expect_err(name);
        let mut paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        let mut expected_paths: Vec<&str> = expected.iter().map(|(p, _)| *p).collect();
        paths.sort_unstable();
        expected_paths.sort_unstable();
        assert_eq!(paths, expected_paths, "{name}: {errors:?}");
        for (path, part) in expected {
            let error = errors.iter().find(|e| e.path == path).expect("listed");
            assert!(
                error.message.contains(part),
                "{name}: {error:?} lacks {part:?}"
            );
        }
    }
}

#[test]
fn a_body_that_is_not_json_names_the_line_and_column() {
    let cases = [
        ("", "EOF while parsing a value at line 1 column 0"),
        (
            "{\n  \"type\": reference.created\n}",
            "expected value at line 2 column 11",
        ),
        ("{\"commands\": [", "at line 1 column 14"),
    ];
    for (body, part) in cases {
        let errors = parse_commands(body.as_bytes()).expect_err(body);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].path, "$");
        assert!(
            errors[0].message.starts_with("body is not valid JSON: "),
            "{errors:?}"
        );
        assert!(errors[0].message.contains(part), "{body:?}: {errors:?}");
    }
}

#[test]
fn more_than_100_commands_are_refused_and_each_is_still_checked() {
    let mut commands: Vec<Value> = (0..=MAX_COMMANDS)
        .map(|i| with(reference(), "id", json!(format!("cmd-{i}"))))
        .collect();
    commands[50] = without(commands[50].clone(), "deetoId");

    let errors = parse(&batch(commands)).expect_err("too many");

    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["commands", "commands[50].deetoId"]);
    assert!(errors[0].message.contains("found 101"), "{errors:?}");
}

#[test]
fn a_flood_of_problems_is_listed_up_to_the_limit_and_counted_beyond() {
    let commands = vec![json!({}); 80];

    let errors = parse(&batch(commands)).expect_err("all bad");

    // Each `{}` has two problems (type and id): 160 in all, 100 listed.
    assert_eq!(errors.len(), MAX_REPORTED + 1);
    let last = errors.last().expect("summary");
    assert_eq!(
        (last.path.as_str(), last.message.as_str()),
        ("$", "60 more problems not listed")
    );
}

#[test]
fn errors_serialise_as_path_and_message() {
    let error = FieldError {
        path: "commands[2].email".into(),
        message: "missing field".into(),
    };
    assert_eq!(
        serde_json::to_value(error).expect("json"),
        json!({"path": "commands[2].email", "message": "missing field"})
    );
}
