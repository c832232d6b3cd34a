//! The webhook pipeline: changes become events on a queue; a worker gathers them into batches
//! of up to 100 per portal and hands each batch to a delivery task.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{Notify, Semaphore, watch};

use super::delivery::{Delivery, deliver};
use super::events::events_for;
use super::settings::WebhookSettings;
use crate::state::lock;
use crate::store::Change;

#[derive(Debug)]
pub struct WebhookHub {
    pub(crate) settings: Mutex<WebhookSettings>,
    queue: Mutex<VecDeque<Value>>,
    notify: Notify,
    pub(crate) deliveries: Mutex<Vec<Delivery>>,
    next_event_id: AtomicU64,
    next_batch_id: AtomicU64,
    pub(crate) in_flight: AtomicUsize,
    discarded: AtomicU64,
    app_id: u64,
    pub(crate) default_secret: String,
    pub(crate) client: reqwest::Client,
}

impl WebhookHub {
    pub fn new(settings: WebhookSettings, app_id: u64, default_secret: String) -> Self {
        Self {
            settings: Mutex::new(settings),
            queue: Mutex::new(VecDeque::new()),
            notify: Notify::new(),
            deliveries: Mutex::new(Vec::new()),
            next_event_id: AtomicU64::new(1),
            next_batch_id: AtomicU64::new(1),
            in_flight: AtomicUsize::new(0),
            discarded: AtomicU64::new(0),
            app_id,
            default_secret,
            client: reqwest::Client::new(),
        }
    }

    /// Queues the events for these changes, or discards them when no target is configured.
    pub fn publish(&self, changes: Vec<Change>) {
        if changes.is_empty() {
            return;
        }
        let settings = lock(&self.settings).clone();
        if settings.target_url.is_none() {
            self.discarded
                .fetch_add(changes.len() as u64, Ordering::Relaxed);
            return;
        }
        let mut next = || self.next_event_id.fetch_add(1, Ordering::Relaxed);
        let events: Vec<Value> = changes
            .iter()
            .flat_map(|c| events_for(c, self.app_id, &settings, &mut next))
            .collect();
        lock(&self.queue).extend(events);
        self.notify.notify_one();
    }

    pub fn settings(&self) -> WebhookSettings {
        lock(&self.settings).clone()
    }

    pub fn set_settings(&self, settings: WebhookSettings) {
        *lock(&self.settings) = settings;
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.deliveries).clone()
    }

    pub fn clear_deliveries(&self) {
        lock(&self.deliveries).clear();
    }

    /// Events queued for delivery so far (event ids are handed out from 1, one per event).
    pub fn published(&self) -> u64 {
        self.next_event_id.load(Ordering::Relaxed) - 1
    }

    /// Changes that produced no events because no target was configured.
    pub fn discarded(&self) -> u64 {
        self.discarded.load(Ordering::Relaxed)
    }

    /// True when nothing is queued or being delivered (retries included).
    pub fn is_idle(&self) -> bool {
        lock(&self.queue).is_empty() && self.in_flight.load(Ordering::SeqCst) == 0
    }

    /// Groups queued events into batches of one portal each, at most `max_batch` long.
    fn take_batches(&self, max_batch: usize) -> Vec<Vec<Value>> {
        let mut queue = lock(&self.queue);
        let mut batches: Vec<(Value, Vec<Value>)> = Vec::new();
        let mut done = Vec::new();
        for event in queue.drain(..) {
            let portal = event["portalId"].clone();
            match batches.iter_mut().find(|(p, _)| *p == portal) {
                Some((_, batch)) => batch.push(event),
                None => batches.push((portal, vec![event])),
            }
            if let Some(at) = batches
                .iter()
                .position(|(_, b)| b.len() >= max_batch.max(1))
            {
                done.push(batches.remove(at).1);
            }
        }
        done.extend(batches.into_iter().map(|(_, b)| b));
        done
    }

    /// The worker: runs until `shutdown` turns true.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let limit = Arc::new(Semaphore::new(lock(&self.settings).max_concurrent.max(1)));
        loop {
            tokio::select! {
                _ = self.notify.notified() => {}
                _ = shutdown.changed() => return,
            }
            // Counted as in flight from here, so `is_idle` never sees the drained queue
            // before the batches taken from it are counted.
            self.in_flight.fetch_add(1, Ordering::SeqCst);
            let settings = self.settings();
            tokio::time::sleep(Duration::from_millis(settings.batch_window_ms)).await;
            let mut batches = self.take_batches(settings.max_batch);
            if settings.out_of_order {
                batches.reverse();
                batches.iter_mut().for_each(|b| fastrand::shuffle(b));
            }
            for batch in batches {
                let permit = tokio::select! {
                    permit = limit.clone().acquire_owned() => permit,
                    _ = shutdown.changed() => return,
                };
                let Ok(permit) = permit else { return };
                self.in_flight.fetch_add(1, Ordering::SeqCst);
                let hub = self.clone();
                let batch_id = self.next_batch_id.fetch_add(1, Ordering::Relaxed);
                let (settings, stop) = (settings.clone(), shutdown.clone());
                tokio::spawn(async move {
                    deliver(&hub, batch_id, batch, &settings, stop).await;
                    hub.in_flight.fetch_sub(1, Ordering::SeqCst);
                    drop(permit);
                });
            }
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }
}
