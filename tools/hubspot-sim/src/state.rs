//! Everything a running simulator holds, shared by the HTTP handlers, the admin API and the
//! in-process handle. Each part has its own lock; none is held across an `.await`.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use crate::auth::tokens::Tokens;
use crate::clock::Clock;
use crate::config::SimConfig;
use crate::error::ApiResult;
use crate::faults::Faults;
use crate::journal::Journal;
use crate::limits::RateLimiter;
use crate::store::{Portal, Source, Store};
use crate::webhooks::WebhookHub;

/// A poisoned lock only means another request panicked; the data is still usable.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the authorize page does with the next install: approve as this user of this portal,
/// or deny.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizeChoice {
    pub portal_id: u64,
    pub user_id: u64,
    pub user_email: String,
    #[serde(default)]
    pub deny: bool,
}

#[derive(Debug)]
pub struct SimState {
    pub config: SimConfig,
    pub clock: Clock,
    pub store: Mutex<Store>,
    pub tokens: Mutex<Tokens>,
    pub journal: Mutex<Journal>,
    pub faults: Mutex<Faults>,
    pub limits: Mutex<RateLimiter>,
    pub authorize: Mutex<AuthorizeChoice>,
    pub webhooks: Arc<WebhookHub>,
}

impl SimState {
    pub fn new(config: SimConfig) -> Self {
        let choice = AuthorizeChoice {
            portal_id: config.default_portal,
            user_id: config.user_id,
            user_email: config.user_email.clone(),
            deny: false,
        };
        let hub = WebhookHub::new(
            config.webhooks.clone(),
            config.app.app_id,
            config.app.client_secret.clone(),
        );
        Self {
            clock: Clock::default(),
            store: Mutex::new(Store::default()),
            tokens: Mutex::new(Tokens::new(config.access_token_ttl_secs)),
            journal: Mutex::new(Journal::default()),
            faults: Mutex::new(Faults::default()),
            limits: Mutex::new(RateLimiter::new(config.rate_limits)),
            authorize: Mutex::new(choice),
            webhooks: Arc::new(hub),
            config,
        }
    }

    pub fn read<T>(
        &self,
        portal_id: u64,
        op: impl FnOnce(&Portal) -> ApiResult<T>,
    ) -> ApiResult<T> {
        let store = lock(&self.store);
        op(store.portal(portal_id)?)
    }

    /// Runs one write on a portal (created if missing) and publishes the changes it recorded,
    /// also when the write failed half-way (a batch that stopped at its fifth input).
    pub fn write<T>(
        &self,
        portal_id: u64,
        source: Source,
        op: impl FnOnce(&mut Portal) -> ApiResult<T>,
    ) -> ApiResult<T> {
        let now = self.clock.now_ms();
        let (result, changes) = {
            let mut store = lock(&self.store);
            let portal = store.ensure(portal_id, now);
            portal.begin(now, source);
            let result = op(portal);
            (result, portal.take_changes())
        };
        self.webhooks.publish(changes);
        result
    }

    /// The source of writes made through the public API by the app.
    pub fn api_source(&self) -> Source {
        Source::integration(self.config.app.app_id)
    }

    /// The source of changes a HubSpot user makes (admin calls).
    pub fn user_source(&self) -> Source {
        Source::user(self.config.user_id)
    }
}
