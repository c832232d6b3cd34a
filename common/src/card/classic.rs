//! The classic CRM card JSON, for customers whose old card views HubSpot's
//! legacy-card-converter now renders: it calls the old data-fetch URL with the classic query
//! and draws `results[]` (at most five), their `properties[]` and `actions[]`.

use serde_json::{Value, json};

use super::view::{
    CardAnswer, CompanyView, ConnectionView, ContactView, DealView, ReadyView, RecordView,
    ReferenceStatus, SetupNeeded,
};

/// HubSpot shows at most five results on a classic card.
pub const MAX_RESULTS: usize = 5;

/// Renders an answer as the classic card JSON. `api_base` is this API's public URL: action
/// hooks must point under it (the card's `actions.baseUrls`).
pub fn classic_card(answer: &CardAnswer, api_base: &str) -> Value {
    let results = match answer {
        CardAnswer::NotInstalled(setup) | CardAnswer::Reconnect(setup) => vec![setup_result(setup)],
        CardAnswer::Ready(ready) => ready_results(ready, api_base.trim_end_matches('/')),
    };
    json!({ "results": results.into_iter().take(MAX_RESULTS).collect::<Vec<_>>() })
}

fn setup_result(setup: &SetupNeeded) -> Value {
    json!({
        "objectId": 1,
        "title": setup.title,
        "link": null,
        "properties": [
            text("What to do", &setup.message),
            {"label": setup.action.label, "dataType": "LINK", "value": setup.action.url,
             "linkLabel": setup.action.label},
        ],
    })
}

fn ready_results(ready: &ReadyView, api_base: &str) -> Vec<Value> {
    let id: u64 = ready.object.id.parse().unwrap_or(0);
    match &ready.record {
        RecordView::Contact(contact) => contact_results(id, contact),
        RecordView::Company(company) => company_results(company),
        RecordView::Deal(deal) => deal_results(id, deal, api_base),
    }
}

fn contact_results(id: u64, contact: &ContactView) -> Vec<Value> {
    let (status, option) = match contact.reference_status {
        ReferenceStatus::Reference => ("Reference", "SUCCESS"),
        ReferenceStatus::Lead => ("Lead from Deeto", "INFO"),
        ReferenceStatus::Prospect => ("Prospect", "WARNING"),
        ReferenceStatus::None => ("Not in Deeto", "DEFAULT"),
    };
    let mut properties = vec![
        json!({"label": "Deeto status", "dataType": "STATUS", "value": status, "optionType": option}),
        json!({"label": "Connections", "dataType": "NUMERIC", "value": contact.connections.len()}),
    ];
    if let Some(deeto_id) = &contact.deeto_id {
        properties.push(text("Deeto Id", deeto_id));
    }
    let summary = json!({"objectId": id, "title": status, "link": null, "properties": properties});
    std::iter::once(summary)
        .chain(contact.connections.iter().map(connection_result))
        .collect()
}

fn company_results(company: &CompanyView) -> Vec<Value> {
    company
        .references
        .iter()
        .map(|r| {
            let mut properties = vec![json!({"label": "Connections", "dataType": "NUMERIC",
                "value": r.connections})];
            if let Some(email) = &r.email {
                properties.push(json!({"label": "Email", "dataType": "EMAIL", "value": email}));
            }
            if let Some(last) = &r.last_activity {
                properties.push(text(
                    "Last activity",
                    &format!("{} ({})", last.kind_label, last.status),
                ));
            }
            json!({"objectId": object_id(&r.contact_id), "title": r.name, "link": null,
                "properties": properties})
        })
        .collect()
}

