#!/usr/bin/env bash
# Stops the portal and the services for good — each supervisor first, so nothing is restarted; each
# process drains its in-flight work on SIGTERM — then the Kafka broker.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for s in portal "${SERVICES[@]}"; do
  name="${s%%:*}"
  if pid_alive "$RUN_DIR/$name.supervisor.pid" || pid_alive "$RUN_DIR/$name.pid"; then
    stop_supervised "$name"
    say "stopped $name"
  fi
  rm -f "$RUN_DIR/$name.pid" "$RUN_DIR/$name.supervisor.pid"
done
if [[ "${1:-}" != "--keep-kafka" ]]; then bash "$REPO_ROOT/deploy/kafka.sh" stop; fi
