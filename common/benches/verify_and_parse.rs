//! What the webhook receiver spends per request on CPU: verifying the v3 signature and
//! parsing a full batch of 100 events. Run with `make bench`.

use std::hint::black_box;

use common::webhook::signature::{v3_signature, verify_v3};
use common::webhook::{V3Request, parse_batch};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const SECRET: &[u8] = b"deeto-local-test-secret";
const URI: &str = "https://abc123xyz.execute-api.eu-west-1.amazonaws.com/webhooks/hubspot";
const NOW: i64 = 1_764_763_200_000;

/// A realistic batch: a mix of creations, property changes, merges and association changes.
fn batch_of_100() -> String {
    let events: Vec<String> = (0..100)
        .map(|i| match i % 4 {
            0 => format!(r#"{{"eventId":{i},"subscriptionId":2001,"portalId":62515,"appId":54321,"occurredAt":{NOW},"subscriptionType":"contact.creation","attemptNumber":0,"objectId":{i},"changeSource":"CRM","changeFlag":"NEW"}}"#),
            1 => format!(r#"{{"eventId":{i},"subscriptionId":2002,"portalId":62515,"appId":54321,"occurredAt":{NOW},"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":{i},"propertyName":"lifecyclestage","propertyValue":"customer","changeSource":"CRM","sourceId":"userId:45678"}}"#),
            2 => format!(r#"{{"eventId":{i},"subscriptionId":2005,"portalId":62515,"appId":54321,"occurredAt":{NOW},"subscriptionType":"contact.merge","attemptNumber":0,"objectId":{i},"primaryObjectId":{i},"mergedObjectIds":[1,2],"newObjectId":{i},"numberOfPropertiesMoved":4,"changeSource":"CRM"}}"#),
            _ => format!(r#"{{"eventId":{i},"subscriptionId":2006,"portalId":62515,"appId":54321,"occurredAt":{NOW},"subscriptionType":"contact.associationChange","attemptNumber":0,"associationType":"CONTACT_TO_COMPANY","fromObjectId":{i},"toObjectId":7,"associationRemoved":false,"isPrimaryAssociation":true,"changeSource":"USER"}}"#),
        })
        .collect();
    format!("[{}]", events.join(","))
}

fn bench(c: &mut Criterion) {
    let body = batch_of_100();
    let timestamp = NOW.to_string();
    let signature = v3_signature(SECRET, "POST", URI, body.as_bytes(), &timestamp);
    let request = V3Request {
        method: "POST",
        uri: URI,
        body: body.as_bytes(),
        signature: Some(&signature),
        timestamp: Some(&timestamp),
    };
    let mut group = c.benchmark_group("webhook_batch_100_events");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("verify_v3", |b| {
        b.iter(|| verify_v3(SECRET, black_box(&request), NOW))
    });
    group.bench_function("parse_batch", |b| {
        b.iter(|| parse_batch(black_box(body.as_bytes())))
    });
    group.bench_function("verify_and_parse", |b| {
        b.iter(|| {
            verify_v3(SECRET, black_box(&request), NOW).ok()?;
            parse_batch(black_box(body.as_bytes())).ok()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
