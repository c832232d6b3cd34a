//! The webhook receiver under load, side by side with the Node.js receiver most teams would
//! write (`bench/node-receiver/`: `@hubspot/api-client` signature check + `@aws-sdk/client-sqs`).
//! Both are HTTP servers in their own process on 127.0.0.1 with the real SDKs, sending to the
//! same stand-in SQS (`bench/node-receiver/sqs-stub.js`, which answers at once: moto's SQS takes
//! about 200 ms a batch here and would be all the figures measured). Ours is the
//! `webhook-receiver` handler behind a minimal HTTP adapter (what API Gateway and the Lambda
//! runtime do in AWS). At each concurrency, each gets the same number of signed batches of 10
//! events, one receiver after the other, and the table shows throughput, p50/p99 latency and the
//! receiver process's CPU time per request (what Lambda bills for), with the Node/Rust ratios.
//! Every accepted event must reach the stand-in SQS. Writes `docs/benchmarks/receiver-load.csv`
//! for `scripts/plot_benchmarks.py`.
//!
//! Needs the Node receiver's packages: run with `make bench`. `LOAD_REQUESTS=N` sets the requests
//! per receiver and concurrency (default 2000); `LOAD_LEVELS=1,4,16` the concurrencies.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::adapters::sqs::SqsJobQueue;
use common::ports::SystemClock;
use common::queue::RetryPolicy;
use devstack::sign_webhook;
use integration_tests::{LOCAL_CLIENT_SECRET, now_ms, repo_root};
use secrecy::SecretString;
use webhook_receiver::{Receiver, handle};

const EVENTS_PER_BATCH: usize = 10;
const ROUTE: &str = "/webhooks/hubspot";

/// When set, this process is the Rust receiver's server, not the bench.
const SERVE: &str = "RECEIVER_LOAD_SERVE_PORT";

fn main() {
    if let Ok(port) = std::env::var(SERVE) {
        return serve(&port);
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(bench());
}

/// The Rust receiver's server: each HTTP request becomes the `lambda_http::Request` the Lambda
/// runtime would hand the function, answered by the function's own handler.
fn serve(port: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let queue_url = std::env::var("SYNC_QUEUE_URL").expect("SYNC_QUEUE_URL");
        let sdk = common::adapters::aws::load_sdk_config().await;
        // Straight to the stand-in SQS.
        let base = format!("http://127.0.0.1:{port}");
        let receiver = Arc::new(Receiver {
            client_secret: SecretString::from(LOCAL_CLIENT_SECRET),
            queue: Arc::new(SqsJobQueue::new(aws_sdk_sqs::Client::new(&sdk), queue_url)),
            clock: Arc::new(SystemClock),
            public_base_url: Some(url::Url::parse(&base).expect("url")),
            retry: RetryPolicy::default(),
        });
        let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
            let receiver = receiver.clone();
            async move {
                let (parts, body) = req.into_parts();
                let bytes = axum::body::to_bytes(body, usize::MAX)
                    .await
                    .unwrap_or_default();
                let req = lambda_http::Request::from_parts(
                    parts,
                    lambda_http::Body::from(bytes.to_vec()),
                );
                let response = handle(&receiver, req).await;
                let (parts, body) = response.into_parts();
                axum::response::Response::from_parts(parts, axum::body::Body::from(body.to_vec()))
            }
        });
        let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}"))
            .await
            .expect("bind");
        println!("listening on {base}");
        axum::serve(listener, app).await.expect("serve");
    });
}

/// A receiver under test: its process and where it listens.
struct Server {
    name: &'static str,
    child: Child,
    url: String,
}

impl Server {
    fn start(name: &'static str, mut command: Command, port: u16) -> Self {
        command.stdout(Stdio::piped()).stderr(Stdio::inherit());
        let mut child = command.spawn().unwrap_or_else(|e| panic!("{name}: {e}"));
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let ready = lines.any(|line| line.is_ok_and(|l| l.contains("listening on")));
        assert!(ready, "{name} receiver did not start");
        Self {
            name,
            child,
            url: format!("http://127.0.0.1:{port}{ROUTE}"),
        }
    }

