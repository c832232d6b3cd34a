//! One HubSpot webhook event, with every field HubSpot documents, and any it adds later.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::fmt;

use crate::domain::ids::{ObjectId, PortalId};

/// A webhook event as HubSpot posts it. Fields HubSpot sends only for some subscription types
/// are optional; fields we do not know yet land in `extra` and travel on to the worker, so a
/// new HubSpot field is never silently dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEvent {
    /// Not guaranteed unique by HubSpot: dedupe on [`WebhookEvent::dedupe_key`] instead.
    pub event_id: u64,
    pub subscription_id: u64,
    pub portal_id: PortalId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<u64>,
    /// Epoch milliseconds at which the change happened; the only ordering HubSpot gives.
    pub occurred_at: i64,
    /// HubSpot's documentation tables call this `eventType`; deliveries say `subscriptionType`.
    #[serde(alias = "eventType")]
    pub subscription_type: SubscriptionType,
    #[serde(default)]
    pub attempt_number: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<ObjectId>,
    /// Generic `object.*` subscriptions only: `0-1` contacts, `0-2` companies, `0-3` deals, `0-5` tickets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_type_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_name: Option<String>,
    /// Always a string in HubSpot's payloads; a bare number or boolean is kept as its text.
    #[serde(
        default,
        deserialize_with = "string_or_scalar",
        skip_serializing_if = "Option::is_none"
    )]
    pub property_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_flag: Option<String>,
    // Merge events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_object_id: Option<ObjectId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_object_ids: Option<Vec<ObjectId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_object_id: Option<ObjectId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_properties_moved: Option<u64>,
    // Association-change events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_object_id: Option<ObjectId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_object_id: Option<ObjectId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association_removed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_primary_association: Option<bool>,
    /// Fields HubSpot sent that this version does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl WebhookEvent {
    /// HubSpot may deliver the same event twice and reuses `eventId`s; this tuple is unique.
    pub fn dedupe_key(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.portal_id, self.subscription_id, self.event_id, self.occurred_at
        )
    }
}

fn string_or_scalar<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(other) => Err(serde::de::Error::custom(format!(
            "propertyValue must be a string, found {}",
            json_kind(&other)
        ))),
    }
}

pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `contact.propertyChange`, `object.creation`, … kept verbatim so an unknown type is
/// forwarded exactly as HubSpot named it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct SubscriptionType(String);

impl<'de> Deserialize<'de> for SubscriptionType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        SubscriptionType::parse(raw).map_err(serde::de::Error::custom)
    }
}

/// The CRM object a subscription type names (before the dot).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Contact,
    Company,
    Deal,
    Ticket,
    Product,
    LineItem,
    Conversation,
    /// Generic `object.*` subscriptions: the type is in `objectTypeId`.
    Generic,
    Other,
}

/// What happened (after the dot).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventAction {
    Creation,
    Deletion,
    PropertyChange,
    AssociationChange,
    Merge,
    Restore,
    PrivacyDeletion,
    Other,
}

impl SubscriptionType {
    /// Accepts any `object.action` name of sane length, known or not.
    pub fn parse(raw: String) -> Result<Self, String> {
        let valid = !raw.is_empty()
            && raw.len() <= 100
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-');
        if valid {
            Ok(Self(raw))
        } else {
            Err("subscriptionType must be a short name such as `contact.propertyChange`".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn object(&self) -> ObjectKind {
        match self
            .0
            .split_once('.')
            .map_or(self.0.as_str(), |(object, _)| object)
        {
            "contact" => ObjectKind::Contact,
            "company" => ObjectKind::Company,
            "deal" => ObjectKind::Deal,
            "ticket" => ObjectKind::Ticket,
            "product" => ObjectKind::Product,
            "line_item" => ObjectKind::LineItem,
            "conversation" => ObjectKind::Conversation,
            "object" => ObjectKind::Generic,
            _ => ObjectKind::Other,
        }
    }

    pub fn action(&self) -> EventAction {
        match self.0.split_once('.').map(|(_, action)| action) {
            Some("creation") => EventAction::Creation,
            Some("deletion") => EventAction::Deletion,
            Some("propertyChange") => EventAction::PropertyChange,
            Some("associationChange") => EventAction::AssociationChange,
            Some("merge") => EventAction::Merge,
            Some("restore") => EventAction::Restore,
            Some("privacyDeletion") => EventAction::PrivacyDeletion,
            _ => EventAction::Other,
        }
    }
}

impl fmt::Display for SubscriptionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(raw: &str) -> (ObjectKind, EventAction) {
        let t = SubscriptionType::parse(raw.to_owned()).expect("valid");
        (t.object(), t.action())
    }

    #[test]
    fn subscription_types_split_into_object_and_action() {
        assert_eq!(
            kind("contact.propertyChange"),
            (ObjectKind::Contact, EventAction::PropertyChange)
        );
        assert_eq!(
            kind("object.creation"),
            (ObjectKind::Generic, EventAction::Creation)
        );
        assert_eq!(
            kind("deal.associationChange"),
            (ObjectKind::Deal, EventAction::AssociationChange)
        );
        assert_eq!(
            kind("contact.privacyDeletion"),
            (ObjectKind::Contact, EventAction::PrivacyDeletion)
        );
        assert_eq!(
            kind("line_item.merge"),
            (ObjectKind::LineItem, EventAction::Merge)
        );
        assert_eq!(
            kind("event.completed"),
            (ObjectKind::Other, EventAction::Other)
        );
    }

    #[test]
    fn nonsense_subscription_types_are_refused() {
        for raw in ["", "contact propertyChange", "<script>", &"a".repeat(101)] {
            assert!(SubscriptionType::parse(raw.to_owned()).is_err(), "{raw}");
        }
    }

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let raw = r#"{"eventId":1,"subscriptionId":2,"portalId":3,"occurredAt":4,
            "subscriptionType":"object.brandNewThing","objectTypeId":"0-1","newField":{"x":[1]}}"#;
        let event: WebhookEvent = serde_json::from_str(raw).expect("parses");
        assert_eq!(event.subscription_type.as_str(), "object.brandNewThing");
        let back = serde_json::to_value(&event).expect("serialises");
        assert_eq!(back["newField"], serde_json::json!({"x": [1]}));
        assert_eq!(back["objectTypeId"], "0-1");
    }

    #[test]
    fn documentation_style_event_type_is_accepted() {
        let raw = r#"{"eventId":1,"subscriptionId":2,"portalId":3,"occurredAt":4,"eventType":"contact.creation"}"#;
        let event: WebhookEvent = serde_json::from_str(raw).expect("parses");
        assert_eq!(event.subscription_type.as_str(), "contact.creation");
        assert_eq!(event.dedupe_key(), "3:2:1:4");
    }

    #[test]
    fn numeric_property_values_become_strings_but_objects_are_refused() {
        let base = r#"{"eventId":1,"subscriptionId":2,"portalId":3,"occurredAt":4,"subscriptionType":"deal.propertyChange","propertyName":"amount","propertyValue":"#;
        let event: WebhookEvent = serde_json::from_str(&format!("{base}1500.5}}")).expect("parses");
        assert_eq!(event.property_value.as_deref(), Some("1500.5"));
        assert!(serde_json::from_str::<WebhookEvent>(&format!("{base}{{}}}}")).is_err());
    }
}
