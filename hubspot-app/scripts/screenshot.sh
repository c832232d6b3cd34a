#!/usr/bin/env bash
# Builds the static preview from the fixtures and photographs it with headless Chromium.
# Needs chromium (Debian: apt-get install -y chromium). Not part of `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-../docs/card-preview.png}"
npm run --silent preview:build
mkdir -p "$(dirname "$out")"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --screenshot="$(realpath -m "$out")" --window-size=1100,1400 \
  "file://$PWD/preview/out/index.html"
echo "wrote $out"