    /// User + system CPU time of the process so far.
    fn cpu(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).expect("/proc stat");
        // Fields after the command name (which may hold spaces) start at ")".
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let ticks: u64 = (fields.get(11).zip(fields.get(12)))
            .map(|(u, s)| u.parse::<u64>().unwrap_or(0) + s.parse::<u64>().unwrap_or(0))
            .unwrap_or(0);
        Duration::from_secs_f64(ticks as f64 / clock_ticks())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A HubSpot batch of [`EVENTS_PER_BATCH`] property changes, unique per request.
fn batch(n: usize) -> String {
    let events: Vec<String> = (0..EVENTS_PER_BATCH)
        .map(|i| {
            let id = n * EVENTS_PER_BATCH + i;
            format!(
                r#"{{"eventId":{id},"subscriptionId":2001,"portalId":62515,"appId":54321,"occurredAt":{},"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":{},"propertyName":"jobtitle","propertyValue":"CTO {id}","changeSource":"CRM_UI"}}"#,
                now_ms(),
                100_000 + id
            )
        })
        .collect();
    format!("[{}]", events.join(","))
}

struct Level {
    receiver: &'static str,
    concurrency: usize,
    requests: usize,
    seconds: f64,
    p50_ms: f64,
    p99_ms: f64,
    cpu_ms_per_request: f64,
}

async fn run(server: &Server, concurrency: usize, requests: usize) -> Level {
    let client = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(0));
    let cpu_before = server.cpu();
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, next, url) = (client.clone(), next.clone(), server.url.clone());
            tokio::spawn(async move {
                let mut times = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= requests {
                        return times;
                    }
                    let body = batch(n);
                    let signed = sign_webhook(LOCAL_CLIENT_SECRET, &url, &body, now_ms());
                    let mut request = client.post(&url).body(body);
                    for (name, value) in signed.headers() {
                        request = request.header(name, value);
                    }
                    let sent = Instant::now();
                    let response = request.send().await.expect("the receiver answers");
                    let status = response.status();
                    let _ = response.bytes().await;
                    times.push(sent.elapsed());
                    assert_eq!(status, 200, "a receiver refused a good batch");
                }
            })
        })
        .collect();
    let mut times = Vec::with_capacity(requests);
    for worker in workers {
        times.extend(worker.await.expect("worker"));
    }
    let seconds = started.elapsed().as_secs_f64();
    let cpu = server.cpu().saturating_sub(cpu_before);
    times.sort();
    let ms = |p: f64| {
        let index = ((times.len() as f64 - 1.0) * p).round() as usize;
        times[index].as_secs_f64() * 1000.0
    };
    Level {
        receiver: server.name,
        concurrency,
        requests,
        seconds,
        p50_ms: ms(0.5),
        p99_ms: ms(0.99),
        cpu_ms_per_request: cpu.as_secs_f64() * 1000.0 / requests as f64,
    }
}

/// How many messages the stand-in SQS has taken so far.
async fn stub_sent(client: &reqwest::Client, stub: &str) -> u64 {
    let answer: serde_json::Value = client
        .get(format!("{stub}/_stub/sent"))
        .send()
        .await
        .expect("the stand-in SQS answers")
        .json()
        .await
        .expect("JSON");
    answer["sent"].as_u64().unwrap_or(0)
}

/// The environment both receivers' SDKs need to reach the stand-in SQS.
fn aws_env(command: &mut Command, stub: &str) {
    command
        .env("AWS_ENDPOINT_URL", stub)
        .env("AWS_ENDPOINT_URL_SQS", stub)
        .env("AWS_REGION", "eu-west-1")
        .env("AWS_ACCESS_KEY_ID", "bench")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_EC2_METADATA_DISABLED", "true");
}

