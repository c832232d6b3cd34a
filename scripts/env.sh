# Sourced by every script: one place for the environment the project's tools run in.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
# The AWS SDK build is large: keep it outside the clone so CI and fresh clones reuse it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/deeto-hubspot/target}"
export TOOLS_DIR="$ROOT/.tools"
export LOCAL_DIR="$ROOT/.local"
# cargo-lambda finds zig through `python3 -m ziglang`, so the venv must come first on PATH.
export PATH="$TOOLS_DIR/venv/bin:$PATH"
export SAM_CLI_TELEMETRY=0
# Local AWS: any non-empty credentials, a region, and no probing of the EC2 metadata service.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-testing}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-testing}"
export AWS_REGION="${AWS_REGION:-eu-west-1}"
export AWS_EC2_METADATA_DISABLED=true
# The documented client secret the local stack and the sample events are signed with.
export LOCAL_CLIENT_SECRET="deeto-local-test-secret"
mkdir -p "$LOCAL_DIR"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for_http URL SECONDS: poll until URL answers (any status).
wait_for_http() {
  local url="$1" deadline=$((SECONDS + $2))
  until curl -s -o /dev/null "$url"; do
    if ((SECONDS > deadline)); then echo "timed out waiting for $url" >&2; return 1; fi
    sleep 0.3
  done
}
