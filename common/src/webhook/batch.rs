//! Parsing the body HubSpot posts: a JSON array of at most 100 events.

use serde_json::Value;

use super::event::{WebhookEvent, json_kind};

/// HubSpot sends at most 100 events per request.
pub const MAX_EVENTS_PER_BATCH: usize = 100;

/// Why a (correctly signed) body is not a batch we accept. Every variant is a 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    #[error("body is not valid JSON: {0}")]
    Json(String),
    #[error("body must be a JSON array of events, found {0}")]
    NotAnArray(&'static str),
    #[error("body is an empty array")]
    Empty,
    #[error("batch has {0} events; HubSpot sends at most {MAX_EVENTS_PER_BATCH}")]
    TooManyEvents(usize),
    #[error("event {index}: {message}")]
    BadEvent { index: usize, message: String },
}

/// Parses a webhook body. The common case (a valid batch) takes one pass; only a body that
/// fails it is parsed a second time, loosely, to say which event and field are wrong.
pub fn parse_batch(body: &[u8]) -> Result<Vec<WebhookEvent>, BatchError> {
    match serde_json::from_slice::<Vec<WebhookEvent>>(body) {
        Ok(events) => check_size(events),
        Err(_) => Err(diagnose(body)),
    }
}

fn check_size(events: Vec<WebhookEvent>) -> Result<Vec<WebhookEvent>, BatchError> {
    match events.len() {
        0 => Err(BatchError::Empty),
        n if n > MAX_EVENTS_PER_BATCH => Err(BatchError::TooManyEvents(n)),
        _ => Ok(events),
    }
}

fn diagnose(body: &[u8]) -> BatchError {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(err) => return BatchError::Json(err.to_string()),
    };
    let Value::Array(items) = value else {
        return BatchError::NotAnArray(json_kind(&value));
    };
    if items.len() > MAX_EVENTS_PER_BATCH {
        return BatchError::TooManyEvents(items.len());
    }
    for (index, item) in items.into_iter().enumerate() {
        if let Err(err) = serde_json::from_value::<WebhookEvent>(item) {
            return BatchError::BadEvent {
                index,
                message: err.to_string(),
            };
        }
    }
    // The strict pass failed, so one of the branches above must have too.
    BatchError::Json("body could not be parsed as a batch".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(i: usize) -> String {
        format!(
            r#"{{"eventId":{i},"subscriptionId":1,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":{i},"changeSource":"CRM","changeFlag":"NEW","appId":54321}}"#
        )
    }

    fn batch(n: usize) -> String {
        format!("[{}]", (0..n).map(event).collect::<Vec<_>>().join(","))
    }

    #[test]
    fn a_full_batch_of_100_parses() {
        let events = parse_batch(batch(100).as_bytes()).expect("valid");
        assert_eq!(events.len(), 100);
        assert_eq!(events[99].object_id.map(|o| o.0), Some(99));
    }

    #[test]
    fn more_than_100_events_are_refused() {
        assert_eq!(
            parse_batch(batch(101).as_bytes()),
            Err(BatchError::TooManyEvents(101))
        );
    }

    #[test]
    fn an_empty_array_is_refused() {
        assert_eq!(parse_batch(b"[]"), Err(BatchError::Empty));
    }

    #[test]
    fn non_arrays_and_broken_json_are_named() {
        assert_eq!(
            parse_batch(b"{\"a\":1}"),
            Err(BatchError::NotAnArray("an object"))
        );
        assert_eq!(parse_batch(b"42"), Err(BatchError::NotAnArray("a number")));
        assert!(matches!(parse_batch(b"[{"), Err(BatchError::Json(_))));
        assert!(matches!(parse_batch(b""), Err(BatchError::Json(_))));
        assert!(matches!(
            parse_batch(&[0xff, 0xfe]),
            Err(BatchError::Json(_))
        ));
    }

    #[test]
    fn the_bad_event_and_field_are_named() {
        let body = format!(
            "[{},{}]",
            event(0),
            r#"{"eventId":1,"subscriptionId":2,"occurredAt":3,"subscriptionType":"contact.creation"}"#
        );
        match parse_batch(body.as_bytes()) {
            Err(BatchError::BadEvent { index, message }) => {
                assert_eq!(index, 1);
                assert!(message.contains("portalId"), "{message}");
            }
            other => panic!("expected BadEvent, got {other:?}"),
        }
    }

    #[test]
    fn wrongly_typed_fields_are_bad_events() {
        let fields = [
            ("eventId", "1"),
            ("subscriptionId", "2"),
            ("portalId", "3"),
            ("occurredAt", "4"),
            ("subscriptionType", r#""contact.creation""#),
            ("attemptNumber", "0"),
        ];
        let bad_values = [
            ("portalId", r#""x""#),
            ("portalId", "-1"),
            ("occurredAt", r#""soon""#),
            ("attemptNumber", "1.5"),
            ("subscriptionType", "7"),
        ];
        for (bad_field, bad_value) in bad_values {
            let members: Vec<String> = fields
                .iter()
                .map(|(name, value)| {
                    format!(
                        r#""{name}":{}"#,
                        if *name == bad_field { bad_value } else { value }
                    )
                })
                .collect();
            let body = format!("[{{{}}}]", members.join(","));
            assert!(
                matches!(
                    parse_batch(body.as_bytes()),
                    Err(BatchError::BadEvent { index: 0, .. })
                ),
                "{body}"
            );
        }
    }
}
