use super::*;

fn error(kind: HubSpotErrorKind) -> HubSpotError {
    HubSpotError::new(kind, None, "test")
}

fn rate_limited(policy: &str) -> HubSpotError {
    let body = format!(r#"{{"status":"error","errorType":"RATE_LIMIT","policyName":"{policy}"}}"#);
    HubSpotError::from_api_response(429, None, body.as_bytes())
}

fn after(attempts: u32) -> AttemptState {
    AttemptState {
        attempts,
        elapsed: Duration::ZERO,
        reauthenticated: false,
    }
}

#[test]
fn a_first_401_reauthenticates_and_a_second_gives_up() {
    let policy = RetryPolicy::default();
    let unauthorized = error(HubSpotErrorKind::Unauthorized);

    let first = decide(&policy, &unauthorized, after(1), 0, 0.5);
    let second = decide(
        &policy,
        &unauthorized,
        AttemptState {
            reauthenticated: true,
            ..after(2)
        },
        0,
        0.5,
    );

    assert_eq!(first, Decision::Reauthenticate);
    assert_eq!(second, Decision::GiveUp);
}

#[test]
fn permanent_errors_are_not_retried() {
    let policy = RetryPolicy::default();
    for kind in [
        HubSpotErrorKind::Forbidden,
        HubSpotErrorKind::NotFound,
        HubSpotErrorKind::Conflict,
        HubSpotErrorKind::Validation,
        HubSpotErrorKind::InvalidGrant,
        HubSpotErrorKind::Protocol,
    ] {
        assert_eq!(
            decide(&policy, &error(kind), after(1), 0, 0.5),
            Decision::GiveUp,
            "{kind:?}"
        );
    }
}

#[test]
fn server_errors_back_off_exponentially_with_jitter() {
    let policy = RetryPolicy {
        base_backoff: Duration::from_millis(100),
        ..RetryPolicy::default()
    };
    let upstream = error(HubSpotErrorKind::Upstream);

    let first = decide(&policy, &upstream, after(1), 0, 0.0);
    let third_low = decide(&policy, &upstream, after(3), 0, 0.0);
    let third_high = decide(&policy, &upstream, after(3), 0, 0.999);

    assert_eq!(first, Decision::RetryAfter(Duration::from_millis(50)));
    assert_eq!(third_low, Decision::RetryAfter(Duration::from_millis(200)));
    assert!(
        matches!(third_high, Decision::RetryAfter(d) if d > Duration::from_millis(390) && d < Duration::from_millis(400))
    );
}

#[test]
fn backoff_never_exceeds_its_cap() {
    let policy = RetryPolicy {
        max_backoff: Duration::from_secs(2),
        ..RetryPolicy::default()
    };

    assert!(backoff(&policy, 40, 0.999) <= Duration::from_secs(2));
}

#[test]
fn a_timeout_is_retried_until_attempts_run_out() {
    let policy = RetryPolicy {
        max_attempts: 3,
        ..RetryPolicy::default()
    };
    let timeout = error(HubSpotErrorKind::Network);

    assert!(matches!(
        decide(&policy, &timeout, after(2), 0, 0.5),
        Decision::RetryAfter(_)
    ));
    assert_eq!(
        decide(&policy, &timeout, after(3), 0, 0.5),
        Decision::GiveUp
    );
}

#[test]
fn no_wait_starts_that_would_end_past_the_total_time() {
    let policy = RetryPolicy {
        max_total: Duration::from_secs(5),
        ..RetryPolicy::default()
    };
    let state = AttemptState {
        elapsed: Duration::from_millis(4_900),
        ..after(1)
    };

    assert_eq!(
        decide(&policy, &error(HubSpotErrorKind::Upstream), state, 0, 0.5),
        Decision::GiveUp
    );
}

#[test]
fn retry_after_wins_over_the_policy_name() {
    let mut err = rate_limited("TEN_SECONDLY_ROLLING");
    err.retry_after_ms = Some(1_500);

    let decision = decide(&RetryPolicy::default(), &err, after(1), 12_345, 0.9);

    assert_eq!(decision, Decision::RetryAfter(Duration::from_millis(1_500)));
}

#[test]
fn a_ten_secondly_429_waits_for_the_rest_of_the_window_plus_jitter() {
    let err = rate_limited("TEN_SECONDLY_ROLLING");

    let early = decide(&RetryPolicy::default(), &err, after(1), 20_000, 0.0);
    let late = decide(&RetryPolicy::default(), &err, after(1), 27_500, 0.5);

    assert_eq!(early, Decision::RetryAfter(Duration::from_millis(10_000)));
    assert_eq!(
        late,
        Decision::RetryAfter(Duration::from_millis(2_500 + 500))
    );
}

#[test]
fn a_secondly_429_waits_about_a_second() {
    let err = rate_limited("SECONDLY");

    let decision = decide(&RetryPolicy::default(), &err, after(1), 5_200, 0.0);

    assert_eq!(decision, Decision::RetryAfter(Duration::from_millis(800)));
}

#[test]
fn a_daily_429_is_handed_back_at_once() {
    assert_eq!(
        decide(
            &RetryPolicy::default(),
            &rate_limited("DAILY"),
            after(1),
            0,
            0.5
        ),
        Decision::GiveUp
    );
}

#[test]
fn an_upstream_retry_after_is_honoured() {
    let mut err = error(HubSpotErrorKind::Upstream);
    err.retry_after_ms = Some(2_000);

    assert_eq!(
        decide(&RetryPolicy::default(), &err, after(1), 0, 0.5),
        Decision::RetryAfter(Duration::from_secs(2))
    );
}
