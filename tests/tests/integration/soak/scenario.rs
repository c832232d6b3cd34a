//! What happens in the soak's portal: users creating, changing, associating, merging and
//! deleting records in the simulator (each action emits HubSpot's webhook events), and the
//! Deeto platform's commands. Every action is drawn from a seeded random mix and written down
//! as what Deeto must end up knowing: the truth the tally checks the system against.

use std::collections::{BTreeMap, BTreeSet};

use common::commands::{
    CommandId, ConnectionCreated, ConnectionUpdated, DeetoCommand, InteractionType, LeadCreated,
    ReferenceCreated,
};
use common::domain::ids::{ObjectId, PortalId, TenantId};
use common::queue::{CommandDelivery, SyncMessage};
use hubspot_sim::{AssociationChange, ObjectType, RunningSim};
use integration_tests::now_ms;

use super::PORTAL;

const CONTACT_FIELDS: [&str; 4] = ["firstname", "lastname", "jobtitle", "company"];
const COMPANY_FIELDS: [&str; 3] = ["name", "numberofemployees", "annualrevenue"];
const KINDS: [InteractionType; 5] = [
    InteractionType::Meeting,
    InteractionType::ReferenceCall,
    InteractionType::UserStory,
    InteractionType::VideoTestimonial,
    InteractionType::CaseStudy,
];
const NEXT_STATUS: [&str; 3] = ["scheduled", "completed", "cancelled"];

/// Counts of what was done, by kind, for the report.
pub type Actions = BTreeMap<&'static str, usize>;

/// The soak's portal and everything the system must end up reflecting.
pub struct Scenario<'a> {
    sim: &'a RunningSim,
    rng: fastrand::Rng,
    pub actions: Actions,
    /// Commands written but not yet on the queue.
    pub outbox: Vec<SyncMessage>,
    pub commands_sent: usize,
    companies: Vec<u64>,
    /// Contacts that may still be changed, merged or deleted.
    contacts: Vec<u64>,
    /// Deals not yet closed, with their two contacts.
    open_deals: Vec<(u64, [u64; 2])>,
    /// Contacts that are never merged or deleted: on a deal, a campaign target, a connection's
    /// reference.
    protected: BTreeSet<u64>,
    customers: BTreeSet<u64>,
    /// Reference contact → its Deeto id (phase one; relevant for the whole of phase two).
    pub references: BTreeMap<u64, String>,
    /// Company → Deeto id, for the references' companies.
    pub reference_companies: BTreeMap<u64, String>,
    /// Lead email → Deeto id.
    pub leads: BTreeMap<String, String>,
    /// Connection Deeto id → the status it must end with.
    pub connections: BTreeMap<String, String>,
    /// (object, id, property) changed in phase two on a reference or its company.
    pub tracked_changes: BTreeSet<(ObjectType, u64, String)>,
    /// (campaign, contact) enrollments the campaign rules call for.
    pub enrollments: BTreeSet<(String, u64)>,
    /// References deleted in HubSpot.
    pub deleted_references: BTreeSet<u64>,
    /// Merges involving a reference: (survivor, merged-away ids).
    pub reference_merges: Vec<(u64, Vec<u64>)>,
    next: u64,
    /// The last command's acceptance time and place in its millisecond.
    last_said: (i64, u32),
}

impl<'a> Scenario<'a> {
    pub fn new(sim: &'a RunningSim, seed: u64) -> Self {
        Self {
            sim,
            rng: fastrand::Rng::with_seed(seed),
            actions: Actions::new(),
            outbox: Vec::new(),
            commands_sent: 0,
            companies: Vec::new(),
            contacts: Vec::new(),
            open_deals: Vec::new(),
            protected: BTreeSet::new(),
            customers: BTreeSet::new(),
            references: BTreeMap::new(),
            reference_companies: BTreeMap::new(),
            leads: BTreeMap::new(),
            connections: BTreeMap::new(),
            tracked_changes: BTreeSet::new(),
            enrollments: BTreeSet::new(),
            deleted_references: BTreeSet::new(),
            reference_merges: Vec::new(),
            next: 0,
            last_said: (0, 0),
        }
    }

    fn count(&mut self, kind: &'static str) {
        *self.actions.entry(kind).or_default() += 1;
    }

