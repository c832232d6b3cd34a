//! `reference.created`: the contact gets `deeto_id`, its primary company the company's; both
//! become Deeto records, linked, so the sync worker keeps them current.

use std::collections::{BTreeMap, BTreeSet};

use super::batch::{Properties, update};
use super::{Results, Writer, deeto_id, fail_all, refused};
use crate::commands::ReferenceCreated;
use crate::domain::ids::ObjectId;
use crate::sync::reads::read_associations;
use crate::sync::record::{CrmObject, RecordKey, Role};
use crate::sync::worker::Failure;

/// HubSpot's association type id for a contact's primary company.
const PRIMARY_COMPANY: u64 = 1;

impl Writer<'_> {
    pub(super) async fn references(&self, commands: Vec<(String, ReferenceCreated)>) -> Results {
        if commands.is_empty() {
            return Vec::new();
        }
        let contacts: BTreeSet<ObjectId> = commands.iter().map(|(_, c)| c.contact_id).collect();
        let ids: Vec<ObjectId> = contacts.iter().copied().collect();
        let companies =
            match read_associations(self.api, self.portal, "contacts", "companies", &ids).await {
                Ok(found) => found,
                Err(err) => return fail_all(commands, err.into()),
            };
        let primary = |contact: ObjectId| {
            let list = companies.get(&contact)?;
            list.iter()
                .find(|a| a.type_ids.contains(&PRIMARY_COMPANY))
                .or(list.first())
                .map(|a| a.id)
        };
        // One input per record: the last command for a record wins within a batch.
        let mut contact_writes: BTreeMap<ObjectId, Properties> = BTreeMap::new();
        let mut company_writes: BTreeMap<ObjectId, Properties> = BTreeMap::new();
        for (_, command) in &commands {
            contact_writes.insert(command.contact_id, deeto_id(&command.deeto_id));
            if let (Some(company), Some(id)) =
                (primary(command.contact_id), &command.company_deeto_id)
            {
                company_writes.insert(company, deeto_id(id));
            }
        }
        let missing = match update(self.api, self.portal, "contacts", &contact_writes).await {
            Ok(missing) => missing,
            Err(err) => return fail_all(commands, err.into()),
        };
        let missing_companies = if company_writes.is_empty() {
            BTreeMap::new()
        } else {
            match update(self.api, self.portal, "companies", &company_writes).await {
                Ok(missing) => missing,
                Err(err) => return fail_all(commands, err.into()),
            }
        };
        let mut results = Vec::new();
        for (message, command) in commands {
            let id = command.id.clone();
            if let Some(error) = missing.get(&command.contact_id) {
                let reason = format!(
                    "contact {} does not exist in HubSpot: {}",
                    command.contact_id, error.message
                );
                results.push((message, id, Err(refused(reason))));
                continue;
            }
            let company =
                primary(command.contact_id).filter(|c| !missing_companies.contains_key(c));
            let result = self.record_reference(&command, company).await;
            results.push((message, id, result));
        }
        results
    }

    /// Deeto's records: the contact a reference, its company linked by Deeto.
    async fn record_reference(
        &self,
        command: &ReferenceCreated,
        company: Option<ObjectId>,
    ) -> Result<(), Failure> {
        let contact = RecordKey::new(self.portal, CrmObject::Contact, command.contact_id);
        self.records
            .assign_role(
                contact,
                Role::Reference,
                Some(&command.deeto_id),
                self.now_ms,
            )
            .await?;
        if let (Some(company), Some(company_deeto_id)) = (company, &command.company_deeto_id) {
            let company = RecordKey::new(self.portal, CrmObject::Company, company);
            self.records
                .assign_role(company, Role::Company, Some(company_deeto_id), self.now_ms)
                .await?;
            self.records
                .set_link(contact, company, true, self.now_ms)
                .await?;
        }
        Ok(())
    }
}
