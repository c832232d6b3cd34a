//! How a record's processing failed, classified once: what SQS should do with its messages.

use crate::hubspot::{HubSpotError, HubSpotErrorKind};
use crate::ports::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// May succeed later (HubSpot 429/5xx/timeouts, AWS throttling): redeliver.
    Transient(String),
    /// Retrying cannot help (malformed message, unknown portal, refused request): set aside
    /// with the reason.
    Permanent(String),
    /// The portal's authorization is gone: keep the message until someone re-installs.
    Parked,
}

impl Failure {
    /// When one message touches records that failed differently, the most hopeful outcome wins:
    /// a retry replays the whole message, and everything it does is idempotent.
    pub fn rank(&self) -> u8 {
        match self {
            Failure::Parked => 2,
            Failure::Transient(_) => 1,
            Failure::Permanent(_) => 0,
        }
    }
}

impl From<HubSpotError> for Failure {
    fn from(err: HubSpotError) -> Self {
        match err.kind {
            HubSpotErrorKind::Disconnected | HubSpotErrorKind::InvalidGrant => Failure::Parked,
            // The client already refreshed once; another attempt later may still succeed.
            HubSpotErrorKind::Unauthorized => Failure::Transient(err.to_string()),
            _ if err.is_retryable() => Failure::Transient(err.to_string()),
            _ => Failure::Permanent(err.to_string()),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Corrupt(_) | StoreError::Rejected(_) => Failure::Permanent(err.to_string()),
            StoreError::Unavailable(_) | StoreError::Conflict(_) => {
                Failure::Transient(err.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hubspot(kind: HubSpotErrorKind) -> Failure {
        HubSpotError::new(kind, None, "x").into()
    }

    #[test]
    fn hubspot_errors_are_classified_once() {
        assert!(matches!(
            hubspot(HubSpotErrorKind::RateLimited),
            Failure::Transient(_)
        ));
        assert!(matches!(
            hubspot(HubSpotErrorKind::Upstream),
            Failure::Transient(_)
        ));
        assert!(matches!(
            hubspot(HubSpotErrorKind::Network),
            Failure::Transient(_)
        ));
        assert!(matches!(
            hubspot(HubSpotErrorKind::Forbidden),
            Failure::Permanent(_)
        ));
        assert!(matches!(
            hubspot(HubSpotErrorKind::Validation),
            Failure::Permanent(_)
        ));
        assert_eq!(hubspot(HubSpotErrorKind::Disconnected), Failure::Parked);
        assert_eq!(hubspot(HubSpotErrorKind::InvalidGrant), Failure::Parked);
    }

    #[test]
    fn store_errors_retry_unless_the_data_is_corrupt() {
        let unavailable: Failure = StoreError::Unavailable("throttled".into()).into();
        let corrupt: Failure = StoreError::Corrupt("bad item".into()).into();
        let too_big: Failure = StoreError::Rejected("Item size has exceeded".into()).into();
        assert!(matches!(unavailable, Failure::Transient(_)));
        assert!(matches!(corrupt, Failure::Permanent(_)));
        assert!(matches!(too_big, Failure::Permanent(_)));
    }
}
