//! `hubspot-sim`: the simulator as a process for local end-to-end runs and benchmarks.

use std::path::PathBuf;

use clap::Parser;
use hubspot_sim::{AppConfig, Fixture, GenerateSpec, SimConfig, Simulator, WebhookSettings};

#[derive(Debug, Parser)]
#[command(version, about = "A stateful HubSpot simulator on 127.0.0.1")]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one; the chosen URL is printed).
    #[arg(long, default_value_t = 8090, env = "HUBSPOT_SIM_PORT")]
    port: u16,
    /// Portal that the fixture, the generator and the authorize page use.
    #[arg(long, default_value_t = 62515)]
    portal: u64,
    /// JSON fixture loaded into `--portal` at start.
    #[arg(long)]
    fixture: Option<PathBuf>,
    /// Generate a large portal: this many contacts (companies, deals, tickets scale with it).
    #[arg(long)]
    generate_contacts: Option<usize>,
    /// Where webhook batches are POSTed.
    #[arg(long)]
    webhook_target: Option<String>,
    #[arg(long, default_value = "sim-client-id", env = "HUBSPOT_CLIENT_ID")]
    client_id: String,
    #[arg(
        long,
        default_value = "sim-client-secret",
        env = "HUBSPOT_CLIENT_SECRET"
    )]
    client_secret: String,
    #[arg(long, default_value_t = 54321)]
    app_id: u64,
    /// Accepted OAuth redirect URI (repeatable; any http(s) URL when none is given).
    #[arg(long)]
    redirect_uri: Vec<String>,
    /// Switch HubSpot's rate limits off.
    #[arg(long)]
    no_rate_limits: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let args = Args::parse();
    let mut config = SimConfig {
        port: args.port,
        app: AppConfig {
            client_id: args.client_id,
            client_secret: args.client_secret,
            app_id: args.app_id,
            redirect_uris: args.redirect_uri,
        },
        default_portal: args.portal,
        webhooks: WebhookSettings {
            target_url: args.webhook_target,
            ..WebhookSettings::default()
        },
        ..SimConfig::default()
    };
    config.rate_limits.enabled = !args.no_rate_limits;
    let sim = Simulator::start(config).await?;
    sim.create_portal(args.portal);
    if let Some(path) = &args.fixture {
        let fixture: Fixture = serde_json::from_str(&std::fs::read_to_string(path)?)?;
        let report = sim
            .load_fixture(args.portal, fixture)
            .map_err(|e| e.message)?;
        println!("fixture loaded: {}", serde_json::to_string(&report)?);
    }
    if let Some(contacts) = args.generate_contacts {
        let spec = GenerateSpec {
            contacts,
            companies: contacts / 10,
            deals: contacts / 5,
            tickets: contacts / 20,
            ..GenerateSpec::default()
        };
        let report = sim.generate(args.portal, spec);
        println!("generated: {}", serde_json::to_string(&report)?);
    }
    println!("hubspot-sim listening on {}", sim.base_url());
    tokio::signal::ctrl_c().await?;
    sim.shutdown().await;
    Ok(())
}
