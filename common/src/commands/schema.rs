//! The command types, tagged by `type` like the queues' messages. A released shape never
//! changes; a new one is a new type name.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::ids::ObjectId;

/// The producer's id for a command: the idempotency key (1–128 printable ASCII characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CommandId(pub String);

impl fmt::Display for CommandId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum DeetoCommand {
    #[serde(rename = "reference.created")]
    ReferenceCreated(ReferenceCreated),
    #[serde(rename = "lead.created")]
    LeadCreated(LeadCreated),
    #[serde(rename = "connection.created")]
    ConnectionCreated(ConnectionCreated),
    #[serde(rename = "connection.updated")]
    ConnectionUpdated(ConnectionUpdated),
}

/// A HubSpot contact became a reference: it gets `deeto_id`, and its primary company the
/// company's `deeto_id` when given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReferenceCreated {
    pub id: CommandId,
    /// The HubSpot contact.
    pub contact_id: ObjectId,
    /// The reference's id on the Deeto platform.
    pub deeto_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_deeto_id: Option<String>,
}

/// Deeto produced a lead: a HubSpot contact with these fields, or the existing contact with
/// that email (never a duplicate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LeadCreated {
    pub id: CommandId,
    pub deeto_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
}

/// A prospect and a reference were connected: the deal gets `deeto_id` and a Ticket records
/// the interaction, associated with the deal and both contacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConnectionCreated {
    pub id: CommandId,
    /// The connection's id on the Deeto platform (the ticket's and the deal's `deeto_id`).
    pub deeto_id: String,
    pub prospect_contact_id: ObjectId,
    pub reference_contact_id: ObjectId,
    /// The deal; when absent, the prospect's open deal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deal_id: Option<ObjectId>,
    pub connection_type: InteractionType,
    pub status: String,
    /// The ticket's subject; a default naming the type is used when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// A connection's status or type changed: the ticket follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConnectionUpdated {
    pub id: CommandId,
    pub deeto_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_type: Option<InteractionType>,
}

/// The kinds of reference interaction: the ticket property `deeto_type`'s options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InteractionType {
    Meeting,
    ReferenceCall,
    UserStory,
    VideoTestimonial,
    CaseStudy,
    Review,
    Other,
}

impl InteractionType {
    /// The option value stored in `deeto_type` (see `install::properties::INTERACTION_TYPES`).
    pub fn option(self) -> &'static str {
        match self {
            Self::Meeting => "meeting",
            Self::ReferenceCall => "reference_call",
            Self::UserStory => "user_story",
            Self::VideoTestimonial => "video_testimonial",
            Self::CaseStudy => "case_study",
            Self::Review => "review",
            Self::Other => "other",
        }
    }
}

impl DeetoCommand {
    pub fn id(&self) -> &CommandId {
        match self {
            Self::ReferenceCreated(c) => &c.id,
            Self::LeadCreated(c) => &c.id,
            Self::ConnectionCreated(c) => &c.id,
            Self::ConnectionUpdated(c) => &c.id,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Self::ReferenceCreated(_) => "reference.created",
            Self::LeadCreated(_) => "lead.created",
            Self::ConnectionCreated(_) => "connection.created",
            Self::ConnectionUpdated(_) => "connection.updated",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::install::properties::INTERACTION_TYPES;

    #[test]
    fn interaction_types_are_the_ticket_property_options() {
        let all = [
            InteractionType::Meeting,
            InteractionType::ReferenceCall,
            InteractionType::UserStory,
            InteractionType::VideoTestimonial,
            InteractionType::CaseStudy,
            InteractionType::Review,
            InteractionType::Other,
        ];
        let options: Vec<&str> = INTERACTION_TYPES.iter().map(|(value, _)| *value).collect();
        assert_eq!(all.map(InteractionType::option).to_vec(), options);
        for kind in all {
            let json = serde_json::to_value(kind).expect("serialises");
            assert_eq!(json, kind.option());
        }
    }

    #[test]
    fn a_command_round_trips_under_its_type() {
        let raw = serde_json::json!({"type": "connection.created", "id": "cmd-1",
            "deetoId": "conn-9", "prospectContactId": 11, "referenceContactId": 12,
            "connectionType": "reference_call", "status": "scheduled"});

        let command: DeetoCommand = serde_json::from_value(raw.clone()).expect("parses");

        assert_eq!(command.id().0, "cmd-1");
        assert_eq!(command.type_name(), "connection.created");
        assert_eq!(serde_json::to_value(&command).expect("serialises"), raw);
    }
}
