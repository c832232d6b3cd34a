//! Which of a portal's references to suggest for a deal: those whose company matches the
//! deal's company on industry and size. Pure: the reader hands it the portal's reference pool.

use std::collections::BTreeSet;

use super::pool::PooledReference;
use super::query::MatchCriteria;
use super::view::Suggestion;
use crate::domain::ids::ObjectId;

/// At most this many suggestions: the tab is a short list, not a directory.
pub const MAX_SUGGESTIONS: usize = 5;

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

/// Every match, best first: more criteria matched, then less busy (fewer connections), then
/// by name (the tab shows the first [`MAX_SUGGESTIONS`]). A reference matching nothing is not
/// suggested; nor is one in `exclude` (already on the deal).
pub fn suggest(
    criteria: &MatchCriteria,
    pool: &[PooledReference],
    exclude: &BTreeSet<ObjectId>,
    requested: &BTreeSet<ObjectId>,
) -> Vec<Suggestion> {
    let mut scored: Vec<(usize, &PooledReference)> = pool
        .iter()
        .filter(|r| !exclude.contains(&r.contact_id))
        .filter_map(|r| {
            let matched = matched_on(criteria, r);
            (!matched.is_empty()).then_some((matched.len(), r))
        })
        .collect();
    scored.sort_by(|(a_matched, a), (b_matched, b)| {
        (b_matched.cmp(a_matched))
            .then(a.connections.cmp(&b.connections))
            .then(a.name.cmp(&b.name))
            .then(a.contact_id.cmp(&b.contact_id))
    });
    scored
        .into_iter()
        .map(|(_, r)| Suggestion {
            contact_id: r.contact_id.to_string(),
            name: r.name.clone(),
            email: r.email.clone(),
            job_title: r.job_title.clone(),
            company: r.company.clone(),
            industry: r.industry.clone(),
            company_size: r.company_size,
            requested: requested.contains(&r.contact_id),
            matched_on: matched_on(criteria, r),
        })
        .collect()
}

/// `industry`, `companySize`: what of the deal's criteria the reference's company matches.
fn matched_on(criteria: &MatchCriteria, reference: &PooledReference) -> Vec<String> {
    let mut matched = Vec::new();
    if let (Some(want), Some(have)) = (&criteria.industry, &reference.industry)
        && same_industry(want, have)
    {
        matched.push("industry".to_owned());
    }
    if let (Some(want), Some(have)) = (criteria.company_size, reference.company_size)
        && size_band(want) == size_band(have)
    {
        matched.push("companySize".to_owned());
    }
    matched
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(id: u64, name: &str, industry: &str, size: u64, busy: usize) -> PooledReference {
        PooledReference {
            contact_id: ObjectId(id),
            name: name.into(),
            email: None,
            job_title: None,
            company: Some("Acme".into()),
            industry: Some(industry.into()),
            company_size: Some(size),
            connections: busy,
        }
    }

    fn criteria(industry: &str, size: u64) -> MatchCriteria {
        MatchCriteria {
            industry: Some(industry.into()),
            company_size: Some(size),
        }
    }

    #[test]
    fn references_matching_more_criteria_come_first_and_non_matches_are_left_out() {
        let pool = [
            reference(2, "Bo", "computer_software", 20_000, 0),
            reference(1, "Ada", "COMPUTER_SOFTWARE", 300, 4),
            reference(3, "Cy", "RETAIL", 40, 0),
        ];

        let found = suggest(
            &criteria("COMPUTER_SOFTWARE", 250),
            &pool,
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
        let pool = [
            reference(1, "Ada", "RETAIL", 40, 3),
            reference(2, "Bo", "RETAIL", 40, 1),
        ];

        let found = suggest(
            &criteria("RETAIL", 45),
            &pool,
            &BTreeSet::new(),
            &BTreeSet::new(),
        );

        assert_eq!(found[0].name, "Bo");
    }

    #[test]
    fn references_already_on_the_deal_are_not_suggested() {
        let pool = [reference(1, "Ada", "RETAIL", 40, 0)];

        let found = suggest(
            &criteria("RETAIL", 40),
            &pool,
            &BTreeSet::from([ObjectId(1)]),
            &BTreeSet::new(),
        );

        assert!(found.is_empty());
    }

    #[test]
    fn no_criteria_means_no_suggestions_rather_than_a_random_list() {
        let pool = [reference(1, "Ada", "RETAIL", 40, 0)];

        let found = suggest(
            &MatchCriteria::default(),
            &pool,
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
