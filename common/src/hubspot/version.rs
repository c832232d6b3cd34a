//! HubSpot's date-based API versions, in one place.

/// CRM objects, properties, pipelines, associations.
pub const API_VERSION: &str = "2026-09";
/// OAuth token, introspection and revocation endpoints.
pub const OAUTH_VERSION: &str = "2026-03";
