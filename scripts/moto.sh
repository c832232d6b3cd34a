#!/usr/bin/env bash
# Starts or stops the moto server (local AWS) on a free 127.0.0.1 port.
#   scripts/moto.sh start   -> writes .local/moto.env with AWS_ENDPOINT_URL
#   scripts/moto.sh stop
set -euo pipefail
source "$(dirname "$0")/env.sh"

PIDFILE="$LOCAL_DIR/moto.pid"
case "${1:-}" in
  start)
    if [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      echo "moto already running ($(cat "$LOCAL_DIR/moto.env"))"; exit 0
    fi
    port="$(free_port)"
    nohup moto_server -H 127.0.0.1 -p "$port" > "$LOCAL_DIR/moto.log" 2>&1 &
    echo $! > "$PIDFILE"
    echo "AWS_ENDPOINT_URL=http://127.0.0.1:$port" > "$LOCAL_DIR/moto.env"
    wait_for_http "http://127.0.0.1:$port/moto-api/" 30
    echo "moto listening on http://127.0.0.1:$port"
    ;;
  stop)
    if [[ -f "$PIDFILE" ]]; then kill "$(cat "$PIDFILE")" 2>/dev/null || true; rm -f "$PIDFILE"; fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
