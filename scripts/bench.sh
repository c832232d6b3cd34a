#!/usr/bin/env bash
# Every benchmark, one after another (never two builds at once), then the plots:
#   1. criterion (common): signature check and batch parsing; the sync worker's HubSpot calls
#   2. the daily reconcile of 100,000 records against the simulator's rate limits
#   3. release builds as SAM ships them (cargo lambda build --release), x86_64 and arm64
#   4. the Deeto tab's answer time (moto), the webhook receiver under load beside a Node.js
#      receiver (both sending to a stand-in SQS), and each function's cold start (moto) and size
#   5. scripts/plot_benchmarks.py: docs/benchmarks/*.csv -> PNG
# Figures and how to read them: BENCHMARKS.md. BENCH_SKIP_BUILDS=1 reuses the release builds.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
"$ROOT/scripts/bootstrap.sh"

FUNCTIONS=(webhook-receiver oauth-callback deeto-events sync-worker daily-reconcile crm-card)

echo "==> criterion and the sync worker's HubSpot calls (common)"
cargo bench -p common
echo "==> the daily reconcile against HubSpot's limits (simulator)"
cargo bench -p integration-tests --bench reconcile_budget

if [[ "${BENCH_SKIP_BUILDS:-0}" != 1 ]]; then
  echo "==> release builds, as SAM ships them (cargo lambda build --release)"
  rustup target list --installed | grep -q '^aarch64-unknown-linux-gnu$' || rustup target add aarch64-unknown-linux-gnu
  packages=(); for f in "${FUNCTIONS[@]}"; do packages+=(-p "$f"); done
  cargo lambda build --release --x86-64 --lambda-dir "$CARGO_TARGET_DIR/lambda-x86_64" "${packages[@]}"
  cargo lambda build --release --arm64 --lambda-dir "$CARGO_TARGET_DIR/lambda-arm64" "${packages[@]}"
fi

echo "==> the Node.js baseline receiver's packages (bench/node-receiver, npm ci)"
(cd bench/node-receiver && npm ci --no-audit --no-fund --loglevel=error)

"$ROOT/scripts/moto.sh" start
trap '"$ROOT/scripts/moto.sh" stop' EXIT
set -a; source "$LOCAL_DIR/moto.env"; set +a
echo "==> the Deeto tab's answer time (moto)"
cargo bench -p integration-tests --bench card_latency
echo "==> the webhook receiver under load, beside the Node.js receiver (stand-in SQS)"
cargo bench -p integration-tests --bench receiver_load
echo "==> cold start and size of each function (moto)"
cargo bench -p integration-tests --bench cold_start

echo "==> plots"
python scripts/plot_benchmarks.py
