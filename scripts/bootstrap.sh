#!/usr/bin/env bash
# Installs every tool the project needs, pinned, into .tools/ (git-ignored). Idempotent and
# quick when nothing changed: reinstalls only when the lock file changes.
set -euo pipefail
source "$(dirname "$0")/env.sh"

LOCK="$ROOT/tools/python/requirements.lock"
STAMP="$TOOLS_DIR/venv/.lock-sha256"
want="$(sha256sum "$LOCK" | cut -d' ' -f1)"
if [[ ! -x "$TOOLS_DIR/venv/bin/python" || "$(cat "$STAMP" 2>/dev/null)" != "$want" ]]; then
  echo "==> installing pinned Python tools (moto, cfn-lint, aws-sam-cli, cargo-lambda) into .tools/venv"
  python3 -m venv "$TOOLS_DIR/venv"
  "$TOOLS_DIR/venv/bin/pip" install --quiet --disable-pip-version-check -r "$LOCK"
  echo "$want" > "$STAMP"
fi
command -v curl >/dev/null || { echo "==> installing curl"; apt-get update -qq && apt-get install -y -qq curl; }
