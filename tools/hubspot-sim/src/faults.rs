//! Fault injection per route, changeable at run time: a fixed or random share of requests to a
//! path gets an error status, added latency, a timeout or a dropped connection.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FaultKind {
    /// Answer with this status (429 gets HubSpot's rate-limit body, 5xx an error body).
    Status { status: u16 },
    /// Handle the request normally after this delay.
    Latency { ms: u64 },
    /// Hold the request this long (default 30 s), then answer 504.
    Timeout {
        #[serde(default)]
        ms: Option<u64>,
    },
    /// Close the connection without answering.
    Drop,
}

impl FaultKind {
    pub fn describe(&self) -> String {
        match self {
            Self::Status { status } => format!("status {status}"),
            Self::Latency { ms } => format!("latency {ms}ms"),
            Self::Timeout { ms } => format!("timeout {}ms", ms.unwrap_or(30_000)),
            Self::Drop => "drop".into(),
        }
    }
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    #[serde(default)]
    pub id: u64,
    /// `GET`, `POST`, ...; any method when absent.
    #[serde(default)]
    pub method: Option<String>,
    /// A path pattern where `*` matches any run of characters (`/crm/objects/*/search`).
    pub path: String,
    pub fault: FaultKind,
    /// Share of matching requests that get the fault, 0.0 to 1.0.
    #[serde(default = "one")]
    pub share: f64,
    /// Random share when true; otherwise a fixed one (share 0.5 = every second request).
    #[serde(default)]
    pub random: bool,
    /// Stop after this many injections.
    #[serde(default)]
    pub times: Option<u64>,
    #[serde(default)]
    pub seen: u64,
    #[serde(default)]
    pub injected: u64,
}

impl FaultRule {
    fn applies(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && glob(&self.path, path)
            && self.times.is_none_or(|t| self.injected < t)
    }

    /// Counts one matching request and says whether it gets the fault.
    fn roll(&mut self) -> bool {
        let n = self.seen;
        self.seen += 1;
        let hit = if self.random {
            fastrand::f64() < self.share
        } else {
            ((n + 1) as f64 * self.share).floor() > (n as f64 * self.share).floor()
        };
        if hit {
            self.injected += 1;
        }
        hit
    }
}

#[derive(Debug, Default)]
pub struct Faults {
    rules: Vec<FaultRule>,
    next_id: u64,
}

impl Faults {
    pub fn add(&mut self, mut rule: FaultRule) -> u64 {
        self.next_id += 1;
        rule.id = self.next_id;
        rule.seen = 0;
        rule.injected = 0;
        self.rules.push(rule);
        self.next_id
    }

    pub fn remove(&mut self, id: u64) -> bool {
        let before = self.rules.len();
        self.rules.retain(|r| r.id != id);
        before != self.rules.len()
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    pub fn list(&self) -> Vec<FaultRule> {
        self.rules.clone()
    }

    /// The fault for this request, from the first matching rule that fires.
    pub fn pick(&mut self, method: &str, path: &str) -> Option<FaultKind> {
        self.rules
            .iter_mut()
            .filter(|r| r.applies(method, path))
            .find_map(|r| r.roll().then(|| r.fault.clone()))
    }
}

fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_half_share_faults_every_second_request() {
        let mut faults = Faults::default();
        faults.add(FaultRule {
            id: 0,
            method: Some("POST".into()),
            path: "/crm/objects/*/search".into(),
            fault: FaultKind::Status { status: 503 },
            share: 0.5,
            random: false,
            times: None,
            seen: 0,
            injected: 0,
        });
        let picks: Vec<bool> = (0..4)
            .map(|_| {
                faults
                    .pick("POST", "/crm/objects/2026-09/contacts/search")
                    .is_some()
            })
            .collect();
        assert_eq!(picks, [false, true, false, true]);
        assert_eq!(
            faults.pick("GET", "/crm/objects/2026-09/contacts/search"),
            None
        );
    }

    #[test]
    fn glob_patterns_match_whole_paths() {
        assert!(glob("*", "/anything"));
        assert!(glob("/crm/*/contacts", "/crm/objects/2026-09/contacts"));
        assert!(!glob("/crm/*/contacts", "/crm/objects/2026-09/contacts/1"));
        assert!(glob("/oauth/*", "/oauth/2026-03/token"));
    }
}
