#!/usr/bin/env bash
# Installs every tool the project needs, pinned, into .tools/ (git-ignored). Idempotent and
# quick when nothing changed: reinstalls only when the lock file changes.
set -euo pipefail
source "$(dirname "$0")/env.sh"

# System packages the scripts rely on (Debian); only what is missing, and only once.
apt_install() {
  local missing=()
  for spec in "$@"; do
    local cmd="${spec%%:*}" pkg="${spec#*:}"
    if [[ "$cmd" == venv ]]; then
      python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=("$pkg")
    else
      command -v "$cmd" >/dev/null || missing+=("$pkg")
    fi
  done
  ((${#missing[@]} == 0)) && return 0
  echo "==> installing ${missing[*]} (apt)"
  local sudo=""; [[ "$(id -u)" == 0 ]] || sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}"
}
apt_install curl:curl make:make venv:python3-venv node:nodejs npm:npm

# The Rust toolchain is the machine's (rustup); the checks CI runs need its two components.
# The oldest compiler the workspace builds with is Cargo.toml's `rust-version`; CI uses the
# machine's, so refuse an older one here with a clear message rather than fail mid-build.
WANT_RUST="$(sed -n 's/^rust-version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml")"
command -v cargo >/dev/null || { echo "cargo not found: install Rust $WANT_RUST or later with rustup" >&2; exit 1; }
HAVE_RUST="$(rustc --version | cut -d' ' -f2)"
if [[ "$(printf '%s\n%s\n' "$WANT_RUST" "$HAVE_RUST" | sort -V | head -n1)" != "$WANT_RUST" ]]; then
  echo "rustc $HAVE_RUST is older than the workspace's rust-version $WANT_RUST: rustup update" >&2; exit 1
fi
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    echo "==> adding the $component component"; rustup component add "$component"
  fi
done

LOCK="$ROOT/tools/python/requirements.lock"
STAMP="$TOOLS_DIR/venv/.lock-sha256"
want="$(sha256sum "$LOCK" | cut -d' ' -f1)"
if [[ ! -x "$TOOLS_DIR/venv/bin/python" || "$(cat "$STAMP" 2>/dev/null)" != "$want" ]]; then
  echo "==> installing pinned Python tools (moto, cfn-lint, aws-sam-cli, cargo-lambda, matplotlib) into .tools/venv"
  python3 -m venv "$TOOLS_DIR/venv"
  "$TOOLS_DIR/venv/bin/pip" install --quiet --disable-pip-version-check -r "$LOCK"
  echo "$want" > "$STAMP"
fi

# The HubSpot app card (hubspot-app/) is tested with Node; vitest 4 needs Node 20 or later.
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
if (( NODE_MAJOR < 20 )); then
  echo "node $(node -v) is older than 20, which the app card's tests need: install Node 20 or later" >&2; exit 1
fi
APP_LOCK="$ROOT/hubspot-app/package-lock.json"
APP_STAMP="$ROOT/hubspot-app/node_modules/.lock-sha256"
want="$(sha256sum "$APP_LOCK" | cut -d' ' -f1)"
if [[ "$(cat "$APP_STAMP" 2>/dev/null)" != "$want" ]]; then
  echo "==> installing the app card's pinned npm packages (hubspot-app/, npm ci)"
  (cd "$ROOT/hubspot-app" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$APP_STAMP"
fi
