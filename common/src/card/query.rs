//! What the Deeto tab asks for, read from the query string of a signed request. Two shapes:
//! the app card's (`objectType`, `objectId`) and the classic data-fetch one that HubSpot's
//! legacy-card-converter rebuilds (`associatedObjectType`, `associatedObjectId`), which is
//! answered in the classic card JSON. Both carry `portalId`, `userId` and `userEmail`, which
//! HubSpot adds to the URL it signs.

use crate::domain::ids::{ObjectId, PortalId};
use crate::sync::record::CrmObject;

/// Which JSON the caller reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Our React app card.
    AppCard,
    /// A classic CRM card view, migrated with HubSpot's legacy-card-converter.
    Classic,
}

/// What a deal's references are matched on; from the card (the deal's company, as HubSpot
/// shows it) or, when it sends none, from Deeto's records.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchCriteria {
    pub industry: Option<String>,
    pub company_size: Option<u64>,
}

impl MatchCriteria {
    pub fn is_empty(&self) -> bool {
        self.industry.is_none() && self.company_size.is_none()
    }
}

/// The HubSpot user a signed request names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardUser {
    pub id: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardQuery {
    pub portal: PortalId,
    pub object: CrmObject,
    pub object_id: ObjectId,
    pub user: CardUser,
    pub shape: Shape,
    pub hints: MatchCriteria,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("query parameter `{0}` is required")]
    Missing(&'static str),
    #[error("query parameter `{name}` {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// Longest free-text value kept from a query (HubSpot industry names are far shorter).
const MAX_TEXT: usize = 200;

/// Who is asking: the portal and user HubSpot names in every signed request's query.
pub fn parse_caller<'a>(
    get: impl Fn(&str) -> Option<&'a str>,
) -> Result<(PortalId, CardUser), QueryError> {
    let portal = PortalId(required_id(&get, "portalId")?);
    let user = CardUser {
        id: text(&get, "userId"),
        email: text(&get, "userEmail"),
    };
    Ok((portal, user))
}

/// Reads a card query; `get` returns a query parameter's decoded value.
pub fn parse_card_query<'a>(
    get: impl Fn(&str) -> Option<&'a str>,
) -> Result<CardQuery, QueryError> {
    let (portal, user) = parse_caller(&get)?;
    let (shape, object, object_id) = match get("associatedObjectType") {
        Some(kind) => {
            let object = classic_object(kind)?;
            let id = required_id(&get, "associatedObjectId")?;
            (Shape::Classic, object, id)
        }
        None => {
            let kind = get("objectType").ok_or(QueryError::Missing("objectType"))?;
            let object = object_type(kind).ok_or_else(|| QueryError::Invalid {
                name: "objectType",
                reason: "must be contact, company or deal (or 0-1, 0-2, 0-3)".into(),
            })?;
            (Shape::AppCard, object, required_id(&get, "objectId")?)
        }
    };
    let company_size = match get("companySize").or_else(|| get("numberofemployees")) {
        None => None,
        Some(raw) => Some(company_size(raw)?),
    };
    Ok(CardQuery {
        portal,
        object,
        object_id: ObjectId(object_id),
        user,
        shape,
        hints: MatchCriteria {
            industry: text(&get, "industry"),
            company_size,
        },
    })
}

/// `contact`, `contacts`, `0-1`, any case; the same for companies and deals.
pub fn object_type(raw: &str) -> Option<CrmObject> {
    let raw = raw.trim().to_ascii_lowercase();
    CrmObject::ALL
        .into_iter()
        .find(|o| raw == o.to_string() || raw == o.plural() || raw == o.type_id())
}

fn classic_object(raw: &str) -> Result<CrmObject, QueryError> {
    CrmObject::from_association_name(&raw.trim().to_ascii_uppercase()).ok_or_else(|| {
        QueryError::Invalid {
            name: "associatedObjectType",
            reason: "must be CONTACT, COMPANY or DEAL: the Deeto tab shows no other records".into(),
        }
    })
}

/// A HubSpot id: digits only, as HubSpot sends them; anything else is refused, not guessed.
pub fn parse_id(raw: &str) -> Option<u64> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 20 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok().filter(|id| *id > 0)
}

