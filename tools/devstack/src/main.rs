//! `devstack`: the local stack's command line. See `devstack --help`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use devstack::provision::ProvisionOptions;
use devstack::{
    Template, api_gateway_v2_event, api_gateway_v2_request, provision, sign_fetch, sign_webhook,
};

#[derive(Parser)]
#[command(about = "Local AWS resources from template.yaml, and HubSpot-signed requests")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the template's queues, tables and secrets on AWS_ENDPOINT_URL (moto) and write
    /// each named function's environment to DIR/<Function>.env.
    Provision {
        #[arg(long, default_value = "template.yaml")]
        template: PathBuf,
        #[arg(long, default_value = "local-")]
        prefix: String,
        /// Value stored in every secret, e.g. '{"client_id":"…","client_secret":"…"}'.
        #[arg(long)]
        secret_value: Option<String>,
        /// Template parameter overrides, NAME=VALUE.
        #[arg(long = "param", value_parser = parse_pair)]
        params: Vec<(String, String)>,
        #[arg(long = "function")]
        functions: Vec<String>,
        #[arg(long, default_value = ".local")]
        env_dir: PathBuf,
    },
    /// Print an API Gateway v2 event for a webhook POST signed like HubSpot signs it.
    SignEvent {
        #[arg(long)]
        secret: String,
        #[arg(long)]
        url: String,
        #[arg(long)]
        body: PathBuf,
        /// Epoch milliseconds; default now.
        #[arg(long)]
        timestamp: Option<i64>,
        #[arg(long, default_value = "$default")]
        stage: String,
    },
    /// POST a signed webhook body to URL (signed for URL) and print the answer.
    Post {
        #[arg(long)]
        secret: String,
        #[arg(long)]
        url: String,
        #[arg(long)]
        body: PathBuf,
    },
    /// Send a request the way an app card's `hubspot.fetch` does (v3-signed for URL, query
    /// included) and print the answer; exits non-zero on a non-2xx answer.
    Fetch {
        #[arg(long)]
        secret: String,
        #[arg(long, default_value = "GET")]
        method: String,
        #[arg(long)]
        url: String,
        /// The public URL HubSpot would have called, when URL is a local emulator's address
        /// for it (default: URL itself).
        #[arg(long)]
        signed_for: Option<String>,
        /// JSON body file (POST).
        #[arg(long)]
        body: Option<PathBuf>,
    },
    /// Print an API Gateway v2 event for a `hubspot.fetch` request signed like HubSpot signs it.
    SignFetch {
        #[arg(long)]
        secret: String,
        #[arg(long, default_value = "GET")]
        method: String,
        #[arg(long)]
        url: String,
        #[arg(long)]
        body: Option<PathBuf>,
        /// Epoch milliseconds; default now.
        #[arg(long)]
        timestamp: Option<i64>,
        #[arg(long, default_value = "$default")]
        stage: String,
    },
    /// Receive, print and delete messages from a queue until EXPECT have arrived.
    Drain {
        #[arg(long)]
        queue_url: String,
        #[arg(long, default_value_t = 1)]
        expect: usize,
        #[arg(long, default_value_t = 20)]
        timeout_secs: u64,
    },
    /// Act as the SQS event source mapping: feed QUEUE_URL to the function at INVOKE_URL
    /// (e.g. http://127.0.0.1:PORT/2015-03-31/functions/sync-worker/invocations) in batches,
    /// deleting what it processed, until the queue is empty.
    Pump {
        #[arg(long)]
        queue_url: String,
        #[arg(long, default_value = "arn:aws:sqs:us-east-1:123456789012:local")]
        queue_arn: String,
        #[arg(long)]
        invoke_url: String,
        #[arg(long, default_value_t = 100)]
        batch_size: usize,
    },
}

