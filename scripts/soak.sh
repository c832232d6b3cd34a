#!/usr/bin/env bash
# The soak (tests/tests/integration/soak/): SOAK_EVENTS webhook events and Deeto commands
# (default 10,000) through the functions running as Lambdas (cargo lambda watch), moto and the
# simulator, with HubSpot answering 10 % 429, 5 % 5xx and 2 % timeouts and the worker killed
# mid-batch SOAK_KILLS times (default 2). Prints sent / applied / DLQ (with reasons) / twice /
# lost / HubSpot calls / 429s and fails when a bound is broken. SOAK_SEED picks the scenario.
# Not part of `make test`: it takes about 25 minutes.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
"$ROOT/scripts/bootstrap.sh"

echo "==> building the functions (cargo lambda watch runs these binaries)"
cargo build --workspace --bins --quiet

"$ROOT/scripts/moto.sh" start
trap '"$ROOT/scripts/moto.sh" stop' EXIT
set -a; source "$LOCAL_DIR/moto.env"; set +a

echo "==> the soak: ${SOAK_EVENTS:-10000} events, ${SOAK_KILLS:-2} kills, seed ${SOAK_SEED:-9}"
cargo test -p integration-tests --test integration soak -- --ignored --nocapture