fn deal_results(id: u64, deal: &DealView, api_base: &str) -> Vec<Value> {
    let connections = deal.connections.iter().map(connection_result);
    let suggestions = deal.suggestions.iter().map(|s| {
        let mut properties = vec![text("Suggested because", &s.matched_on.join(", "))];
        if let Some(company) = &s.company {
            properties.push(text("Company", company));
        }
        let actions = match s.requested {
            true => vec![],
            false => vec![json!({
                "type": "ACTION_HOOK",
                "httpMethod": "POST",
                "uri": format!("{api_base}/card/actions/request-reference?dealId={id}&referenceContactId={}", s.contact_id),
                "label": "Request reference",
                "associatedObjectProperties": [],
            })],
        };
        let title = match s.requested {
            true => format!("{} (requested)", s.name),
            false => format!("Suggested: {}", s.name),
        };
        json!({"objectId": object_id(&s.contact_id), "title": title, "link": null,
            "properties": properties, "actions": actions})
    });
    connections.chain(suggestions).collect()
}

fn connection_result(connection: &ConnectionView) -> Value {
    json!({
        "objectId": object_id(&connection.ticket_id),
        "title": format!("{} ({})", connection.kind_label, connection.status),
        "link": null,
        "properties": [
            text("Connection", &connection.connection_id),
            text("Deal", &connection.deal_id),
        ],
    })
}

fn text(label: &str, value: &str) -> Value {
    json!({"label": label, "dataType": "STRING", "value": value})
}

fn object_id(raw: &str) -> u64 {
    raw.parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::query::MatchCriteria;
    use crate::card::view::{LinkAction, ObjectRef, Suggestion, SyncState, SyncStatus};

    fn deal_answer(suggestions: usize, requested: bool) -> CardAnswer {
        let suggestion = |i: usize| Suggestion {
            contact_id: (100 + i).to_string(),
            name: format!("Ref {i}"),
            email: None,
            job_title: None,
            company: Some("Acme".into()),
            industry: Some("RETAIL".into()),
            company_size: Some(40),
            matched_on: vec!["industry".into()],
            requested,
        };
        let connection = ConnectionView {
            connection_id: "conn-1".into(),
            ticket_id: "9001".into(),
            deal_id: "501".into(),
            kind: "meeting".into(),
            kind_label: "Meeting".into(),
            status: "scheduled".into(),
        };
        CardAnswer::Ready(ReadyView {
            object: ObjectRef {
                kind: "deal".into(),
                id: "501".into(),
            },
            sync: SyncState {
                status: SyncStatus::Queued,
                last_synced_at: None,
            },
            record: RecordView::Deal(DealView {
                deeto_id: None,
                connections: vec![connection],
                match_criteria: MatchCriteria::default(),
                suggestions: (0..suggestions).map(suggestion).collect(),
            }),
        })
    }

    #[test]
    fn a_deal_lists_connections_then_suggestions_with_a_request_action_under_our_base() {
        let card = classic_card(&deal_answer(2, false), "https://api.example.com/");

        let results = card["results"].as_array().expect("results");
        assert_eq!(results.len(), 3);
        assert_eq!(results[0]["objectId"], 9001);
        assert_eq!(results[0]["title"], "Meeting (scheduled)");
        let action = &results[1]["actions"][0];
        assert_eq!(action["type"], "ACTION_HOOK");
        assert_eq!(
            action["uri"],
            "https://api.example.com/card/actions/request-reference?dealId=501&referenceContactId=100"
        );
    }

    #[test]
    fn never_more_than_five_results_and_no_action_once_requested() {
        let card = classic_card(&deal_answer(9, true), "https://api.example.com");

        let results = card["results"].as_array().expect("results");
        assert_eq!(results.len(), MAX_RESULTS);
        assert!(results[1]["actions"].as_array().is_some_and(Vec::is_empty));
        assert_eq!(results[1]["title"], "Ref 0 (requested)");
    }

    #[test]
    fn a_portal_to_set_up_shows_what_to_do_and_the_link() {
        let answer = CardAnswer::NotInstalled(SetupNeeded {
            title: "Not connected".into(),
            message: "Install it".into(),
            action: LinkAction {
                label: "Install Deeto".into(),
                url: "https://x/oauth/install".into(),
            },
        });

        let card = classic_card(&answer, "https://x");

        let link = &card["results"][0]["properties"][1];
        assert_eq!(link["dataType"], "LINK");
        assert_eq!(link["value"], "https://x/oauth/install");
    }
}
