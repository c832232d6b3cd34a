//! The `crm-card` function's configuration: the Deeto tab's backend.

use url::Url;

use super::{ConfigError, Env, HubSpotAccess};

#[derive(Debug, Clone)]
pub struct CrmCardConfig {
    /// Table, token vault and app secret: the secret verifies HubSpot's signatures, the rest
    /// serves the inline on-demand sync.
    pub access: HubSpotAccess,
    /// `SYNC_QUEUE_URL`: where on-demand syncs are queued.
    pub sync_queue_url: String,
    /// `OUTBOUND_QUEUE_URL`: the Deeto platform's inbox (reference requests).
    pub outbound_queue_url: String,
    /// `PUBLIC_BASE_URL`: the public URL prefix HubSpot calls, as for the webhook receiver.
    pub public_base_url: Option<Url>,
    /// `CARD_INLINE_SYNC` (`true` by default): sync a stale record inline when the budget
    /// allows; `false` queues every on-demand sync.
    pub inline_sync: bool,
}

impl CrmCardConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(Env::from_process())
    }

    pub fn read(mut env: Env) -> Result<Self, ConfigError> {
        let access = HubSpotAccess::read(&mut env);
        let sync_queue_url = env.required("SYNC_QUEUE_URL", "the sync queue on-demand syncs go on");
        let outbound_queue_url = env.required(
            "OUTBOUND_QUEUE_URL",
            "the Deeto platform's inbox (reference requests)",
        );
        let public_base_url = env.optional_url("PUBLIC_BASE_URL");
        if let Some(url) = &public_base_url
            && (url.query().is_some() || url.fragment().is_some())
        {
            env.problem("PUBLIC_BASE_URL must not have a query or fragment");
        }
        let inline_sync = match env.optional("CARD_INLINE_SYNC").as_deref() {
            None | Some("true") => true,
            Some("false") => false,
            Some(other) => {
                env.problem(format!(
                    "CARD_INLINE_SYNC must be true or false, found {other:?}"
                ));
                true
            }
        };
        env.finish(Self {
            access,
            sync_queue_url,
            outbound_queue_url,
            public_base_url,
            inline_sync,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_missing_or_bad_variable_is_named_at_once() {
        let err = CrmCardConfig::read(Env::from_pairs([
            ("AWS_REGION", "eu-west-1"),
            ("CARD_INLINE_SYNC", "yes"),
        ]))
        .expect_err("incomplete");
        let text = err.to_string();
        for name in [
            "TABLE_NAME",
            "TOKEN_SECRET_PREFIX",
            "SYNC_QUEUE_URL",
            "OUTBOUND_QUEUE_URL",
            "CARD_INLINE_SYNC",
        ] {
            assert!(text.contains(name), "{name} missing from: {text}");
        }
    }

    #[test]
    fn inline_sync_is_on_unless_switched_off() {
        let base = [
            ("AWS_REGION", "eu-west-1"),
            ("TABLE_NAME", "t"),
            ("TOKEN_SECRET_PREFIX", "p/"),
            ("HUBSPOT_APP_SECRET_ID", "app"),
            ("SYNC_QUEUE_URL", "http://127.0.0.1:5000/1/sync"),
            ("OUTBOUND_QUEUE_URL", "http://127.0.0.1:5000/1/out"),
        ];
        let on = CrmCardConfig::read(Env::from_pairs(base)).expect("valid");
        let mut off = base.to_vec();
        off.push(("CARD_INLINE_SYNC", "false"));
        let off = CrmCardConfig::read(Env::from_pairs(off)).expect("valid");

        assert!(on.inline_sync);
        assert!(!off.inline_sync);
    }
}
