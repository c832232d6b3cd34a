//! `deeto-hubspot`: the operator's command line. Works against real AWS, or against the local
//! stack when `AWS_ENDPOINT_URL` points at moto. Exit codes: 0 ok, 1 failure, 2 usage.

mod budget;
mod config;
mod dlq;
mod reconcile;
mod record;
mod section;
mod tenant;
mod token;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "deeto-hubspot",
    about = "Operate the Deeto HubSpot integration"
)]
struct Cli {
    /// `table` (human-readable) or `json`.
    #[arg(long, global = true, default_value = "table")]
    output: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Tenants: Deeto customers and their HubSpot portal.
    #[command(subcommand)]
    Tenant(tenant::TenantCommand),
    /// Sync configuration: a tenant's overrides of the repo's mapping, campaign rules and
    /// closed deal stages.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Deeto's records of HubSpot objects.
    #[command(subcommand)]
    Record(record::RecordCommand),
    /// The sync queue's dead-letter queue: list, redrive, purge.
    #[command(subcommand)]
    Dlq(dlq::DlqCommand),
    /// A portal's HubSpot authorization: healthy or not (no token is printed).
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// A portal's field mapping override: show, set (validated), reset.
    #[command(subcommand)]
    Mapping(section::SectionCommand),
    /// A portal's campaign rules override: show, set (validated), reset.
    #[command(subcommand)]
    Rules(section::SectionCommand),
    /// The portal's API budget use over the last minutes.
    Budget(budget::BudgetArgs),
    /// Reconcile one portal now (today's run: started, or resumed), or show a run.
    Reconcile(reconcile::ReconcileArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = match cli.output.as_str() {
        "json" => true,
        "table" => false,
        other => {
            eprintln!("deeto-hubspot: --output must be `table` or `json`, not `{other}`");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Tenant(command) => tenant::run(command, json).await,
        Command::Config(command) => config::run(command, json).await,
        Command::Record(command) => record::run(command, json).await,
        Command::Reconcile(args) => reconcile::run(args, json).await,
        Command::Budget(args) => budget::run(args, json).await,
        Command::Mapping(command) => section::run(section::Section::Mapping, command, json).await,
        Command::Rules(command) => section::run(section::Section::Rules, command, json).await,
        Command::Token(command) => token::run(command, json).await,
        Command::Dlq(command) => dlq::run(command, json).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("deeto-hubspot: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The DynamoDB client and the integration's table (`TABLE_NAME`).
async fn dynamo() -> Result<(aws_sdk_dynamodb::Client, String), String> {
    let mut env = common::config::Env::from_process();
    let table = env.required("TABLE_NAME", "the integration's DynamoDB table");
    env.finish(()).map_err(|e| e.to_string())?;
    let sdk = common::adapters::aws::load_sdk_config().await;
    Ok((aws_sdk_dynamodb::Client::new(&sdk), table))
}
