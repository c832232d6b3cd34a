//! The JSON the Deeto app card reads: the contract between this backend and
//! `hubspot-app/` (its fixtures are checked against these types).

use serde::{Deserialize, Serialize};

use super::query::MatchCriteria;

/// One answer to `GET /card`. A portal that cannot be shown says what to do, not an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CardAnswer {
    NotInstalled(SetupNeeded),
    Reconnect(SetupNeeded),
    Ready(ReadyView),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupNeeded {
    pub title: String,
    pub message: String,
    pub action: LinkAction,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkAction {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadyView {
    pub object: ObjectRef,
    pub sync: SyncState,
    #[serde(flatten)]
    pub record: RecordView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRef {
    #[serde(rename = "type")]
    pub kind: String,
    /// Ids travel as strings: HubSpot's exceed JavaScript's safe integers.
    pub id: String,
}

/// What opening the tab did about syncing the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    /// An on-demand sync was queued.
    Queued,
    /// The record was stale and was synced inline, before this answer.
    Synced,
    /// Synced moments ago: nothing to do.
    Fresh,
    /// Someone opened it within the cool-down; that sync covers this open.
    CoolingDown,
    /// Stale, but the portal's HubSpot budget is busy: queued behind the work already waiting.
    Deferred,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncState {
    pub status: SyncStatus,
    /// When Deeto last synced the record from HubSpot (ISO 8601), if ever.
    pub last_synced_at: Option<String>,
}

/// The record's own part, under its type's name (`"contact": {...}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordView {
    Contact(ContactView),
    Company(CompanyView),
    Deal(DealView),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReferenceStatus {
    Reference,
    Lead,
    Prospect,
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionView {
    pub connection_id: String,
    pub ticket_id: String,
    pub deal_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "typeLabel")]
    pub kind_label: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactView {
    pub reference_status: ReferenceStatus,
    pub deeto_id: Option<String>,
    pub connections: Vec<ConnectionView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "typeLabel")]
    pub kind_label: String,
    pub status: String,
}

/// A reference as the tab lists it: who, and how busy they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceSummary {
    pub contact_id: String,
    pub name: String,
    pub email: Option<String>,
    pub job_title: Option<String>,
    pub deeto_id: Option<String>,
    /// Connections the reference takes part in.
    pub connections: usize,
    /// The newest of them.
    pub last_activity: Option<Activity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyView {
    pub deeto_id: Option<String>,
    pub references: Vec<ReferenceSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    pub contact_id: String,
    pub name: String,
    pub email: Option<String>,
    pub job_title: Option<String>,
    pub company: Option<String>,
    pub industry: Option<String>,
    pub company_size: Option<u64>,
    /// `industry`, `companySize`: what matched the deal's criteria.
    pub matched_on: Vec<String>,
    /// A rep already asked Deeto for this reference on this deal.
    pub requested: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DealView {
    pub deeto_id: Option<String>,
    pub connections: Vec<ConnectionView>,
    pub match_criteria: MatchCriteria,
    pub suggestions: Vec<Suggestion>,
}

/// The answer to `POST /card/actions/request-reference`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestAnswer {
    pub status: RequestStatus,
    pub request_id: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Requested,
    AlreadyRequested,
}
