//! What tests and scripts do to the simulator from outside HubSpot's API: create portals,
//! mint tokens, uninstall, seed, and act as a HubSpot user. Shared by the in-process handle
//! and the `/_sim` HTTP routes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::render::{Props as View, record_json};
use crate::auth::tokens::{Grant, Install};
use crate::error::ApiResult;
use crate::object_type::ObjectType;
use crate::seed::{Fixture, FixtureReport, GenerateReport, GenerateSpec, fixture, generate};
use crate::state::{SimState, lock};
use crate::store::{Props, Source};

/// Every scope the integration could ask for; what an admin-minted token gets by default.
pub fn all_scopes() -> Vec<String> {
    let mut scopes = vec!["oauth".to_string(), "tickets".to_string()];
    for object in ObjectType::ALL {
        if object != ObjectType::Tickets {
            scopes.push(format!("crm.objects.{}.read", object.plural()));
            scopes.push(format!("crm.objects.{}.write", object.plural()));
        }
        scopes.push(format!("crm.schemas.{}.read", object.plural()));
        scopes.push(format!("crm.schemas.{}.write", object.plural()));
    }
    scopes
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalSummary {
    pub portal_id: u64,
    pub contacts: usize,
    pub companies: usize,
    pub deals: usize,
    pub tickets: usize,
    pub associations: usize,
}

impl SimState {
    pub fn create_portal(&self, portal_id: u64) {
        lock(&self.store).ensure(portal_id, self.clock.now_ms());
    }

    pub fn portals(&self) -> Vec<PortalSummary> {
        let store = lock(&self.store);
        store
            .portals
            .values()
            .map(|p| PortalSummary {
                portal_id: p.id,
                contacts: p.table(ObjectType::Contacts).live_count(),
                companies: p.table(ObjectType::Companies).live_count(),
                deals: p.table(ObjectType::Deals).live_count(),
                tickets: p.table(ObjectType::Tickets).live_count(),
                associations: p.graph.edge_count(),
            })
            .collect()
    }

    /// An install without the OAuth dance: tokens for `portal_id` with `scopes` (all by default).
    pub fn issue_token(&self, portal_id: u64, scopes: Option<Vec<String>>) -> Grant {
        self.create_portal(portal_id);
        let install = Install {
            portal_id,
            user_id: self.config.user_id,
            user_email: self.config.user_email.clone(),
            scopes: scopes.unwrap_or_else(all_scopes),
        };
        lock(&self.tokens).grant(install, None, self.clock.now_ms())
    }

    /// The customer uninstalls the app: its tokens stop working, refreshes get `BAD_REFRESH_TOKEN`.
    pub fn uninstall(&self, portal_id: u64) {
        lock(&self.tokens).uninstall(portal_id);
    }

    pub fn load_fixture(&self, portal_id: u64, data: Fixture) -> ApiResult<FixtureReport> {
        self.write(portal_id, Source::import(), |portal| {
            fixture::load(portal, data)
        })
    }

    pub fn generate(&self, portal_id: u64, spec: GenerateSpec) -> GenerateReport {
        let now = self.clock.now_ms();
        let mut store = lock(&self.store);
        generate::generate(store.ensure(portal_id, now), spec, now)
    }

    pub fn user_create(&self, portal_id: u64, object: ObjectType, props: Props) -> ApiResult<u64> {
        self.write(portal_id, self.user_source(), |p| p.create(object, props))
    }

    pub fn user_update(
        &self,
        portal_id: u64,
        object: ObjectType,
        id: u64,
        props: Props,
    ) -> ApiResult<u64> {
        self.write(portal_id, self.user_source(), |p| {
            p.update(object, id, props)
        })
    }

    pub fn user_archive(&self, portal_id: u64, object: ObjectType, id: u64) -> ApiResult<()> {
        self.write(portal_id, self.user_source(), |p| p.archive(object, id))
    }

    pub fn user_merge(
        &self,
        portal_id: u64,
        object: ObjectType,
        primary: u64,
        secondary: u64,
    ) -> ApiResult<u64> {
        self.write(portal_id, self.user_source(), |p| {
            p.merge(object, primary, secondary)
        })
    }

    pub fn user_associate(&self, portal_id: u64, link: &AssociationChange) -> ApiResult<()> {
        self.write(portal_id, self.user_source(), |p| {
            if link.remove {
                p.dissociate(link.from_type, link.from_id, link.to_type, link.to_id);
            } else {
                p.associate(
                    link.from_type,
                    link.from_id,
                    link.to_type,
                    link.to_id,
                    link.type_id,
                )?;
            }
            Ok(())
        })
    }

    /// A record as HubSpot would return it with every property, or `None`.
    pub fn record(&self, portal_id: u64, object: ObjectType, id: u64) -> Option<Value> {
        let store = lock(&self.store);
        let portal = store.portal(portal_id).ok()?;
        let record = portal.table(object).live(id)?;
        Some(record_json(
            portal,
            object,
            record,
            View::All,
            &ObjectType::ALL,
        ))
    }
}

/// An association a user adds or removes in HubSpot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociationChange {
    pub from_type: ObjectType,
    pub from_id: u64,
    pub to_type: ObjectType,
    pub to_id: u64,
    #[serde(default)]
    pub type_id: Option<u32>,
    #[serde(default)]
    pub remove: bool,
}
