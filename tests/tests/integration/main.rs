//! One integration-test binary: AWS through moto (the real wire protocol, the real SDK) and
//! functions through cargo-lambda's Lambda runtime emulator.

mod commands_runtime;
mod crm_card;
mod crm_card_runtime;
mod deeto_events;
mod hubspot_client;
mod install;
mod lambda_runtime;
mod local_stack;
mod reconcile_runtime;
mod reference_pool;
mod sim_stack;
mod soak;
mod sync_runtime;
mod sync_store;
mod sync_worker;
mod webhook_receiver;
mod write_scope;
mod writeback_stores;
