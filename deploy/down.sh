#!/usr/bin/env bash
# Stops the portal and the services (each drains its in-flight work on SIGTERM), then the Kafka broker.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for s in portal "${SERVICES[@]}"; do
  name="${s%%:*}"
  pidfile="$RUN_DIR/$name.pid"
  if pid_alive "$pidfile"; then
    pid="$(cat "$pidfile")"
    kill -TERM "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    say "stopped $name"
  fi
  rm -f "$pidfile"
done
if [[ "${1:-}" != "--keep-kafka" ]]; then bash "$REPO_ROOT/deploy/kafka.sh" stop; fi
