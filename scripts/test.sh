#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs pinned tools, lints the SAM template,
# runs the app card's tests (npm), starts moto, runs every Rust test (unit, official vectors,
# integration through moto and cargo-lambda), and stops moto again.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

"$ROOT/scripts/bootstrap.sh"

echo "==> template: cfn-lint and sam validate --lint"
cfn-lint template.yaml
sam validate --lint --template template.yaml > /dev/null

echo "==> formatting and clippy (benches included)"
cargo fmt --all --check
cargo fmt --manifest-path fuzz/Cargo.toml --check
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "==> the HubSpot app card: component tests (ui-extensions testing utilities), webhooks file, configure"
(cd hubspot-app && npm test --silent)

echo "==> starting moto"
"$ROOT/scripts/moto.sh" start
trap '"$ROOT/scripts/moto.sh" stop' EXIT
set -a; source "$LOCAL_DIR/moto.env"; set +a

echo "==> cargo test (workspace)"
# Binaries are built first so cargo-lambda's function builds find them up to date.
cargo build --workspace --bins --quiet
cargo test --workspace --no-fail-fast
