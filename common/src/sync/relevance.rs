//! Whether Deeto cares about an object, decided only from stored records (so an irrelevant
//! event costs no HubSpot call), and when a deal stage counts as closed.

use std::collections::{BTreeMap, BTreeSet};

use super::record::{DeetoRecord, Role};

/// What the worker does with an object's events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relevance {
    /// Deeto keeps the object: store and publish its tracked fields.
    Relevant {
        roles: BTreeSet<Role>,
    },
    /// Unknown to Deeto, but a campaign rule watches a property that changed: keep only the
    /// watched values (to see transitions) and publish nothing but enrollments.
    CampaignOnly,
    Irrelevant,
}

impl Relevance {
    /// `roles` from one of the `*_roles` functions; `watched` when a campaign rule watches a
    /// property this batch changes.
    pub fn decide(roles: BTreeSet<Role>, watched: bool) -> Self {
        match (roles.is_empty(), watched) {
            (false, _) => Relevance::Relevant { roles },
            (true, true) => Relevance::CampaignOnly,
            (true, false) => Relevance::Irrelevant,
        }
    }

    pub fn is_relevant(&self) -> bool {
        matches!(self, Relevance::Relevant { .. })
    }
}

/// A contact: a reference, a lead from Deeto, or a prospect (on an active tracked deal).
pub fn contact_roles(record: Option<&DeetoRecord>, active_tracked_deals: usize) -> BTreeSet<Role> {
    let Some(record) = record.filter(|r| !r.is_gone()) else {
        return BTreeSet::new();
    };
    let mut roles: BTreeSet<Role> = record
        .roles
        .iter()
        .copied()
        .filter(|r| matches!(r, Role::Reference | Role::Lead))
        .collect();
    if active_tracked_deals > 0 {
        roles.insert(Role::Prospect);
    }
    roles
}

/// A company: Deeto linked it, or a relevant contact belongs to it.
pub fn company_roles(record: Option<&DeetoRecord>, relevant_contacts: usize) -> BTreeSet<Role> {
    let Some(record) = record.filter(|r| !r.is_gone()) else {
        return BTreeSet::new();
    };
    if record.has_role(Role::Company) || relevant_contacts > 0 {
        BTreeSet::from([Role::Company])
    } else {
        BTreeSet::new()
    }
}

/// A deal: Deeto tracks it (it has a Deeto connection), open or closed.
pub fn deal_roles(record: Option<&DeetoRecord>) -> BTreeSet<Role> {
    match record {
        Some(r) if !r.is_gone() && r.has_role(Role::Deal) => BTreeSet::from([Role::Deal]),
        _ => BTreeSet::new(),
    }
}

/// A tracked deal whose stage is not closed (won or lost) in its pipeline: its contacts are
/// prospects.
pub fn is_active_tracked_deal(deal: &DeetoRecord, closed: &ClosedStages) -> bool {
    !deal_roles(Some(deal)).is_empty()
        && closed.outcome(deal.field("pipeline"), deal.field("dealstage")) == DealOutcome::Open
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DealOutcome {
    Open,
    Won,
    Lost,
}

/// The closed stages of one pipeline.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineStages {
    #[serde(default)]
    pub won: BTreeSet<String>,
    #[serde(default)]
    pub lost: BTreeSet<String>,
}

/// Closed-won and closed-lost stage ids per pipeline. A pipeline not listed uses HubSpot's
/// built-in ids, `closedwon` and `closedlost`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedStages {
    pipelines: BTreeMap<String, PipelineStages>,
    fallback: PipelineStages,
}

impl ClosedStages {
    pub fn hubspot_default() -> Self {
        Self {
            pipelines: BTreeMap::new(),
            fallback: PipelineStages {
                won: BTreeSet::from(["closedwon".to_owned()]),
                lost: BTreeSet::from(["closedlost".to_owned()]),
            },
        }
    }

    /// Adds a custom pipeline (its stage ids are numbers HubSpot generated).
    pub fn with_pipeline(mut self, pipeline: &str, won: &[&str], lost: &[&str]) -> Self {
        let owned = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect();
        let stages = PipelineStages {
            won: owned(won),
            lost: owned(lost),
        };
        self.pipelines.insert(pipeline.to_owned(), stages);
        self
    }

    /// Adds or replaces pipelines (a tenant's custom pipelines).
    pub fn with_pipelines(mut self, pipelines: &BTreeMap<String, PipelineStages>) -> Self {
        self.pipelines
            .extend(pipelines.iter().map(|(k, v)| (k.clone(), v.clone())));
        self
    }

    pub fn outcome(&self, pipeline: Option<&str>, stage: Option<&str>) -> DealOutcome {
        let Some(stage) = stage else {
            return DealOutcome::Open;
        };
        let stages = pipeline
            .and_then(|p| self.pipelines.get(p))
            .unwrap_or(&self.fallback);
        if stages.won.contains(stage) {
            DealOutcome::Won
        } else if stages.lost.contains(stage) {
            DealOutcome::Lost
        } else {
            DealOutcome::Open
        }
    }
}

#[cfg(test)]
mod tests;