fn required_id<'a>(
    get: &impl Fn(&str) -> Option<&'a str>,
    name: &'static str,
) -> Result<u64, QueryError> {
    let raw = get(name).ok_or(QueryError::Missing(name))?;
    parse_id(raw).ok_or_else(|| QueryError::Invalid {
        name,
        reason: "must be a positive HubSpot id (digits only)".into(),
    })
}

/// HubSpot stores `numberofemployees` as a number property; it may come as `250` or `250.0`.
fn company_size(raw: &str) -> Result<u64, QueryError> {
    let invalid = || QueryError::Invalid {
        name: "companySize",
        reason: "must be a whole number of employees".into(),
    };
    let value: f64 = raw.trim().parse().map_err(|_| invalid())?;
    if !value.is_finite() || !(0.0..1e9).contains(&value) {
        return Err(invalid());
    }
    Ok(value as u64)
}

/// A free-text parameter, trimmed and bounded; empty means absent.
fn text<'a>(get: &impl Fn(&str) -> Option<&'a str>, name: &str) -> Option<String> {
    let value = get(name)?.trim();
    (!value.is_empty()).then(|| value.chars().take(MAX_TEXT).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&'static str, &'static str)]) -> Result<CardQuery, QueryError> {
        parse_card_query(|name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v))
    }

    #[test]
    fn the_app_card_query_names_the_record_and_the_user() {
        let query = parse(&[
            ("portalId", "62515"),
            ("objectType", "0-3"),
            ("objectId", "501"),
            ("userId", "7"),
            ("userEmail", "rep@example.com"),
            ("industry", " COMPUTER_SOFTWARE "),
            ("companySize", "250.0"),
        ])
        .expect("valid");

        assert_eq!(query.portal, PortalId(62515));
        assert_eq!(
            (query.object, query.object_id),
            (CrmObject::Deal, ObjectId(501))
        );
        assert_eq!(query.shape, Shape::AppCard);
        assert_eq!(query.user.email.as_deref(), Some("rep@example.com"));
        assert_eq!(query.hints.industry.as_deref(), Some("COMPUTER_SOFTWARE"));
        assert_eq!(query.hints.company_size, Some(250));
    }

    #[test]
    fn the_classic_query_is_recognised_and_answered_classically() {
        let query = parse(&[
            ("portalId", "62515"),
            ("associatedObjectType", "COMPANY"),
            ("associatedObjectId", "301"),
            ("userId", "7"),
        ])
        .expect("valid");

        assert_eq!(query.shape, Shape::Classic);
        assert_eq!(
            (query.object, query.object_id),
            (CrmObject::Company, ObjectId(301))
        );
    }

    #[test]
    fn every_object_type_spelling_hubspot_uses_is_accepted() {
        for raw in ["contact", "CONTACTS", "0-1"] {
            assert_eq!(object_type(raw), Some(CrmObject::Contact), "{raw}");
        }
        assert_eq!(object_type("companies"), Some(CrmObject::Company));
        assert_eq!(object_type("0-5"), None);
    }

    #[test]
    fn a_missing_or_bad_parameter_is_named() {
        assert_eq!(
            parse(&[("objectType", "contact"), ("objectId", "1")]),
            Err(QueryError::Missing("portalId"))
        );
        let bad_id = parse(&[
            ("portalId", "1"),
            ("objectType", "contact"),
            ("objectId", "1e3"),
        ]);
        assert!(matches!(
            bad_id,
            Err(QueryError::Invalid {
                name: "objectId",
                ..
            })
        ));
        let ticket = parse(&[
            ("portalId", "1"),
            ("associatedObjectType", "TICKET"),
            ("associatedObjectId", "1"),
        ]);
        assert!(matches!(
            ticket,
            Err(QueryError::Invalid {
                name: "associatedObjectType",
                ..
            })
        ));
        let size = parse(&[
            ("portalId", "1"),
            ("objectType", "deal"),
            ("objectId", "1"),
            ("companySize", "-4"),
        ]);
        assert!(matches!(
            size,
            Err(QueryError::Invalid {
                name: "companySize",
                ..
            })
        ));
    }

    #[test]
    fn ids_are_digits_only_and_never_zero() {
        assert_eq!(parse_id("0042"), Some(42));
        for bad in ["", "0", "+1", "1.0", "１", "99999999999999999999999"] {
            assert_eq!(parse_id(bad), None, "{bad}");
        }
    }
}