    fn serial(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    /// A command as `deeto-events` queues it: stamped when accepted, and numbered within the
    /// millisecond (as within one request), so the order Deeto said things in is known.
    fn command(&mut self, command: DeetoCommand) {
        let received_at = now_ms();
        let position = match self.last_said {
            (at, position) if at == received_at => position + 1,
            _ => 0,
        };
        self.last_said = (received_at, position);
        self.outbox
            .push(SyncMessage::DeetoCommandV1(CommandDelivery {
                portal_id: PortalId(PORTAL),
                tenant_id: TenantId("acme".into()),
                received_at,
                position,
                command,
            }));
    }

    /// Phase one, sized for `target` events in all: companies, contacts at them, deals with
    /// two contacts each; references and leads from Deeto. `pace` is awaited every few records
    /// (it holds users back while the system has a backlog).
    pub async fn populate(&mut self, target: usize, pace: &impl AsyncFn()) {
        let sim = self.sim;
        for n in 0..(target / 200).max(5) {
            let id = sim
                .create_as_user(
                    PORTAL,
                    ObjectType::Companies,
                    &[
                        ("name", &format!("Company {n}")),
                        ("domain", &format!("c{n}.test")),
                    ],
                )
                .expect("company created");
            self.companies.push(id);
            self.count("company created");
        }
        for n in 0..(target / 25).max(40) {
            if n % 10 == 0 {
                pace().await;
            }
            let id = sim
                .create_as_user(
                    PORTAL,
                    ObjectType::Contacts,
                    &[
                        ("email", &format!("person{n}@soak.test")),
                        ("firstname", &format!("Person {n}")),
                        ("lifecyclestage", "lead"),
                    ],
                )
                .expect("contact created");
            let company = self.companies[n % self.companies.len()];
            self.associate(ObjectType::Contacts, id, ObjectType::Companies, company);
            self.contacts.push(id);
            self.count("contact created");
            if n % 10 < 3 {
                let deeto_id = format!("ref-{id}");
                let company_deeto_id = format!("co-{company}");
                self.references.insert(id, deeto_id.clone());
                self.reference_companies
                    .insert(company, company_deeto_id.clone());
                let id_text = format!("cmd-ref-{id}");
                self.command(DeetoCommand::ReferenceCreated(ReferenceCreated {
                    id: CommandId(id_text),
                    contact_id: ObjectId(id),
                    deeto_id,
                    company_deeto_id: Some(company_deeto_id),
                }));
                self.count("reference.created");
            }
        }
        // Every other reference stays put (connections name them); the rest may be merged,
        // deleted or become customers.
        let stable: Vec<u64> = self.references.keys().copied().step_by(2).collect();
        self.protected.extend(stable);
        let unreferenced: Vec<u64> = (self.contacts.iter())
            .filter(|c| !self.references.contains_key(c))
            .copied()
            .collect();
        for (n, pair) in unreferenced
            .chunks(2)
            .take((target / 200).max(5))
            .enumerate()
        {
            if n % 10 == 0 {
                pace().await;
            }
            let [a, b] = [pair[0], pair[pair.len() - 1]];
            let deal = sim
                .create_as_user(
                    PORTAL,
                    ObjectType::Deals,
                    &[
                        ("dealname", &format!("Deal {n}")),
                        ("dealstage", "appointmentscheduled"),
                        ("pipeline", "default"),
                    ],
                )
                .expect("deal created");
            self.associate(ObjectType::Deals, deal, ObjectType::Contacts, a);
            self.associate(ObjectType::Deals, deal, ObjectType::Contacts, b);
            self.protected.extend([a, b]);
            self.open_deals.push((deal, [a, b]));
            self.count("deal created");
        }
        for _ in 0..(target / 100).max(5) {
            self.lead();
        }
    }

    fn associate(&mut self, from: ObjectType, from_id: u64, to: ObjectType, to_id: u64) {
        self.sim
            .associate_as_user(
                PORTAL,
                AssociationChange {
                    from_type: from,
                    from_id,
                    to_type: to,
                    to_id,
                    type_id: None,
                    remove: false,
                },
            )
            .expect("associated");
    }

    fn lead(&mut self) {
        let n = self.serial();
        let email = format!("lead{n}@prospect.test");
        let deeto_id = format!("lead-{n}");
        self.leads.insert(email.clone(), deeto_id.clone());
        self.command(DeetoCommand::LeadCreated(LeadCreated {
            id: CommandId(format!("cmd-lead-{n}")),
            deeto_id,
            email,
            first_name: "Lee".into(),
            last_name: format!("Lead {n}"),
            company: Some("Prospect Inc".into()),
            job_title: None,
        }));
        self.count("lead.created");
    }

    /// Phase two: one action drawn from the mix. Users act at least a millisecond apart:
    /// HubSpot stamps changes in milliseconds, and two changes of one property within the same
    /// one cannot be ordered by anyone (the simulator's clock moves on instead of the test
    /// sleeping).
    pub fn step(&mut self) {
        self.sim.advance_clock(std::time::Duration::from_millis(1));
        match self.rng.u32(0..100) {
            0..40 => self.change_contact(),
            40..48 => self.change_unmapped(),
            48..58 => self.change_company(),
            58..63 => self.change_deal(),
            63..69 => self.reassociate(),
            69..75 => self.become_customer(),
            75..77 => self.close_deal(),
            77..80 => self.delete_contact(),
            80..82 => self.merge_contacts(),
            82..87 => self.connect(),
            87..97 => self.update_connection(),
            _ => self.lead(),
        }
    }

    fn pick_contact(&mut self) -> u64 {
        // Most changes land on references, where Deeto must keep up.
        let references: Vec<u64> = (self.references.keys())
            .filter(|c| self.contacts.contains(c))
            .copied()
            .collect();
        if !references.is_empty() && self.rng.u32(0..10) < 6 {
            references[self.rng.usize(..references.len())]
        } else {
            self.contacts[self.rng.usize(..self.contacts.len())]
        }
    }

    fn change_contact(&mut self) {
        let id = self.pick_contact();
        let field = CONTACT_FIELDS[self.rng.usize(..CONTACT_FIELDS.len())];
        let value = format!("{field} {}", self.serial());
        self.sim
            .update_as_user(PORTAL, ObjectType::Contacts, id, &[(field, &value)])
            .expect("contact updated");
        if self.references.contains_key(&id) {
            self.tracked_changes
                .insert((ObjectType::Contacts, id, field.to_owned()));
        }
        self.count("contact property changed");
    }

    fn change_unmapped(&mut self) {
        let id = self.pick_contact();
        let phone = format!("+1555{:07}", self.serial());
        self.sim
            .update_as_user(PORTAL, ObjectType::Contacts, id, &[("phone", &phone)])
            .expect("phone updated");
        self.count("unmapped property changed");
    }

    fn change_company(&mut self) {
        let companies: Vec<u64> = self.reference_companies.keys().copied().collect();
        let id = if self.rng.bool() && !companies.is_empty() {
            companies[self.rng.usize(..companies.len())]
        } else {
            self.companies[self.rng.usize(..self.companies.len())]
        };
        let field = COMPANY_FIELDS[self.rng.usize(..COMPANY_FIELDS.len())];
        let value = match field {
            "name" => format!("Company {}", self.serial()),
            _ => self.rng.u32(1..100_000).to_string(),
        };
        self.sim
            .update_as_user(PORTAL, ObjectType::Companies, id, &[(field, &value)])
            .expect("company updated");
        if self.reference_companies.contains_key(&id) {
            self.tracked_changes
                .insert((ObjectType::Companies, id, field.to_owned()));
        }
        self.count("company property changed");
    }

    fn change_deal(&mut self) {
        let Some(&(deal, _)) = self
            .open_deals
            .get(self.rng.usize(..self.open_deals.len().max(1)))
        else {
            return self.change_contact();
        };
        let amount = self.rng.u32(1_000..500_000).to_string();
        self.sim
            .update_as_user(PORTAL, ObjectType::Deals, deal, &[("amount", &amount)])
            .expect("deal updated");
        self.count("deal property changed");
    }

    fn reassociate(&mut self) {
        let contact = self.contacts[self.rng.usize(..self.contacts.len())];
        let company = self.companies[self.rng.usize(..self.companies.len())];
        self.associate(
            ObjectType::Contacts,
            contact,
            ObjectType::Companies,
            company,
        );
        self.count("association added");
    }

    fn become_customer(&mut self) {
        let candidates: Vec<u64> = (self.contacts.iter())
            .filter(|c| !self.customers.contains(c))
            .copied()
            .collect();
        let Some(&id) = candidates.get(self.rng.usize(..candidates.len().max(1))) else {
            return self.change_contact();
        };
        self.sim
            .update_as_user(
                PORTAL,
                ObjectType::Contacts,
                id,
                &[("lifecyclestage", "customer")],
            )
            .expect("lifecycle changed");
        self.customers.insert(id);
        self.protected.insert(id);
        self.enrollments
            .insert(("reference-recruitment".into(), id));
        if self.references.contains_key(&id) {
            self.tracked_changes
                .insert((ObjectType::Contacts, id, "lifecyclestage".into()));
        }
        self.count("lifecycle stage -> customer");
    }

    fn close_deal(&mut self) {
        if self.open_deals.is_empty() {
            return self.change_contact();
        }
        let (deal, contacts) = self
            .open_deals
            .remove(self.rng.usize(..self.open_deals.len()));
        self.sim
            .update_as_user(
                PORTAL,
                ObjectType::Deals,
                deal,
                &[("dealstage", "closedwon")],
            )
            .expect("deal closed");
        for contact in contacts {
            self.enrollments
                .insert(("post-sale-advocacy".into(), contact));
        }
        self.count("deal stage -> closedwon");
    }

    /// An unprotected contact, taken out of the pool.
    fn take_unprotected(&mut self) -> Option<u64> {
        let candidates: Vec<usize> = (0..self.contacts.len())
            .filter(|i| !self.protected.contains(&self.contacts[*i]))
            .collect();
        let at = *candidates.get(self.rng.usize(..candidates.len().max(1)))?;
        Some(self.contacts.swap_remove(at))
    }

    fn delete_contact(&mut self) {
        let Some(id) = self.take_unprotected() else {
            return self.change_contact();
        };
        self.sim
            .archive_as_user(PORTAL, ObjectType::Contacts, id)
            .expect("contact deleted");
        if self.references.contains_key(&id) {
            self.deleted_references.insert(id);
        }
        self.count("contact deleted");
    }

    fn merge_contacts(&mut self) {
        let (Some(primary), Some(secondary)) = (self.take_unprotected(), self.take_unprotected())
        else {
            return self.change_contact();
        };
        let survivor = self
            .sim
            .merge_as_user(PORTAL, ObjectType::Contacts, primary, secondary)
            .expect("contacts merged");
        if [primary, secondary]
            .iter()
            .any(|id| self.references.contains_key(id))
        {
            let merged = [primary, secondary]
                .into_iter()
                .filter(|id| *id != survivor);
            self.reference_merges.push((survivor, merged.collect()));
        }
        self.count("contacts merged");
    }

    fn connect(&mut self) {
        let stable: Vec<u64> = (self.references.keys())
            .filter(|c| self.protected.contains(c) && self.contacts.contains(c))
            .copied()
            .collect();
        let (Some(&reference), Some(&(deal, prospects))) = (
            stable.get(self.rng.usize(..stable.len().max(1))),
            self.open_deals
                .get(self.rng.usize(..self.open_deals.len().max(1))),
        ) else {
            return self.lead();
        };
        let n = self.serial();
        let kind = KINDS[self.rng.usize(..KINDS.len())];
        let deeto_id = format!("conn-{n}");
        self.connections
            .insert(deeto_id.clone(), "requested".into());
        self.command(DeetoCommand::ConnectionCreated(ConnectionCreated {
            id: CommandId(format!("cmd-conn-{n}")),
            deeto_id,
            prospect_contact_id: ObjectId(prospects[0]),
            reference_contact_id: ObjectId(reference),
            deal_id: Some(ObjectId(deal)),
            connection_type: kind,
            status: "requested".into(),
            subject: None,
        }));
        self.count("connection.created");
    }

    fn update_connection(&mut self) {
        let ids: Vec<String> = self.connections.keys().cloned().collect();
        let Some(deeto_id) = ids.get(self.rng.usize(..ids.len().max(1))).cloned() else {
            return self.connect();
        };
        let status = NEXT_STATUS[self.rng.usize(..NEXT_STATUS.len())].to_owned();
        self.connections.insert(deeto_id.clone(), status.clone());
        let n = self.serial();
        self.command(DeetoCommand::ConnectionUpdated(ConnectionUpdated {
            id: CommandId(format!("cmd-upd-{n}")),
            deeto_id,
            status: Some(status),
            connection_type: None,
        }));
        self.count("connection.updated");
    }
}
