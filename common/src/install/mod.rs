//! Installing the integration for a tenant: licence keys, the OAuth install flow, and the
//! custom properties Deeto owns in the customer's HubSpot.

pub mod disconnect;
pub mod flow;
pub mod license;
pub mod properties;

pub use disconnect::{DisconnectError, Disconnected, disconnect_tenant};
pub use flow::{CallbackParams, InstallError, InstallOutcome, Installer, STATE_TTL_MS};
pub use license::{LicenseKey, hash_license_key, new_license_key};
