//! Deeto's record of one HubSpot object: its roles, its Deeto id, the mapped field values with
//! the time HubSpot changed each one, and the links the relevance rules need.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::ids::{ObjectId, PortalId};
use crate::webhook::{ObjectKind, WebhookEvent};

/// The HubSpot objects the sync worker handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CrmObject {
    Contact,
    Company,
    Deal,
}

impl CrmObject {
    pub const ALL: [CrmObject; 3] = [CrmObject::Contact, CrmObject::Company, CrmObject::Deal];

    /// The object an event concerns; `None` for tickets, products and anything else.
    pub fn of_event(event: &WebhookEvent) -> Option<Self> {
        match event.subscription_type.object() {
            ObjectKind::Contact => Some(Self::Contact),
            ObjectKind::Company => Some(Self::Company),
            ObjectKind::Deal => Some(Self::Deal),
            ObjectKind::Generic => event.object_type_id.as_deref().and_then(Self::from_type_id),
            _ => None,
        }
    }

    /// HubSpot's `objectTypeId` (`0-1`, `0-2`, `0-3`).
    pub fn from_type_id(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.type_id() == raw)
    }

    pub fn type_id(self) -> &'static str {
        match self {
            Self::Contact => "0-1",
            Self::Company => "0-2",
            Self::Deal => "0-3",
        }
    }

    /// The plural name HubSpot's API paths and our config files use.
    pub fn plural(self) -> &'static str {
        match self {
            Self::Contact => "contacts",
            Self::Company => "companies",
            Self::Deal => "deals",
        }
    }

    pub fn from_plural(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.plural() == raw)
    }

    /// The singular upper-case name HubSpot uses in `associationType` (`CONTACT_TO_DEAL`).
    pub fn from_association_name(raw: &str) -> Option<Self> {
        match raw {
            "CONTACT" => Some(Self::Contact),
            "COMPANY" => Some(Self::Company),
            "DEAL" => Some(Self::Deal),
            _ => None,
        }
    }
}

impl fmt::Display for CrmObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Contact => "contact",
            Self::Company => "company",
            Self::Deal => "deal",
        })
    }
}

/// What an object is to Deeto. Reference, Lead, Company and Deal are set by the Deeto platform;
/// Prospect is derived from the contact's active tracked deals and never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A happy customer who talks to prospects.
    Reference,
    /// A contact that came into HubSpot from Deeto.
    Lead,
    /// A contact on an active deal that Deeto tracks.
    Prospect,
    /// A company Deeto linked.
    Company,
    /// A deal with a Deeto connection.
    Deal,
}

/// Which record: one HubSpot object of one portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordKey {
    pub portal: PortalId,
    pub object: CrmObject,
    pub object_id: ObjectId,
}

impl RecordKey {
    pub fn new(portal: PortalId, object: CrmObject, object_id: ObjectId) -> Self {
        Self {
            portal,
            object,
            object_id,
        }
    }
}

/// One mapped property's value and when HubSpot changed it (the order key of every write).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldValue {
    pub value: Option<String>,
    pub changed_at_ms: i64,
}

/// Whether two objects are associated, as of a change time (so a late "removed" cannot undo a
/// newer "added").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub present: bool,
    pub changed_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeetoRecord {
    pub key: RecordKey,
    /// Roles the Deeto platform gave the object (never [`Role::Prospect`], which is derived).
    pub roles: BTreeSet<Role>,
    pub deeto_id: Option<String>,
    pub fields: BTreeMap<String, FieldValue>,
    /// Associated objects (contacts: deals and companies; deals and companies: contacts).
    pub links: BTreeMap<(CrmObject, ObjectId), Link>,
    pub deleted_at_ms: Option<i64>,
    /// Set on a record merged away: the survivor now carries the Deeto link.
    pub merged_into: Option<ObjectId>,
    pub last_sync_ms: Option<i64>,
}

impl DeetoRecord {
    /// A record with no roles yet, e.g. one a campaign rule or an association created.
    pub fn new(key: RecordKey) -> Self {
        Self {
            key,
            roles: BTreeSet::new(),
            deeto_id: None,
            fields: BTreeMap::new(),
            links: BTreeMap::new(),
            deleted_at_ms: None,
            merged_into: None,
            last_sync_ms: None,
        }
    }

    pub fn with_role(mut self, role: Role) -> Self {
        self.roles.insert(role);
        self
    }

    pub fn with_deeto_id(mut self, id: impl Into<String>) -> Self {
        self.deeto_id = Some(id.into());
        self
    }

    pub fn with_field(mut self, name: &str, value: &str, changed_at_ms: i64) -> Self {
        let value = FieldValue {
            value: Some(value.to_owned()),
            changed_at_ms,
        };
        self.fields.insert(name.to_owned(), value);
        self
    }

    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(|f| f.value.as_deref())
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Deleted or merged away: events about it are no longer Deeto's business.
    pub fn is_gone(&self) -> bool {
        self.deleted_at_ms.is_some() || self.merged_into.is_some()
    }

    /// The ids of the currently associated objects of one type.
    pub fn linked(&self, object: CrmObject) -> Vec<ObjectId> {
        self.links
            .iter()
            .filter(|((o, _), link)| *o == object && link.present)
            .map(|((_, id), _)| *id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(subscription_type: &str, object_type_id: Option<&str>) -> WebhookEvent {
        let mut raw = serde_json::json!({"eventId":1,"subscriptionId":2,"portalId":3,
            "occurredAt":4,"subscriptionType":subscription_type,"objectId":5});
        if let Some(id) = object_type_id {
            raw["objectTypeId"] = id.into();
        }
        serde_json::from_value(raw).expect("event")
    }

    #[test]
    fn named_subscriptions_give_their_object() {
        assert_eq!(
            CrmObject::of_event(&event("company.propertyChange", None)),
            Some(CrmObject::Company)
        );
        assert_eq!(CrmObject::of_event(&event("ticket.creation", None)), None);
    }

    #[test]
    fn generic_subscriptions_use_the_object_type_id() {
        assert_eq!(
            CrmObject::of_event(&event("object.creation", Some("0-3"))),
            Some(CrmObject::Deal)
        );
        assert_eq!(
            CrmObject::of_event(&event("object.creation", Some("0-5"))),
            None
        );
        assert_eq!(CrmObject::of_event(&event("object.creation", None)), None);
    }

    #[test]
    fn only_present_links_count_as_linked() {
        let key = RecordKey::new(PortalId(1), CrmObject::Contact, ObjectId(2));
        let mut record = DeetoRecord::new(key);
        let removed = Link {
            present: false,
            changed_at_ms: 5,
        };
        let added = Link {
            present: true,
            changed_at_ms: 5,
        };
        record.links.insert((CrmObject::Deal, ObjectId(7)), removed);
        record.links.insert((CrmObject::Deal, ObjectId(8)), added);
        record
            .links
            .insert((CrmObject::Company, ObjectId(9)), added);

        assert_eq!(record.linked(CrmObject::Deal), vec![ObjectId(8)]);
    }
}