fn parse_pair(raw: &str) -> Result<(String, String), String> {
    raw.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("expected NAME=VALUE, got {raw}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse().command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("devstack: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Provision {
            template,
            prefix,
            secret_value,
            params,
            functions,
            env_dir,
        } => {
            let template = Template::load(&template).map_err(|e| e.to_string())?;
            let sdk = common::adapters::aws::load_sdk_config().await;
            let options = ProvisionOptions {
                prefix,
                secret_value,
                parameters: params.into_iter().collect(),
            };
            let done = provision(&sdk, &template, &options)
                .await
                .map_err(|e| e.to_string())?;
            for (id, physical) in &done.resources {
                println!("{id}={}", physical.reference);
            }
            std::fs::create_dir_all(&env_dir).map_err(|e| e.to_string())?;
            for function in functions {
                let env = done
                    .function_env(&template, &function)
                    .map_err(|e| e.to_string())?;
                write_env_file(&env_dir.join(format!("{function}.env")), &env)?;
            }
            Ok(())
        }
        Command::SignEvent {
            secret,
            url,
            body,
            timestamp,
            stage,
        } => {
            let body = read(&body)?;
            let signed = sign_webhook(&secret, &url, &body, timestamp.unwrap_or_else(now_ms));
            let event = api_gateway_v2_event(&url, &body, &signed, &stage)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&event).map_err(|e| e.to_string())?
            );
            Ok(())
        }
        Command::Post { secret, url, body } => post(&secret, &url, &read(&body)?).await,
        Command::Fetch {
            secret,
            method,
            url,
            signed_for,
            body,
        } => {
            let body = body.as_ref().map(read).transpose()?.unwrap_or_default();
            let signed_for = signed_for.as_deref().unwrap_or(&url);
            fetch(&secret, &method, (&url, signed_for), &body).await
        }
        Command::SignFetch {
            secret,
            method,
            url,
            body,
            timestamp,
            stage,
        } => {
            let body = body.as_ref().map(read).transpose()?.unwrap_or_default();
            let signed = sign_fetch(
                &secret,
                &method,
                &url,
                &body,
                timestamp.unwrap_or_else(now_ms),
            );
            let headers: Vec<(&str, String)> = signed.headers().into_iter().collect();
            let event = api_gateway_v2_request(&method, &url, &body, &headers, &stage)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&event).map_err(|e| e.to_string())?
            );
            Ok(())
        }
        Command::Drain {
            queue_url,
            expect,
            timeout_secs,
        } => drain(&queue_url, expect, Duration::from_secs(timeout_secs)).await,
        Command::Pump {
            queue_url,
            queue_arn,
            invoke_url,
            batch_size,
        } => {
            let totals =
                devstack::pump::pump(&queue_url, &queue_arn, &invoke_url, batch_size).await?;
            println!(
                "{} message(s) in {} invocation(s), {} left for redelivery",
                totals.messages, totals.invocations, totals.failed
            );
            Ok(())
        }
    }
}

fn read(path: &PathBuf) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn now_ms() -> i64 {
    common::ports::Clock::now_ms(&common::ports::SystemClock)
}

fn write_env_file(path: &PathBuf, env: &BTreeMap<String, String>) -> Result<(), String> {
    let text: String = env.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

async fn post(secret: &str, url: &str, body: &str) -> Result<(), String> {
    let signed = sign_webhook(secret, url, body, now_ms());
    let (status, text) = send("POST", url, body, &signed.headers()).await?;
    println!("{status} {text}");
    match (200..300).contains(&status) {
        true => Ok(()),
        false => Err(format!("webhook answered {status}")),
    }
}

async fn fetch(
    secret: &str,
    method: &str,
    (url, signed_for): (&str, &str),
    body: &str,
) -> Result<(), String> {
    let signed = sign_fetch(secret, method, signed_for, body, now_ms());
    let (status, text) = send(method, url, body, &signed.headers()).await?;
    println!("{text}");
    match (200..300).contains(&status) {
        true => Ok(()),
        false => Err(format!("{method} {url} answered {status}")),
    }
}

/// Sends a request with HubSpot's signature headers; the answer's status and body.
async fn send(
    method: &str,
    url: &str,
    body: &str,
    headers: &[(&'static str, String)],
) -> Result<(u16, String), String> {
    let verb: reqwest::Method = method.parse().map_err(|_| format!("bad method {method}"))?;
    let mut request = reqwest::Client::new().request(verb, url);
    if !body.is_empty() {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("{method} {url} failed: {e}"))?;
    let status = response.status().as_u16();
    Ok((status, response.text().await.unwrap_or_default()))
}

async fn drain(queue_url: &str, expect: usize, timeout: Duration) -> Result<(), String> {
    let sqs = aws_sdk_sqs::Client::new(&common::adapters::aws::load_sdk_config().await);
    let started = Instant::now();
    let mut seen = 0;
    while seen < expect && started.elapsed() < timeout {
        let out = sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .map_err(|e| format!("ReceiveMessage failed: {e:?}"))?;
        for message in out.messages() {
            let body: serde_json::Value =
                serde_json::from_str(message.body().unwrap_or("null")).unwrap_or_default();
            println!("{}", serde_json::to_string(&body).unwrap_or_default());
            if let Some(handle) = message.receipt_handle() {
                sqs.delete_message()
                    .queue_url(queue_url)
                    .receipt_handle(handle)
                    .send()
                    .await
                    .map_err(|e| format!("{e:?}"))?;
            }
            seen += 1;
        }
    }
    if seen >= expect {
        Ok(())
    } else {
        Err(format!(
            "only {seen} of {expect} messages arrived within {timeout:?}"
        ))
    }
}
