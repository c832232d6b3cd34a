//! Commands from the Deeto platform: what Deeto decided and HubSpot must now show. They arrive
//! through `POST /deeto/events` (function `deeto-events`) or straight on the sync queue, and the
//! sync worker carries them out with the only writes Deeto ever makes in a customer's CRM.
//!
//! Every command carries an `id` chosen by the producer; a command is done once per id, so a
//! replay changes nothing. The JSON schema is documented in the README ("Commands from Deeto").

mod schema;
mod validate;

pub use schema::{
    CommandId, ConnectionCreated, ConnectionUpdated, DeetoCommand, InteractionType, LeadCreated,
    ReferenceCreated,
};
pub use validate::{FieldError, MAX_COMMANDS, parse_commands};
