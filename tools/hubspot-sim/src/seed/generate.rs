//! Large portals for benchmarks: companies, contacts, deals and tickets with associations,
//! deterministic for a seed, written straight into the store (no validation, no events) so
//! 100,000 contacts take about a second.

use serde::{Deserialize, Serialize};

use crate::clock::iso;
use crate::object_type::ObjectType::{self, Companies, Contacts, Deals, Tickets};
use crate::store::assoc_types;
use crate::store::{Portal, Props};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GenerateSpec {
    pub companies: usize,
    pub contacts: usize,
    pub deals: usize,
    pub tickets: usize,
    pub seed: u64,
}

impl Default for GenerateSpec {
    fn default() -> Self {
        Self {
            companies: 10_000,
            contacts: 100_000,
            deals: 20_000,
            tickets: 5_000,
            seed: 42,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateReport {
    pub company_ids: (u64, u64),
    pub contact_ids: (u64, u64),
    pub deal_ids: (u64, u64),
    pub ticket_ids: (u64, u64),
    pub associations: usize,
}

const DAY_MS: i64 = 86_400_000;
const STAGES: [&str; 7] = [
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "closedwon",
    "closedlost",
];
const LIFECYCLE: [&str; 4] = ["lead", "opportunity", "customer", "evangelist"];

struct Gen<'a> {
    portal: &'a mut Portal,
    rng: fastrand::Rng,
    now: i64,
}

impl Gen<'_> {
    /// Created some time in the last two years, so date-window searches have something to cut.
    fn insert(&mut self, object: ObjectType, props: Vec<(&str, String)>) -> u64 {
        let created = self.now - self.rng.i64(0..730 * DAY_MS);
        let props: Props = props.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        self.portal.insert_raw(object, props, created)
    }

    fn link(&mut self, from: ObjectType, from_id: u64, to: ObjectType, to_id: u64, type_id: u32) {
        if let Some(kind) = assoc_types::lookup(from, to, type_id) {
            self.portal.graph.add((from, from_id), (to, to_id), kind);
        }
    }

    fn pick(&mut self, range: (u64, u64)) -> Option<u64> {
        (range.1 > range.0).then(|| self.rng.u64(range.0..range.1))
    }
}

pub fn generate(portal: &mut Portal, spec: GenerateSpec, now_ms: i64) -> GenerateReport {
    let mut g = Gen {
        portal,
        rng: fastrand::Rng::with_seed(spec.seed),
        now: now_ms,
    };
    let mut report = GenerateReport {
        company_ids: g.run(spec.companies, Gen::company),
        ..GenerateReport::default()
    };
    report.contact_ids = g.run(spec.contacts, |g, i| g.contact(i, report.company_ids));
    report.deal_ids = g.run(spec.deals, |g, i| {
        g.deal(i, report.company_ids, report.contact_ids)
    });
    report.ticket_ids = g.run(spec.tickets, |g, i| {
        g.ticket(i, report.contact_ids, report.deal_ids)
    });
    report.associations = g.portal.graph.edge_count();
    report
}

impl Gen<'_> {
    /// Makes `count` records; returns their id range (ids are consecutive).
    fn run(&mut self, count: usize, mut make: impl FnMut(&mut Self, usize)) -> (u64, u64) {
        let first = self.portal.next_id();
        for i in 0..count {
            make(self, i);
        }
        (first, self.portal.next_id())
    }

    fn company(&mut self, i: usize) {
        let employees = self.rng.u32(1..5000).to_string();
        let props = vec![
            ("name", format!("Company {i}")),
            ("domain", format!("company{i}.example.com")),
            ("numberofemployees", employees),
        ];
        self.insert(Companies, props);
    }

    fn contact(&mut self, i: usize, companies: (u64, u64)) {
        let company = self.pick(companies);
        let lifecycle = LIFECYCLE[self.rng.usize(0..LIFECYCLE.len())];
        let props = vec![
            ("email", format!("contact{i}@example{}.com", i % 997)),
            ("firstname", format!("First{i}")),
            ("lastname", format!("Last{}", i % 1000)),
            ("lifecyclestage", lifecycle.into()),
        ];
        let id = self.insert(Contacts, props);
        if let Some(company) = company {
            self.link(Contacts, id, Companies, company, 279);
            self.link(Contacts, id, Companies, company, 1);
        }
    }

    fn deal(&mut self, i: usize, companies: (u64, u64), contacts: (u64, u64)) {
        let stage = STAGES[self.rng.usize(0..STAGES.len())];
        let close = iso(self.now + self.rng.i64(-365..365) * DAY_MS);
        let props = vec![
            ("dealname", format!("Deal {i}")),
            ("amount", self.rng.u32(100..100_000).to_string()),
            ("dealstage", stage.into()),
            ("pipeline", "default".into()),
            ("closedate", close),
        ];
        let id = self.insert(Deals, props);
        if let Some(company) = self.pick(companies) {
            self.link(Deals, id, Companies, company, 341);
        }
        if let Some(contact) = self.pick(contacts) {
            self.link(Deals, id, Contacts, contact, 3);
        }
    }

    fn ticket(&mut self, i: usize, contacts: (u64, u64), deals: (u64, u64)) {
        let props = vec![
            ("subject", format!("Ticket {i}")),
            ("hs_pipeline", "0".into()),
            ("hs_pipeline_stage", self.rng.u8(1..5).to_string()),
        ];
        let id = self.insert(Tickets, props);
        if let Some(contact) = self.pick(contacts) {
            self.link(Tickets, id, Contacts, contact, 16);
        }
        if let Some(deal) = self.pick(deals) {
            self.link(Tickets, id, Deals, deal, 28);
        }
    }
}
