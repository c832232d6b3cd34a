//! How a contact and its company read on the tab, from the mapped fields Deeto keeps.

use crate::sync::record::DeetoRecord;

/// A contact's display name: first and last name, else the email, else its id.
pub fn name(contact: &DeetoRecord) -> String {
    let full = [contact.field("firstname"), contact.field("lastname")]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    match (full.is_empty(), contact.field("email")) {
        (false, _) => full,
        (true, Some(email)) => email.to_owned(),
        (true, None) => format!("Contact {}", contact.key.object_id),
    }
}

pub fn email(contact: &DeetoRecord) -> Option<String> {
    present(contact.field("email"))
}

pub fn job_title(contact: &DeetoRecord) -> Option<String> {
    present(contact.field("jobtitle"))
}

/// The company's name, else the free-text `company` field of the contact.
pub fn company_name(contact: &DeetoRecord, company: Option<&DeetoRecord>) -> Option<String> {
    present(company.and_then(|c| c.field("name"))).or_else(|| present(contact.field("company")))
}

/// The company's industry, else the contact's own `industry` field.
pub fn industry(contact: Option<&DeetoRecord>, company: Option<&DeetoRecord>) -> Option<String> {
    present(company.and_then(|c| c.field("industry")))
        .or_else(|| present(contact.and_then(|c| c.field("industry"))))
}

/// `numberofemployees`, which HubSpot keeps as a number (`250` or `250.0`).
pub fn company_size(company: Option<&DeetoRecord>) -> Option<u64> {
    let raw = company?.field("numberofemployees")?.trim();
    let value: f64 = raw.parse().ok()?;
    (value.is_finite() && (1.0..1e9).contains(&value)).then_some(value as u64)
}

fn present(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::{ObjectId, PortalId};
    use crate::sync::record::{CrmObject, RecordKey};

    fn contact() -> DeetoRecord {
        DeetoRecord::new(RecordKey::new(PortalId(1), CrmObject::Contact, ObjectId(7)))
    }

    #[test]
    fn a_name_falls_back_to_the_email_then_the_id() {
        let ada =
            contact()
                .with_field("firstname", "Ada", 1)
                .with_field("lastname", " Lovelace ", 1);
        assert_eq!(name(&ada), "Ada Lovelace");
        assert_eq!(name(&contact().with_field("email", "a@x.io", 1)), "a@x.io");
        assert_eq!(name(&contact()), "Contact 7");
    }

    #[test]
    fn a_company_size_must_be_a_positive_number() {
        let company = |v: &str| {
            DeetoRecord::new(RecordKey::new(PortalId(1), CrmObject::Company, ObjectId(2)))
                .with_field("numberofemployees", v, 1)
        };
        assert_eq!(company_size(Some(&company("250.0"))), Some(250));
        assert_eq!(company_size(Some(&company("many"))), None);
        assert_eq!(company_size(Some(&company("0"))), None);
    }
}
