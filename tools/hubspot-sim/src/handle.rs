//! The in-process handle tests drive the simulator with: the admin API without HTTP.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::admin::{AssociationChange, PortalSummary};
use crate::auth::tokens::Grant;
use crate::error::{ApiError, ApiResult};
use crate::faults::FaultRule;
use crate::journal::{JournalEntry, JournalQuery};
use crate::limits::RateLimitSettings;
use crate::object_type::ObjectType;
use crate::seed::{Fixture, FixtureReport, GenerateReport, GenerateSpec};
use crate::server::RunningSim;
use crate::state::{AuthorizeChoice, lock};
use crate::store::Props;
use crate::webhooks::{Delivery, WebhookSettings};

impl RunningSim {
    pub fn create_portal(&self, portal_id: u64) {
        self.state().create_portal(portal_id);
    }

    pub fn portals(&self) -> Vec<PortalSummary> {
        self.state().portals()
    }

    /// Tokens for `portal_id` with every scope the integration uses, without the OAuth dance.
    pub fn issue_token(&self, portal_id: u64) -> Grant {
        self.state().issue_token(portal_id, None)
    }

    pub fn issue_token_with_scopes(&self, portal_id: u64, scopes: &[&str]) -> Grant {
        self.state().issue_token(
            portal_id,
            Some(scopes.iter().map(|s| s.to_string()).collect()),
        )
    }

    /// The customer uninstalls the app from this portal.
    pub fn uninstall(&self, portal_id: u64) {
        self.state().uninstall(portal_id);
    }

    /// What the authorize page does next (which portal and user approve, or deny).
    pub fn set_authorize(&self, choice: AuthorizeChoice) {
        *lock(&self.state().authorize) = choice;
    }

    pub fn authorize_choice(&self) -> AuthorizeChoice {
        lock(&self.state().authorize).clone()
    }

    pub fn load_fixture(&self, portal_id: u64, fixture: Fixture) -> ApiResult<FixtureReport> {
        self.state().load_fixture(portal_id, fixture)
    }

    /// Loads a fixture from JSON text (a file's content).
    pub fn load_fixture_json(&self, portal_id: u64, json: &str) -> ApiResult<FixtureReport> {
        let fixture: Fixture = serde_json::from_str(json)
            .map_err(|e| ApiError::validation(format!("bad fixture: {e}")))?;
        self.load_fixture(portal_id, fixture)
    }

    pub fn generate(&self, portal_id: u64, spec: GenerateSpec) -> GenerateReport {
        self.state().generate(portal_id, spec)
    }

    /// A HubSpot user creates a record (events carry `changeSource: CRM_UI`).
    pub fn create_as_user(
        &self,
        portal_id: u64,
        object: ObjectType,
        props: &[(&str, &str)],
    ) -> ApiResult<u64> {
        self.state().user_create(portal_id, object, to_props(props))
    }

    pub fn update_as_user(
        &self,
        portal_id: u64,
        object: ObjectType,
        id: u64,
        props: &[(&str, &str)],
    ) -> ApiResult<u64> {
        self.state()
            .user_update(portal_id, object, id, to_props(props))
    }

    pub fn archive_as_user(&self, portal_id: u64, object: ObjectType, id: u64) -> ApiResult<()> {
        self.state().user_archive(portal_id, object, id)
    }

    /// A user merges `secondary` into `primary`; returns the surviving id.
    pub fn merge_as_user(
        &self,
        portal_id: u64,
        object: ObjectType,
        primary: u64,
        secondary: u64,
    ) -> ApiResult<u64> {
        self.state()
            .user_merge(portal_id, object, primary, secondary)
    }

    pub fn associate_as_user(&self, portal_id: u64, link: AssociationChange) -> ApiResult<()> {
        self.state().user_associate(portal_id, &link)
    }

    /// A record with every property and association, as HubSpot would return it.
    pub fn record(&self, portal_id: u64, object: ObjectType, id: u64) -> Option<Value> {
        self.state().record(portal_id, object, id)
    }

    pub fn journal(&self, query: &JournalQuery) -> Vec<JournalEntry> {
        lock(&self.state().journal).query(query)
    }

    /// Pass to `JournalQuery::since` to see only later requests.
    pub fn journal_mark(&self) -> u64 {
        lock(&self.state().journal).last_seq()
    }

    pub fn clear_journal(&self) {
        lock(&self.state().journal).clear();
    }

    pub fn add_fault(&self, rule: FaultRule) -> u64 {
        lock(&self.state().faults).add(rule)
    }

    pub fn remove_fault(&self, id: u64) -> bool {
        lock(&self.state().faults).remove(id)
    }

    pub fn clear_faults(&self) {
        lock(&self.state().faults).clear();
    }

    pub fn set_rate_limits(&self, settings: RateLimitSettings) {
        let mut limits = lock(&self.state().limits);
        limits.settings = settings;
        limits.reset();
    }

    pub fn webhook_settings(&self) -> WebhookSettings {
        self.state().webhooks.settings()
    }

    pub fn set_webhooks(&self, settings: WebhookSettings) {
        self.state().webhooks.set_settings(settings);
    }

    /// Webhook events produced so far (users' and apps' changes alike), delivered or not.
    pub fn events_published(&self) -> u64 {
        self.state().webhooks.published()
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state().webhooks.deliveries()
    }

    /// Waits until no event is queued or in delivery (retries included); false on timeout.
    pub async fn webhooks_idle(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        // Let a just-published batch get picked up before the first check.
        tokio::time::sleep(Duration::from_millis(
            self.webhook_settings().batch_window_ms + 20,
        ))
        .await;
        while Instant::now() < deadline {
            if self.state().webhooks.is_idle() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }

    /// Moves the simulated clock forward (expires tokens without waiting 30 minutes).
    pub fn advance_clock(&self, by: Duration) {
        self.state().clock.advance(by);
    }
}

fn to_props(props: &[(&str, &str)]) -> Props {
    props
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
