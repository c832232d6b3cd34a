//! Counts the HubSpot calls one page makes, whoever makes them (the reconcile's reads and the
//! sync pipeline's own reads and writes), for the run's tally.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;

use crate::domain::ids::PortalId;
use crate::hubspot::HubSpotError;
use crate::ports::{ApiRequest, ApiResponse, HubSpotApi};
use crate::sync::worker::SyncWorker;

pub struct CountingApi {
    inner: Arc<dyn HubSpotApi>,
    calls: AtomicU64,
}

impl std::fmt::Debug for CountingApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CountingApi")
            .field("calls", &self.calls())
            .finish_non_exhaustive()
    }
}

impl CountingApi {
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }
}

#[async_trait]
impl HubSpotApi for CountingApi {
    async fn send(
        &self,
        portal: PortalId,
        request: ApiRequest,
    ) -> Result<ApiResponse, HubSpotError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.inner.send(portal, request).await
    }
}

/// The worker with its HubSpot client wrapped in a counter.
pub fn counted(worker: &SyncWorker) -> (SyncWorker, Arc<CountingApi>) {
    let api = Arc::new(CountingApi {
        inner: worker.hubspot.clone(),
        calls: AtomicU64::new(0),
    });
    let mut counted = worker.clone();
    counted.hubspot = api.clone();
    (counted, api)
}
