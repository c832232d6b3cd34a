//! Which of a portal's references to suggest for a deal: those whose company matches the
//! deal's company on industry and size. Pure: the reader hands it the candidates.

use std::collections::BTreeSet;

use super::person;
use super::query::MatchCriteria;
use super::view::Suggestion;
use crate::domain::ids::ObjectId;
use crate::sync::record::DeetoRecord;

/// At most this many suggestions: the tab is a short list, not a directory.
pub const MAX_SUGGESTIONS: usize = 5;

/// A reference that could be suggested, with what the reader found about it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub contact: &'a DeetoRecord,
    pub company: Option<&'a DeetoRecord>,
    /// Connections it already takes part in: the less busy are asked first.
    pub connections: usize,
}

/// Company-size bands, as HubSpot's own size ranges group companies: two companies are "the
/// same size" when they fall in one band.
const SIZE_BANDS: [u64; 7] = [10, 50, 200, 500, 1_000, 5_000, 10_000];

fn size_band(employees: u64) -> usize {
    SIZE_BANDS
        .iter()
        .position(|upper| employees <= *upper)
        .unwrap_or(SIZE_BANDS.len())
}

fn same_industry(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Every match, best first: more criteria matched, then less busy, then by name (the tab
/// shows the first [`MAX_SUGGESTIONS`]). A reference matching nothing is not suggested; nor is
/// one in `exclude` (already on the deal).
pub fn suggest(
    criteria: &MatchCriteria,
    candidates: &[Candidate<'_>],
    exclude: &BTreeSet<ObjectId>,
    requested: &BTreeSet<ObjectId>,
) -> Vec<Suggestion> {
    let mut scored: Vec<(usize, usize, String, Suggestion)> = candidates
        .iter()
        .filter(|c| !c.contact.is_gone() && !exclude.contains(&c.contact.key.object_id))
        .filter_map(|c| {
            let industry = person::industry(Some(c.contact), c.company);
            let company_size = person::company_size(c.company);
            let mut matched_on = Vec::new();
            if let (Some(want), Some(have)) = (&criteria.industry, &industry)
                && same_industry(want, have)
            {
                matched_on.push("industry".to_owned());
            }
            if let (Some(want), Some(have)) = (criteria.company_size, company_size)
                && size_band(want) == size_band(have)
            {
                matched_on.push("companySize".to_owned());
            }
            if matched_on.is_empty() {
                return None;
            }
            let name = person::name(c.contact);
            let id = c.contact.key.object_id;
            let suggestion = Suggestion {
                contact_id: id.to_string(),
                name: name.clone(),
                email: person::email(c.contact),
                job_title: person::job_title(c.contact),
                company: person::company_name(c.contact, c.company),
                industry,
                company_size,
                requested: requested.contains(&id),
                matched_on,
            };
            Some((suggestion.matched_on.len(), c.connections, name, suggestion))
        })
        .collect();
    scored.sort_by(|a, b| {
        (b.0.cmp(&a.0))
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
            .then(a.3.contact_id.cmp(&b.3.contact_id))
    });
    scored.into_iter().map(|(_, _, _, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::PortalId;
    use crate::sync::record::{CrmObject, RecordKey, Role};

    fn reference(id: u64, first: &str) -> DeetoRecord {
        DeetoRecord::new(RecordKey::new(
            PortalId(1),
            CrmObject::Contact,
            ObjectId(id),
        ))
        .with_role(Role::Reference)
        .with_field("firstname", first, 1)
    }

    fn company(industry: &str, size: &str) -> DeetoRecord {
        DeetoRecord::new(RecordKey::new(
            PortalId(1),
            CrmObject::Company,
            ObjectId(900),
        ))
        .with_field("name", "Acme", 1)
        .with_field("industry", industry, 1)
        .with_field("numberofemployees", size, 1)
    }

    fn criteria(industry: &str, size: u64) -> MatchCriteria {
        MatchCriteria {
            industry: Some(industry.into()),
            company_size: Some(size),
        }
    }

    #[test]
    fn references_matching_more_criteria_come_first_and_non_matches_are_left_out() {
        let (a, b, c) = (reference(1, "Ada"), reference(2, "Bo"), reference(3, "Cy"));
        let (software_mid, software_huge, retail) = (
            company("COMPUTER_SOFTWARE", "300"),
            company("computer_software", "20000"),
            company("RETAIL", "40"),
        );
        let candidates = [
            Candidate {
                contact: &b,
                company: Some(&software_huge),
                connections: 0,
            },
            Candidate {
                contact: &a,
                company: Some(&software_mid),
                connections: 4,
            },
            Candidate {
                contact: &c,
                company: Some(&retail),
                connections: 0,
            },
        ];

        let found = suggest(
            &criteria("COMPUTER_SOFTWARE", 250),
            &candidates,
            &BTreeSet::new(),
            &BTreeSet::from([ObjectId(2)]),
        );

        let order: Vec<(&str, Vec<&str>, bool)> = found
            .iter()
            .map(|s| {
                let matched = s.matched_on.iter().map(String::as_str).collect();
                (s.name.as_str(), matched, s.requested)
            })
            .collect();
        assert_eq!(
            order,
            [
                ("Ada", vec!["industry", "companySize"], false),
                ("Bo", vec!["industry"], true)
            ]
        );
        assert_eq!(found[0].company.as_deref(), Some("Acme"));
        assert_eq!(found[0].company_size, Some(300));
    }

    #[test]
    fn among_equal_matches_the_least_busy_reference_is_asked_first() {
        let (a, b) = (reference(1, "Ada"), reference(2, "Bo"));
        let acme = company("RETAIL", "40");
        let candidates = [
            Candidate {
                contact: &a,
                company: Some(&acme),
                connections: 3,
            },
            Candidate {
                contact: &b,
                company: Some(&acme),
                connections: 1,
            },
        ];

        let found = suggest(
            &criteria("RETAIL", 45),
            &candidates,
            &BTreeSet::new(),
            &BTreeSet::new(),
        );

        assert_eq!(found[0].name, "Bo");
    }

    #[test]
    fn references_already_on_the_deal_and_gone_ones_are_not_suggested() {
        let on_deal = reference(1, "Ada");
        let mut deleted = reference(2, "Bo");
        deleted.deleted_at_ms = Some(5);
        let acme = company("RETAIL", "40");
        let candidates = [
            Candidate {
                contact: &on_deal,
                company: Some(&acme),
                connections: 0,
            },
            Candidate {
                contact: &deleted,
                company: Some(&acme),
                connections: 0,
            },
        ];

        let found = suggest(
            &criteria("RETAIL", 40),
            &candidates,
            &BTreeSet::from([ObjectId(1)]),
            &BTreeSet::new(),
        );

        assert!(found.is_empty());
    }

    #[test]
    fn no_criteria_means_no_suggestions_rather_than_a_random_list() {
        let a = reference(1, "Ada");
        let acme = company("RETAIL", "40");
        let candidates = [Candidate {
            contact: &a,
            company: Some(&acme),
            connections: 0,
        }];

        let found = suggest(
            &MatchCriteria::default(),
            &candidates,
            &BTreeSet::new(),
            &BTreeSet::new(),
        );

        assert!(found.is_empty());
    }

    #[test]
    fn size_bands_put_neighbours_together_and_orders_of_magnitude_apart() {
        assert_eq!(size_band(201), size_band(500));
        assert_ne!(size_band(200), size_band(201));
        assert_eq!(size_band(50_000), size_band(10_001));
    }
}
