//! The request-reference action's input: a JSON body `{"dealId", "referenceContactId"}` from
//! the app card, or the same two as query parameters from a classic card's action hook.

use common::card::parse_id;
use common::domain::ids::ObjectId;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("body is not JSON: {0}")]
    NotJson(String),
    #[error("`{0}` is required")]
    Missing(&'static str),
    #[error("`{0}` must be a HubSpot id (digits)")]
    Invalid(&'static str),
}

/// Which reference, for which deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferenceAsk {
    pub deal: ObjectId,
    pub reference: ObjectId,
}

/// Reads the ask from the body, falling back to the query for each field.
pub fn parse_ask<'a>(
    body: &[u8],
    query: impl Fn(&str) -> Option<&'a str>,
) -> Result<ReferenceAsk, BodyError> {
    let json: Value = match body.iter().all(u8::is_ascii_whitespace) {
        true => Value::Null,
        false => serde_json::from_slice(body).map_err(|e| BodyError::NotJson(e.to_string()))?,
    };
    let field = |name: &'static str| -> Result<ObjectId, BodyError> {
        let raw = match json.get(name) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Null) | None => query(name).map(str::to_owned),
            Some(_) => return Err(BodyError::Invalid(name)),
        };
        let raw = raw.ok_or(BodyError::Missing(name))?;
        parse_id(&raw).map(ObjectId).ok_or(BodyError::Invalid(name))
    };
    Ok(ReferenceAsk {
        deal: field("dealId")?,
        reference: field("referenceContactId")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_query(_: &str) -> Option<&'static str> {
        None
    }

    #[test]
    fn ids_come_as_strings_or_numbers_in_the_body() {
        let ask =
            parse_ask(br#"{"dealId":"501","referenceContactId":101}"#, no_query).expect("ask");
        assert_eq!(
            ask,
            ReferenceAsk {
                deal: ObjectId(501),
                reference: ObjectId(101)
            }
        );
    }

    #[test]
    fn a_classic_action_hook_sends_them_in_the_query() {
        let query = |name: &str| match name {
            "dealId" => Some("501"),
            "referenceContactId" => Some("101"),
            _ => None,
        };
        assert_eq!(parse_ask(b"", query).expect("ask").reference, ObjectId(101));
    }

    #[test]
    fn bad_bodies_name_what_is_wrong() {
        assert!(matches!(
            parse_ask(b"{", no_query),
            Err(BodyError::NotJson(_))
        ));
        assert_eq!(
            parse_ask(b"{}", no_query),
            Err(BodyError::Missing("dealId"))
        );
        assert_eq!(
            parse_ask(br#"{"dealId":"5x","referenceContactId":"1"}"#, no_query),
            Err(BodyError::Invalid("dealId"))
        );
        assert_eq!(
            parse_ask(br#"{"dealId":"5","referenceContactId":[1]}"#, no_query),
            Err(BodyError::Invalid("referenceContactId"))
        );
    }
}
