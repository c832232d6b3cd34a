//! HubSpot's date-based API versions, in one place: moving the simulator to the next release
//! (March and September each year) is a change to these two lines.

/// CRM objects, properties, pipelines and associations (`/crm/objects/2026-09/...`).
pub const CRM: &str = "2026-09";

/// OAuth token, introspection and revocation (`/oauth/2026-03/token`).
pub const OAUTH: &str = "2026-03";

/// `/crm/objects/{CRM}`.
pub fn objects_prefix() -> String {
    format!("/crm/objects/{CRM}")
}

/// `/crm/properties/{CRM}`.
pub fn properties_prefix() -> String {
    format!("/crm/properties/{CRM}")
}

/// `/crm/pipelines/{CRM}`.
pub fn pipelines_prefix() -> String {
    format!("/crm/pipelines/{CRM}")
}

/// `/crm/associations/{CRM}`.
pub fn associations_prefix() -> String {
    format!("/crm/associations/{CRM}")
}

/// `/oauth/{OAUTH}`.
pub fn oauth_prefix() -> String {
    format!("/oauth/{OAUTH}")
}
