//! `deeto-hubspot mapping|rules` against moto: a section set, shown with what is in effect,
//! refused with the line or field at fault, and reset without touching the other section.

use std::process::Output;

use integration_tests::TestStack;
use serde_json::Value;

fn cli(stack: &TestStack, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_deeto-hubspot"))
        .args(args)
        .env("TABLE_NAME", stack.reference("Table"))
        .output()
        .expect("the CLI runs")
}

fn shown(stack: &TestStack, section: &str) -> Value {
    let out = cli(stack, &[section, "show", "62515", "--output", "json"]);
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn file(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("{}-{name}", uuid::Uuid::new_v4().simple()));
    std::fs::write(&path, text).expect("written");
    path.display().to_string()
}

#[tokio::test]
async fn sections_are_set_validated_shown_and_reset_per_portal() {
    let stack = TestStack::new().await;
    stack.connect_tenant("acme", 62515).await;
    let mapping = file(
        "mapping.json",
        r#"{"contacts": {"add": ["hs_persona"], "remove": ["industry"]}}"#,
    );
    let rules = file("rules.json", r#"{"disable": ["deal-closed-won"]}"#);
    let syntax = file("broken.json", "{\n  \"contacts\": {\"add\": [\"phone\"]\n");
    let required = file("required.json", r#"{"deals": {"remove": ["dealstage"]}}"#);

    assert!(
        cli(&stack, &["mapping", "set", "62515", "--file", &mapping])
            .status
            .success()
    );
    assert!(
        cli(&stack, &["rules", "set", "62515", "--file", &rules])
            .status
            .success()
    );
    let bad_syntax = cli(&stack, &["mapping", "set", "62515", "--file", &syntax]);
    let bad_field = cli(&stack, &["mapping", "set", "62515", "--file", &required]);

    let now = shown(&stack, "mapping");
    let contacts: Vec<&str> = now["effective"]["contacts"]
        .as_array()
        .expect("contacts")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        contacts.contains(&"hs_persona") && !contacts.contains(&"industry"),
        "{now}"
    );
    let in_effect = shown(&stack, "rules");
    let ids: Vec<&str> = in_effect["effective"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, ["contact-became-customer"]);
    assert_eq!(bad_syntax.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad_syntax.stderr).contains("line"),
        "{bad_syntax:?}"
    );
    assert_eq!(bad_field.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad_field.stderr).contains("deals.remove[0]"),
        "{bad_field:?}"
    );
    assert_eq!(
        shown(&stack, "mapping")["override"],
        now["override"],
        "a refused file stores nothing"
    );

    assert!(cli(&stack, &["rules", "reset", "62515"]).status.success());
    assert!(shown(&stack, "rules")["override"].is_null());
    assert_eq!(
        shown(&stack, "mapping")["override"],
        now["override"],
        "the other section stays"
    );
    let unknown = cli(&stack, &["mapping", "show", "999"]);
    assert_eq!(unknown.status.code(), Some(1));
}

#[tokio::test]
async fn a_whole_override_document_and_a_record_assignment_work_the_same_way() {
    let stack = TestStack::new().await;
    stack.connect_tenant("acme", 62515).await;
    let document = file(
        "acme.json",
        r#"{"tickets": {"pipeline": "p1", "stage": "s1"}}"#,
    );
    let unknown_key = file("typo.json", r#"{"mappings": {}}"#);

    let set = cli(
        &stack,
        &["config", "set", "--tenant", "acme", "--file", &document],
    );
    let refused = cli(
        &stack,
        &["config", "set", "--tenant", "acme", "--file", &unknown_key],
    );
    let show = cli(
        &stack,
        &["config", "show", "--tenant", "acme", "--output", "json"],
    );
    let assign = cli(
        &stack,
        &[
            "record",
            "assign",
            "--portal",
            "62515",
            "--object",
            "contact",
            "--id",
            "101",
            "--role",
            "reference",
            "--deeto-id",
            "ref-101",
            "--output",
            "json",
        ],
    );
    let record = cli(
        &stack,
        &[
            "record", "show", "--portal", "62515", "--object", "contact", "--id", "101",
            "--output", "json",
        ],
    );
    let stray = cli(
        &stack,
        &[
            "record", "assign", "--portal", "999", "--object", "contact", "--id", "1", "--role",
            "lead",
        ],
    );

    assert!(set.status.success(), "{set:?}");
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("line"),
        "{refused:?}"
    );
    let overrides: Value = serde_json::from_slice(&show.stdout).expect("JSON");
    assert_eq!(overrides["overrides"]["tickets"]["pipeline"], "p1");
    assert!(assign.status.success(), "{assign:?}");
    let stored: Value = serde_json::from_slice(&record.stdout).expect("JSON");
    assert_eq!(stored["deetoId"], "ref-101", "{stored}");
    assert_eq!(stray.status.code(), Some(1), "a portal no tenant installed");
}