async fn bench() {
    let stub_port = free_port();
    let mut stub = Command::new("node");
    stub.arg(repo_root().join("bench/node-receiver/sqs-stub.js"))
        .env("PORT", stub_port.to_string());
    // Kept until the end: dropping it stops the stand-in SQS.
    let _stub_process = Server::start("sqs", stub, stub_port);
    let stub_url = format!("http://127.0.0.1:{stub_port}");
    let queue = format!("{stub_url}/123456789012/bench-sync-queue");
    let requests: usize = std::env::var("LOAD_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000);
    let levels: Vec<usize> = std::env::var("LOAD_LEVELS")
        .unwrap_or_else(|_| "1,2,4,8,16,32".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();

    let rust_port = free_port();
    let mut rust = Command::new(std::env::current_exe().expect("this binary"));
    rust.env(SERVE, rust_port.to_string())
        .env("SYNC_QUEUE_URL", &queue);
    aws_env(&mut rust, &stub_url);
    let rust = Server::start("rust", rust, rust_port);
    let node_port = free_port();
    let mut node = Command::new("node");
    node.arg(repo_root().join("bench/node-receiver/server.js"))
        .env("PORT", node_port.to_string())
        .env("CLIENT_SECRET", LOCAL_CLIENT_SECRET)
        .env("SYNC_QUEUE_URL", &queue)
        .env("PUBLIC_BASE_URL", format!("http://127.0.0.1:{node_port}"));
    aws_env(&mut node, &stub_url);
    let node = Server::start("node", node, node_port);
    let client = reqwest::Client::new();

    // Warm both (connections, JIT, SDK clients) before measuring.
    run(&rust, 4, 40).await;
    run(&node, 4, 40).await;
    println!(
        "webhook receiver, {requests} signed batches of {EVENTS_PER_BATCH} events per receiver and concurrency, stand-in SQS"
    );
    println!(
        "{:>5} {:>6} {:>9} {:>8} {:>8} {:>8}   ratios: {:>11} {:>9} {:>9}",
        "conc", "recv", "req/s", "p50 ms", "p99 ms", "cpu ms/r", "throughput", "p99", "cpu/req"
    );
    let mut rows = Vec::new();
    for &concurrency in &levels {
        let before = stub_sent(&client, &stub_url).await;
        let ours = run(&rust, concurrency, requests).await;
        let theirs = run(&node, concurrency, requests).await;
        let arrived = stub_sent(&client, &stub_url).await - before;
        assert_eq!(
            arrived,
            (2 * requests * EVENTS_PER_BATCH) as u64,
            "every accepted event reaches SQS"
        );
        for level in [&ours, &theirs] {
            println!(
                "{:>5} {:>6} {:>9.1} {:>8.1} {:>8.1} {:>8.2}",
                level.concurrency,
                level.receiver,
                level.requests as f64 / level.seconds,
                level.p50_ms,
                level.p99_ms,
                level.cpu_ms_per_request
            );
        }
        // Each ratio says how many times better Rust does (above 1: Rust ahead).
        println!(
            "{:>63} {:>11.2} {:>9.2} {:>9.2}",
            "rust vs node:",
            (ours.requests as f64 / ours.seconds) / (theirs.requests as f64 / theirs.seconds),
            theirs.p99_ms / ours.p99_ms,
            theirs.cpu_ms_per_request / ours.cpu_ms_per_request.max(0.001)
        );
        rows.push(ours);
        rows.push(theirs);
    }
    let mut csv = String::from(
        "receiver,concurrency,requests,seconds,throughput_rps,p50_ms,p99_ms,cpu_ms_per_request\n",
    );
    for r in &rows {
        csv.push_str(&format!(
            "{},{},{},{:.3},{:.1},{:.2},{:.2},{:.3}\n",
            r.receiver,
            r.concurrency,
            r.requests,
            r.seconds,
            r.requests as f64 / r.seconds,
            r.p50_ms,
            r.p99_ms,
            r.cpu_ms_per_request
        ));
    }
    let out = repo_root().join("docs/benchmarks/receiver-load.csv");
    std::fs::create_dir_all(out.parent().expect("dir")).expect("docs/benchmarks");
    std::fs::write(&out, csv).expect("csv written");
    println!("written: {}", out.display());
}
