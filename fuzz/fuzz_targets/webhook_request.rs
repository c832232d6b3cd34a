//! HubSpot's webhook request: any body, signed or not, to the receiver. It must answer one of
//! its documented statuses, never panic, and queue exactly the events of a batch it accepts.
#![no_main]

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use common::adapters::memory::MemoryJobQueue;
use common::ports::FixedClock;
use common::queue::RetryPolicy;
use common::webhook::parse_batch;
use deeto_hubspot_fuzz::{
    Changes, SAMPLE_TIME, SECRET, assert_status, request, runtime, split, template,
};
use libfuzzer_sys::fuzz_target;
use secrecy::SecretString;
use serde_json::Value;
use webhook_receiver::{Receiver, handle};

fuzz_target!(|data: &[u8]| {
    static TEMPLATE: OnceLock<Value> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| template("webhook-receiver/api-gateway-v2.json"));
    let Some((signing, method, body)) = split(data, "POST") else {
        return;
    };
    let changes = Changes {
        method,
        raw_query: None,
        body,
        signing,
    };
    let Some(req) = request(template.clone(), &changes) else {
        return;
    };
    let queue = Arc::new(MemoryJobQueue::default());
    let receiver = Receiver {
        client_secret: SecretString::from(SECRET),
        queue: queue.clone(),
        clock: Arc::new(FixedClock(SAMPLE_TIME)),
        public_base_url: None,
        retry: RetryPolicy {
            max_attempts: 1,
            first_backoff: Duration::from_millis(1),
        },
    };

    let response = runtime().block_on(handle(&receiver, req));

    let status = response.status().as_u16();
    assert_status("webhook-receiver", status, &[200, 400, 401, 404, 405, 413]);
    if status == 200 {
        let events = parse_batch(body).map(|e| e.len()).unwrap_or_default();
        assert_eq!(
            queue.sent().len(),
            events,
            "an accepted batch lost or grew events"
        );
    }
});
