//! `lead.created`: a contact with the lead's fields, or — when HubSpot already has a contact
//! with that email — that contact, given the lead's `deeto_id`. Never a duplicate.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::batch::{Properties, create, read, update};
use super::{Results, Writer, deeto_id, fail_all, refused};
use crate::commands::LeadCreated;
use crate::domain::ids::ObjectId;
use crate::sync::record::{CrmObject, RecordKey, Role};
use crate::sync::worker::Failure;

impl Writer<'_> {
    pub(super) async fn leads(&self, commands: Vec<(String, LeadCreated)>) -> Results {
        if commands.is_empty() {
            return Vec::new();
        }
        let emails: BTreeSet<String> = commands
            .iter()
            .map(|(_, c)| c.email.to_lowercase())
            .collect();
        let existing = match read(
            self.api,
            self.portal,
            "contacts",
            &emails,
            Some("email"),
            &["email", "deeto_id"],
        )
        .await
        {
            Ok(found) => found,
            Err(err) => return fail_all(commands, err.into()),
        };
        // One write per email: the last command for an address wins within a batch.
        let mut links: BTreeMap<ObjectId, Properties> = BTreeMap::new();
        let mut creations: BTreeMap<String, Value> = BTreeMap::new();
        for (_, lead) in &commands {
            let email = lead.email.to_lowercase();
            match existing.get(&email) {
                Some((id, _)) => {
                    links.insert(*id, deeto_id(&lead.deeto_id));
                }
                None => {
                    creations.insert(email, json!({"properties": lead_properties(lead)}));
                }
            }
        }
        let missing = match update(self.api, self.portal, "contacts", &links).await {
            Ok(missing) => missing,
            Err(err) => return fail_all(commands, err.into()),
        };
        let created = if creations.is_empty() {
            BTreeMap::new()
        } else {
            match create(self.api, self.portal, "contacts", &creations).await {
                Ok(created) => created,
                Err(err) => return fail_all(commands, err.into()),
            }
        };
        let mut results = Vec::new();
        for (message, lead) in commands {
            let email = lead.email.to_lowercase();
            let contact = match (existing.get(&email), created.get(&email)) {
                (Some((id, _)), _) if !missing.contains_key(id) => Ok(*id),
                // Deleted between the read and the write: the retry creates it.
                (Some((id, _)), _) => Err(Failure::Transient(format!(
                    "contact {id} vanished while linking the lead"
                ))),
                (None, Some(Ok(id))) => Ok(*id),
                // Someone created the contact meanwhile: the retry finds and links it.
                (None, Some(Err(e))) if e.category == "CONFLICT" => {
                    Err(Failure::Transient(e.message.clone()))
                }
                (None, Some(Err(e))) => Err(refused(format!(
                    "HubSpot refused lead {email}: {}",
                    e.message
                ))),
                (None, None) => Err(Failure::Transient(format!(
                    "HubSpot did not answer for lead {email}"
                ))),
            };
            let result = match contact {
                Ok(id) => self.record_lead(id, &lead.deeto_id).await,
                Err(failure) => Err(failure),
            };
            results.push((message, lead.id.clone(), result));
        }
        results
    }

    async fn record_lead(&self, contact: ObjectId, deeto_id: &str) -> Result<(), Failure> {
        let key = RecordKey::new(self.portal, CrmObject::Contact, contact);
        self.records
            .assign_role(key, Role::Lead, Some(deeto_id), self.now_ms)
            .await
            .map_err(Failure::from)
    }
}

/// The lead's fields, by HubSpot property name; absent optional fields are not sent.
pub(super) fn lead_properties(lead: &LeadCreated) -> Properties {
    let mut props = deeto_id(&lead.deeto_id);
    props.insert("email".into(), lead.email.clone().into());
    props.insert("firstname".into(), lead.first_name.clone().into());
    props.insert("lastname".into(), lead.last_name.clone().into());
    if let Some(company) = &lead.company {
        props.insert("company".into(), company.clone().into());
    }
    if let Some(title) = &lead.job_title {
        props.insert("jobtitle".into(), title.clone().into());
    }
    props
}
