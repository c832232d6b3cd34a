#!/usr/bin/env bash
# Fuzzes what the outside world sends us, each target for FUZZ_SECONDS (default 60):
#   webhook_request  HubSpot's webhook body and signature headers -> webhook-receiver
#   card_request     the Deeto tab's query string and signature   -> crm-card
#   deeto_command    the Deeto platform's command body and key     -> deeto-events
# Seeds are the committed samples in events/. A finding stops the run and leaves its input in
# fuzz/artifacts/<target>/ (replay it with `cargo fuzz run <target> <file>`).
# Needs a nightly toolchain if there is one; otherwise the stable one is told to accept
# cargo-fuzz's flags (RUSTC_BOOTSTRAP=1). Not part of `make test`: it is long by design.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

CARGO_FUZZ_VERSION="0.13.1"
SECONDS_EACH="${FUZZ_SECONDS:-60}"
TARGETS=(${FUZZ_TARGETS:-webhook_request card_request deeto_command})

if [[ "$("$TOOLS_DIR/cargo-fuzz/bin/cargo-fuzz" --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]]; then
  echo "==> installing cargo-fuzz $CARGO_FUZZ_VERSION into .tools/cargo-fuzz"
  cargo install --quiet --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION" --root "$TOOLS_DIR/cargo-fuzz"
fi
export PATH="$TOOLS_DIR/cargo-fuzz/bin:$PATH"

TOOLCHAIN=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  TOOLCHAIN=(+nightly)
else
  export RUSTC_BOOTSTRAP=1
fi
# Instrumented builds differ from normal ones: their own cache, outside the clone.
export CARGO_TARGET_DIR="$HOME/.cache/deeto-hubspot/fuzz-target"

# Every input is one control byte (0: signed or keyed correctly, the usual method) + the rest.
seed() {
  local dir="$LOCAL_DIR/fuzz/corpus/$1"; shift
  mkdir -p "$dir"
  python3 - "$dir" "$@" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
for spec in sys.argv[2:]:
    path, _, field = spec.partition(":")
    text = pathlib.Path(path).read_text()
    data = json.loads(text)[field] if field else text
    (out / pathlib.Path(path).stem).write_bytes(b"\0" + data.encode())
PY
}
seed webhook_request events/webhook-receiver/batch-body.json events/webhook-receiver/api-gateway-v2.json:body
seed card_request events/crm-card/{contact,company,deal,classic-company}.json:rawQueryString
seed deeto_command events/deeto-events/{reference-created,lead-created,connection-created,connection-updated}.json

for target in "${TARGETS[@]}"; do
  echo "==> fuzzing $target for ${SECONDS_EACH}s"
  (cd fuzz && cargo "${TOOLCHAIN[@]}" fuzz run --sanitizer none --debug-assertions "$target" \
    "$LOCAL_DIR/fuzz/corpus/$target" -- -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
done
echo "==> no findings in ${#TARGETS[@]} targets x ${SECONDS_EACH}s"
