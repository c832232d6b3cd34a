//! The four CRM object types the integration uses, and every name HubSpot gives them.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectType {
    Contacts,
    Companies,
    Deals,
    Tickets,
}

impl ObjectType {
    pub const ALL: [ObjectType; 4] = [Self::Contacts, Self::Companies, Self::Deals, Self::Tickets];

    /// Accepts what HubSpot's paths accept: plural and singular names and type ids (`0-1`).
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "contacts" | "contact" | "0-1" => Some(Self::Contacts),
            "companies" | "company" | "0-2" => Some(Self::Companies),
            "deals" | "deal" | "0-3" => Some(Self::Deals),
            "tickets" | "ticket" | "0-5" => Some(Self::Tickets),
            _ => None,
        }
    }

    /// Same as [`ObjectType::parse`], with HubSpot's 400 for an unknown name.
    pub fn from_path(name: &str) -> Result<Self, ApiError> {
        Self::parse(name).ok_or_else(|| ApiError::unknown_object_type(name))
    }

    pub fn plural(self) -> &'static str {
        match self {
            Self::Contacts => "contacts",
            Self::Companies => "companies",
            Self::Deals => "deals",
            Self::Tickets => "tickets",
        }
    }

    /// The webhook prefix: `contact.creation`, `company.propertyChange`, ...
    pub fn singular(self) -> &'static str {
        match self {
            Self::Contacts => "contact",
            Self::Companies => "company",
            Self::Deals => "deal",
            Self::Tickets => "ticket",
        }
    }

    pub fn type_id(self) -> &'static str {
        match self {
            Self::Contacts => "0-1",
            Self::Companies => "0-2",
            Self::Deals => "0-3",
            Self::Tickets => "0-5",
        }
    }

    /// Scopes any one of which lets a token read records of this type.
    pub fn read_scopes(self) -> Vec<String> {
        match self {
            Self::Tickets => vec!["tickets".into()],
            other => vec![
                format!("crm.objects.{}.read", other.plural()),
                format!("crm.objects.{}.write", other.plural()),
            ],
        }
    }

    /// Scopes any one of which lets a token write records of this type.
    pub fn write_scopes(self) -> Vec<String> {
        match self {
            Self::Tickets => vec!["tickets".into()],
            other => vec![format!("crm.objects.{}.write", other.plural())],
        }
    }

    /// Scopes that let a token create properties and groups on this type.
    pub fn schema_write_scopes(self) -> Vec<String> {
        let mut scopes = vec![format!("crm.schemas.{}.write", self.plural())];
        if self == Self::Tickets {
            scopes.push("tickets".into());
        }
        scopes
    }

    /// Scopes that let a token read property definitions on this type.
    pub fn schema_read_scopes(self) -> Vec<String> {
        let mut scopes = self.read_scopes();
        scopes.push(format!("crm.schemas.{}.read", self.plural()));
        scopes.extend(self.schema_write_scopes());
        scopes
    }

    /// The property holding the last-modified timestamp (contacts keep their older name).
    pub fn modified_property(self) -> &'static str {
        match self {
            Self::Contacts => "lastmodifieddate",
            _ => "hs_lastmodifieddate",
        }
    }
}
