use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;

use super::*;
use crate::ports::QueueCallError;

/// A queue that answers each call from a script and records what it was sent.
#[derive(Default)]
struct ScriptedQueue {
    answers: Mutex<VecDeque<Answer>>,
    calls: Mutex<Vec<Vec<String>>>,
}

enum Answer {
    FailIds(Vec<(&'static str, bool)>),
    CallError(bool),
}

#[async_trait]
impl JobQueue for ScriptedQueue {
    async fn send_batch(
        &self,
        entries: &[QueueEntry],
    ) -> Result<Vec<EntryFailure>, QueueCallError> {
        self.calls
            .lock()
            .expect("lock")
            .push(entries.iter().map(|e| e.id.clone()).collect());
        match self.answers.lock().expect("lock").pop_front() {
            None => Ok(vec![]),
            Some(Answer::FailIds(ids)) => Ok(ids
                .into_iter()
                .filter(|(id, _)| entries.iter().any(|e| e.id == *id))
                .map(|(id, sender_fault)| EntryFailure {
                    id: id.into(),
                    code: "InternalError".into(),
                    sender_fault,
                })
                .collect()),
            Some(Answer::CallError(retryable)) => Err(QueueCallError {
                message: "boom".into(),
                retryable,
            }),
        }
    }
}

impl ScriptedQueue {
    fn with(answers: Vec<Answer>) -> Self {
        Self {
            answers: Mutex::new(answers.into()),
            calls: Mutex::default(),
        }
    }
    fn calls(&self) -> Vec<Vec<String>> {
        self.calls.lock().expect("lock").clone()
    }
}

fn entries(n: usize, body_len: usize) -> Vec<QueueEntry> {
    (0..n)
        .map(|i| QueueEntry {
            id: i.to_string(),
            body: "x".repeat(body_len),
            attributes: vec![],
        })
        .collect()
}

fn fast() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        first_backoff: Duration::from_millis(1),
    }
}

#[tokio::test]
async fn a_hundred_messages_go_out_in_ten_calls_of_ten() {
    let queue = ScriptedQueue::default();
    send_all(&queue, entries(100, 10), fast())
        .await
        .expect("all sent");
    let calls = queue.calls();
    assert_eq!(calls.len(), 10);
    assert!(calls.iter().all(|c| c.len() == 10));
}

#[tokio::test]
async fn large_messages_split_batches_by_bytes() {
    let queue = ScriptedQueue::default();
    send_all(&queue, entries(4, 100 * 1024), fast())
        .await
        .expect("all sent");
    let sizes: Vec<usize> = queue.calls().iter().map(Vec::len).collect();
    assert_eq!(sizes, vec![2, 2]);
}

#[tokio::test]
async fn a_message_over_the_limit_is_refused_before_any_call() {
    let queue = ScriptedQueue::default();
    let err = send_all(&queue, entries(2, MAX_BATCH_BYTES + 1), fast())
        .await
        .expect_err("too big");
    assert_eq!(err.failed, 2);
    assert!(queue.calls().is_empty());
}

#[tokio::test]
async fn only_failed_entries_are_retried() {
    let queue = ScriptedQueue::with(vec![Answer::FailIds(vec![("3", false), ("7", false)])]);
    send_all(&queue, entries(10, 10), fast())
        .await
        .expect("retry succeeds");
    let calls = queue.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1], vec!["3".to_string(), "7".to_string()]);
}

#[tokio::test]
async fn a_retryable_call_error_is_retried_then_succeeds() {
    let queue = ScriptedQueue::with(vec![Answer::CallError(true), Answer::CallError(true)]);
    send_all(&queue, entries(3, 10), fast())
        .await
        .expect("third attempt succeeds");
    assert_eq!(queue.calls().len(), 3);
}

#[tokio::test]
async fn persistent_failure_reports_how_many_were_lost() {
    let queue = ScriptedQueue::with((0..4).map(|_| Answer::CallError(true)).collect());
    let err = send_all(&queue, entries(5, 10), fast())
        .await
        .expect_err("gives up");
    assert_eq!((err.failed, err.total), (5, 5));
    assert_eq!(queue.calls().len(), 4, "stops at max_attempts");
}

#[tokio::test]
async fn a_non_retryable_call_error_stops_at_once() {
    let queue = ScriptedQueue::with(vec![Answer::CallError(false)]);
    let err = send_all(&queue, entries(5, 10), fast())
        .await
        .expect_err("no retry");
    assert_eq!(err.failed, 5);
    assert_eq!(queue.calls().len(), 1);
}

#[tokio::test]
async fn sender_fault_entries_are_not_retried_but_counted() {
    let queue = ScriptedQueue::with(vec![Answer::FailIds(vec![("1", true), ("2", false)])]);
    let err = send_all(&queue, entries(3, 10), fast())
        .await
        .expect_err("one is bad");
    assert_eq!(err.failed, 1);
    assert_eq!(queue.calls()[1], vec!["2".to_string()]);
}
