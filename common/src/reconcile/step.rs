//! The steps of one portal's daily run, in order: Deeto's records object by object, Deeto's
//! tickets, then the discovery of objects webhooks missed. Written as short strings (`records.contact`) in queue
//! messages and checkpoints.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::sync::record::CrmObject;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// Pages of Deeto's stored records of one object type, re-read from HubSpot.
    Records(CrmObject),
    /// Pages of Deeto's connections: a ticket someone removed is re-created.
    Tickets,
    /// Pages of HubSpot's objects of one type modified in the run's window.
    Discover(CrmObject),
    Done,
}

/// The run's steps in the order they are taken.
const ORDER: [Step; 7] = [
    Step::Records(CrmObject::Contact),
    Step::Records(CrmObject::Company),
    Step::Records(CrmObject::Deal),
    Step::Tickets,
    Step::Discover(CrmObject::Contact),
    Step::Discover(CrmObject::Deal),
    Step::Done,
];

impl Step {
    pub const FIRST: Step = ORDER[0];

    /// The step after this one (`Done` stays `Done`).
    pub fn next(self) -> Step {
        let at = ORDER
            .iter()
            .position(|s| *s == self)
            .unwrap_or(ORDER.len() - 1);
        ORDER[(at + 1).min(ORDER.len() - 1)]
    }

    pub fn parse(raw: &str) -> Option<Step> {
        ORDER.into_iter().find(|s| s.to_string() == raw)
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Records(object) => write!(f, "records.{object}"),
            Step::Tickets => f.write_str("tickets"),
            Step::Discover(object) => write!(f, "discover.{object}"),
            Step::Done => f.write_str("done"),
        }
    }
}

impl Serialize for Step {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Step::parse(&raw).ok_or_else(|| serde::de::Error::custom(format!("unknown step {raw:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steps_run_records_then_discovery_then_stop() {
        let mut step = Step::FIRST;
        let mut seen = vec![step.to_string()];
        while step != Step::Done {
            step = step.next();
            seen.push(step.to_string());
        }
        assert_eq!(
            seen,
            [
                "records.contact",
                "records.company",
                "records.deal",
                "tickets",
                "discover.contact",
                "discover.deal",
                "done"
            ]
        );
        assert_eq!(Step::Done.next(), Step::Done);
    }

    #[test]
    fn a_step_reads_back_as_written_and_an_unknown_one_is_an_error() {
        for step in ORDER {
            let text = serde_json::to_string(&step).expect("serialises");
            assert_eq!(serde_json::from_str::<Step>(&text).expect("parses"), step);
        }
        assert!(serde_json::from_str::<Step>("\"records.ticket\"").is_err());
    }
}
