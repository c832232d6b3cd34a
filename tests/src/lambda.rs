//! Functions running in the real Lambda runtime emulator: `cargo lambda watch`.

use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

use crate::repo_root;

/// A `cargo lambda watch` process serving every workspace binary; stopped on drop.
#[derive(Debug)]
pub struct LambdaWatch {
    child: Child,
    pub port: u16,
}

impl LambdaWatch {
    /// Starts the emulator and waits until it accepts requests. `env` gets the chosen port,
    /// so a function can be told its own public URL.
    pub async fn start(env: impl FnOnce(u16) -> Vec<(String, String)>) -> Self {
        Self::start_on(free_port(), env).await
    }

    /// A free port to pass to [`LambdaWatch::start_on`], when something must know the
    /// functions' URLs before they start (e.g. the simulator's webhook target).
    pub fn free_port() -> u16 {
        free_port()
    }

    pub async fn start_on(port: u16, env: impl FnOnce(u16) -> Vec<(String, String)>) -> Self {
        Self::start_concurrent(port, 1, env).await
    }

    /// As [`LambdaWatch::start_on`], with up to `instances` of each function running at once
    /// (Lambda's concurrency; the emulator's default is one).
    pub async fn start_concurrent(
        port: u16,
        instances: usize,
        env: impl FnOnce(u16) -> Vec<(String, String)>,
    ) -> Self {
        let vars: Vec<String> = env(port).iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut command = Command::new("cargo");
        command
            .args([
                "lambda",
                "watch",
                "--ignore-changes",
                "-A",
                "127.0.0.1",
                "-P",
                &port.to_string(),
                "--concurrency",
                &instances.to_string(),
            ])
            .current_dir(repo_root())
            .stdout(log_sink())
            .stderr(log_sink())
            // Its own process group, so `crash` can take the functions down with it.
            .process_group(0)
            .kill_on_drop(true);
        for var in &vars {
            command.args(["--env-var", var]);
        }
        let child = command
            .spawn()
            .expect("cargo lambda is installed (scripts/bootstrap.sh)");
        let watch = Self { child, port };
        watch.wait_until_listening(Duration::from_secs(60)).await;
        watch
    }

    /// The URL of a binary's function URL emulation.
    pub fn function_url(&self, binary: &str) -> String {
        function_url(self.port, binary)
    }

    async fn wait_until_listening(&self, timeout: Duration) {
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            assert!(
                started.elapsed() < timeout,
                "cargo lambda watch did not listen on {} in {timeout:?}",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// `cargo lambda invoke BINARY --data-file FILE` against this emulator; returns its output.
    pub async fn invoke(&self, binary: &str, data_file: &std::path::Path) -> serde_json::Value {
        let output = Command::new("cargo")
            .args([
                "lambda",
                "invoke",
                binary,
                "--invoke-address",
                "127.0.0.1",
                "--invoke-port",
                &self.port.to_string(),
                "--data-file",
            ])
            .arg(data_file)
            .current_dir(repo_root())
            .output()
            .await
            .expect("cargo lambda invoke runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "invoke failed: {stdout} {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_str(&stdout)
            .unwrap_or_else(|_| panic!("invoke printed non-JSON: {stdout}"))
    }
}

impl LambdaWatch {
    /// Kills the emulator and every function process it started with SIGKILL, as a Lambda
    /// sandbox dies: no handler finishes, no answer is sent. Returns once the port is free, so
    /// a new one can start on `self.port`.
    pub async fn crash(&mut self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .status();
        }
        // A function started under another process group dies the same way (the pattern
        // matches the function binaries, never `debug/deps/` where the test runs from).
        let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
        let _ = std::process::Command::new("pkill")
            .args(["-KILL", "-f", &format!("{target}/debug/[a-z-]+($| )")])
            .status();
        let _ = self.child.wait().await;
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_ok()
            && started.elapsed() < Duration::from_secs(10)
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for LambdaWatch {
    fn drop(&mut self) {
        // SIGINT lets cargo-lambda stop the function processes it started.
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-INT", &pid.to_string()])
                .status();
        }
    }
}

/// cargo-lambda serves each binary under `/lambda-url/<binary>` and strips that prefix.
pub fn function_url(port: u16, binary: &str) -> String {
    format!("http://127.0.0.1:{port}/lambda-url/{binary}")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Where the emulator's output goes: `LAMBDA_WATCH_LOG=FILE` keeps it for debugging a test.
fn log_sink() -> Stdio {
    std::env::var("LAMBDA_WATCH_LOG")
        .ok()
        .and_then(|path| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .ok()
        })
        .map_or_else(Stdio::null, Stdio::from)
}
