//! Each function's cold start: from process start until it asks the Lambda runtime API for its
//! first event (its init: configuration, AWS clients, secrets read from moto), and its peak
//! memory by then; plus the size of each release `bootstrap`, x86_64 and arm64.
//!
//! The functions are the release builds `cargo lambda build --release` makes (what SAM ships),
//! run natively (x86_64) against a stand-in runtime API that only records the first
//! `GET /runtime/invocation/next`. arm64 binaries are only measured for size here (running
//! them would need an emulator, whose timings mean nothing). Each function starts `COLD_STARTS`
//! times (default 10); the table shows the median and the worst.
//! Writes `docs/benchmarks/cold-start.csv`.
//!
//! Needs moto and the builds: run with `make bench` (scripts/bench.sh builds them).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use integration_tests::{TestStack, repo_root};

/// Binary and the template's logical id, for the environment the template declares.
const FUNCTIONS: [(&str, &str); 6] = [
    ("webhook-receiver", "WebhookReceiverFunction"),
    ("oauth-callback", "OAuthCallbackFunction"),
    ("deeto-events", "DeetoEventsFunction"),
    ("sync-worker", "SyncWorkerFunction"),
    ("daily-reconcile", "DailyReconcileFunction"),
    ("crm-card", "CrmCardFunction"),
];

/// Where `cargo lambda build --lambda-dir` put the builds of one architecture.
fn lambda_dir(arch: &str) -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo_root().join("target"));
    target.join(format!("lambda-{arch}"))
}

fn bootstrap(arch: &str, binary: &str) -> PathBuf {
    lambda_dir(arch).join(binary).join("bootstrap")
}

/// One start: how long until the first `next`, and the peak resident memory (KiB) by then.
fn start_once(binary: &Path, function: &str, env: &[(String, String)]) -> (Duration, u64) {
    let runtime_api = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = runtime_api.local_addr().expect("address");
    let started = Instant::now();
    let mut child = Command::new(binary)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", function)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "bench")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    // The first call a healthy function makes is `next`; anything else (an init error report)
    // means the start failed.
    let (mut stream, _) = runtime_api
        .accept()
        .expect("the function calls the runtime API");
    let init = started.elapsed();
    let mut head = [0u8; 1024];
    let read = stream.read(&mut head).unwrap_or(0);
    let request = String::from_utf8_lossy(&head[..read]);
    if !(request.starts_with("GET") && request.contains("/runtime/invocation/next")) {
        let _ = stream.write_all(b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n");
        let _ = child.kill();
        panic!("{function} did not reach its first event: {request}");
    }
    let peak_kib = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0);
    let _ = child.kill();
    let _ = child.wait();
    (init, peak_kib)
}

fn size_mb(path: &Path) -> Option<f64> {
    std::fs::metadata(path)
        .ok()
        .map(|m| m.len() as f64 / 1_000_000.0)
}

#[tokio::main]
async fn main() {
    let stack = TestStack::new().await;
    let starts: usize = std::env::var("COLD_STARTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    println!(
        "cold start: process start until the first `next` ({starts} starts each; x86_64 release build, moto)"
    );
    println!(
        "{:<18} {:>11} {:>10} {:>10} {:>13} {:>12}",
        "function", "median ms", "worst ms", "peak MiB", "x86_64 MB", "arm64 MB"
    );
    let mut csv = String::from(
        "function,init_median_ms,init_worst_ms,peak_mib,size_x86_64_mb,size_arm64_mb\n",
    );
    for (binary, logical_id) in FUNCTIONS {
        let native = bootstrap("x86_64", binary);
        assert!(
            native.exists(),
            "{} is missing: run `make bench` (it builds the functions first)",
            native.display()
        );
        let env = stack.function_env(logical_id);
        let mut inits = Vec::with_capacity(starts);
        let mut peak = 0;
        for _ in 0..starts {
            let (init, kib) = start_once(&native, binary, &env);
            inits.push(init);
            peak = peak.max(kib);
        }
        inits.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let (median, worst) = (ms(inits[inits.len() / 2]), ms(inits[inits.len() - 1]));
        let peak_mib = peak as f64 / 1024.0;
        let x86 = size_mb(&native).unwrap_or(0.0);
        let arm = size_mb(&bootstrap("arm64", binary));
        let arm_text = arm.map_or_else(|| "not built".to_owned(), |mb| format!("{mb:.1}"));
        println!(
            "{binary:<18} {median:>11.1} {worst:>10.1} {peak_mib:>10.1} {x86:>13.1} {arm_text:>12}"
        );
        csv.push_str(&format!(
            "{binary},{median:.2},{worst:.2},{peak_mib:.1},{x86:.2},{}\n",
            arm.map_or_else(String::new, |mb| format!("{mb:.2}"))
        ));
    }
    let out = repo_root().join("docs/benchmarks/cold-start.csv");
    std::fs::create_dir_all(out.parent().expect("dir")).expect("docs/benchmarks");
    std::fs::write(&out, csv).expect("csv written");
    println!("written: {}", out.display());
}
