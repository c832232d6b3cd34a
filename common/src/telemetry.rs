//! Tracing set-up shared by every function: JSON lines that CloudWatch Logs Insights can query.

use tracing_subscriber::EnvFilter;

/// At TRACE the AWS SDK logs whole response bodies, which carry cached access tokens and
/// refresh tokens. These caps hold whatever `RUST_LOG` asks for.
const SECRET_SAFE_CAPS: [&str; 3] = [
    "aws_smithy_runtime=debug",
    "aws_smithy_http=debug",
    "hyper=info",
];

/// Installs the global subscriber once. `RUST_LOG` overrides the default `info` level, within
/// [`SECRET_SAFE_CAPS`].
pub fn init() {
    // Lambda adds its own timestamps to every log line; ours would only cost bytes.
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter(std::env::var("RUST_LOG").ok().as_deref()))
        .with_current_span(true)
        .with_target(false)
        .without_time()
        .try_init();
}

/// The filter for a `RUST_LOG` value, with the caps appended so they win.
pub fn filter(rust_log: Option<&str>) -> EnvFilter {
    let base = rust_log.filter(|v| !v.trim().is_empty()).unwrap_or("info");
    let directives: Vec<String> = std::iter::once(base.to_owned())
        .chain(SECRET_SAFE_CAPS.iter().map(|c| (*c).to_owned()))
        .collect();
    EnvFilter::try_new(directives.join(","))
        .unwrap_or_else(|_| EnvFilter::new(format!("info,{}", SECRET_SAFE_CAPS.join(","))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_everywhere_still_caps_the_sdks_body_logging() {
        let rendered = filter(Some("trace")).to_string();
        assert!(rendered.contains("aws_smithy_runtime=debug"), "{rendered}");
        assert!(rendered.contains("trace"), "{rendered}");
    }

    #[test]
    fn a_broken_rust_log_falls_back_to_info_with_the_caps() {
        let rendered = filter(Some("=== nonsense ===")).to_string();
        assert!(
            rendered.contains("aws_smithy_runtime=debug") && rendered.contains("info"),
            "{rendered}"
        );
    }
}
