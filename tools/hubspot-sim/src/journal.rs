//! Every request the simulator answered (admin calls excepted): what tests use to count API
//! calls and to prove the integration never writes where it promised not to.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalEntry {
    pub seq: u64,
    pub at_ms: i64,
    /// The portal of the bearer token (or of the token just issued); `None` when unknown.
    pub portal_id: Option<u64>,
    pub method: String,
    pub path: String,
    pub query: String,
    pub body: String,
    pub status: u16,
    /// The injected fault that answered instead of the simulated HubSpot, if any.
    pub fault: Option<String>,
}

impl JournalEntry {
    /// A request that changes HubSpot data (reads posted as `search` or `batch/read` are not).
    pub fn is_write(&self) -> bool {
        let reads = ["/search", "/batch/read"];
        self.path.starts_with("/crm/")
            && self.method != "GET"
            && !reads.iter().any(|r| self.path.ends_with(r))
    }

    pub fn json_body(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }
}

/// Filters for [`Journal::query`]; every field is optional and they combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalQuery {
    pub portal_id: Option<u64>,
    pub method: Option<String>,
    pub path_prefix: Option<String>,
    pub path_contains: Option<String>,
    /// Entries with `seq` greater than this.
    pub since: Option<u64>,
    pub status: Option<u16>,
    pub writes_only: Option<bool>,
}

impl JournalQuery {
    fn accepts(&self, entry: &JournalEntry) -> bool {
        self.portal_id.is_none_or(|p| entry.portal_id == Some(p))
            && self
                .method
                .as_deref()
                .is_none_or(|m| entry.method.eq_ignore_ascii_case(m))
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|p| entry.path.starts_with(p))
            && self
                .path_contains
                .as_deref()
                .is_none_or(|p| entry.path.contains(p))
            && self.since.is_none_or(|s| entry.seq > s)
            && self.status.is_none_or(|s| entry.status == s)
            && (self.writes_only != Some(true) || entry.is_write())
    }
}

#[derive(Debug, Default)]
pub struct Journal {
    entries: Vec<JournalEntry>,
    next_seq: u64,
}

impl Journal {
    pub fn push(&mut self, mut entry: JournalEntry) -> u64 {
        self.next_seq += 1;
        entry.seq = self.next_seq;
        self.entries.push(entry);
        self.next_seq
    }

    pub fn query(&self, query: &JournalQuery) -> Vec<JournalEntry> {
        self.entries
            .iter()
            .filter(|e| query.accepts(e))
            .cloned()
            .collect()
    }

    /// The sequence number of the newest entry: pass it as `since` to see only what follows.
    pub fn last_seq(&self) -> u64 {
        self.next_seq
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
