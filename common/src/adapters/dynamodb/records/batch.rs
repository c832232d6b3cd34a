//! BatchGetItem's two limits: at most 100 keys per request, and keys DynamoDB did not get to
//! (`UnprocessedKeys`, under throttling or the 16 MB response cap) must be asked for again.

use std::future::Future;
use std::time::Duration;

use super::super::item::Item;
use crate::ports::StoreError;

/// DynamoDB's per-request key limit.
pub const CHUNK: usize = 100;
/// Bounded: a table that keeps throttling is better reported (SQS retries the message later)
/// than waited out inside a Lambda invocation.
pub const ATTEMPTS: u32 = 5;

/// Fetches every key through `fetch`, which answers one request with the items found and the
/// keys left unprocessed; retries those with jittered exponential backoff.
pub async fn get_all<F, Fut>(keys: &[Item], mut fetch: F) -> Result<Vec<Item>, StoreError>
where
    F: FnMut(Vec<Item>) -> Fut,
    Fut: Future<Output = Result<(Vec<Item>, Vec<Item>), StoreError>>,
{
    let mut items = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(CHUNK) {
        let mut pending = chunk.to_vec();
        for attempt in 1..=ATTEMPTS {
            let (found, unprocessed) = fetch(pending).await?;
            items.extend(found);
            if unprocessed.is_empty() {
                break;
            }
            if attempt == ATTEMPTS {
                return Err(StoreError::Unavailable(format!(
                    "DynamoDB BatchGetItem left {} keys unprocessed after {ATTEMPTS} attempts",
                    unprocessed.len()
                )));
            }
            tokio::time::sleep(backoff(attempt)).await;
            pending = unprocessed;
        }
    }
    Ok(items)
}

/// Full jitter over 25 ms, 50 ms, 100 ms, ...: concurrent workers do not retry in lockstep.
fn backoff(attempt: u32) -> Duration {
    let cap_ms = 25u64 << attempt.min(6);
    Duration::from_millis(fastrand::u64(cap_ms / 2..=cap_ms))
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::adapters::dynamodb::item::s;

    fn keys(count: usize) -> Vec<Item> {
        (0..count)
            .map(|i| Item::from([("sk".to_owned(), s(i.to_string()))]))
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn keys_are_requested_in_chunks_of_one_hundred() {
        let sizes = Mutex::new(Vec::new());

        let items = get_all(&keys(250), |request| {
            sizes.lock().expect("lock").push(request.len());
            async move { Ok((request, Vec::new())) }
        })
        .await
        .expect("fetched");

        assert_eq!(items.len(), 250);
        assert_eq!(*sizes.lock().expect("lock"), vec![100, 100, 50]);
    }

    #[tokio::test(start_paused = true)]
    async fn unprocessed_keys_are_asked_for_again_until_done() {
        let calls = Mutex::new(0);

        let items = get_all(&keys(3), |mut request| {
            *calls.lock().expect("lock") += 1;
            // DynamoDB gets to one key per call.
            let rest = request.split_off(1);
            async move { Ok((request, rest)) }
        })
        .await
        .expect("fetched");

        assert_eq!(items, keys(3));
        assert_eq!(*calls.lock().expect("lock"), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn keys_still_unprocessed_after_the_last_attempt_make_the_store_unavailable() {
        let calls = Mutex::new(0);

        let result = get_all(&keys(2), |request| {
            *calls.lock().expect("lock") += 1;
            async move { Ok((Vec::new(), request)) }
        })
        .await;

        assert!(matches!(result, Err(StoreError::Unavailable(m)) if m.contains("2 keys")));
        assert_eq!(*calls.lock().expect("lock"), ATTEMPTS);
    }
}
