#!/usr/bin/env bash
# npm run chaos: brings up a platform of its own (a broker on 24092, databases
# umbrella_<service>_chaos, services on 24001-24004), runs a steady referral load while it kills
# each service and the broker (kill -9) and terminates the services' database connections, then
# checks every answer against the databases and the topics. Writes bench/chaos/results/<date>-seed-<seed>.json
# and stops everything it started, also when it fails. Options go to bench/chaos/chaos.mjs, e.g.
# `npm run chaos -- --duration 300 --seed 1234`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../deploy/lib.sh"

need java "Java 17 runs the Kafka broker"
need mvn "Maven fetches Kafka's jars from Maven Central"
mkdir -p "$LOG_DIR/chaos" "$RUN_DIR/chaos"

ensure_node_modules
build_all

export KAFKA_INSTANCE=chaos
export KAFKA_PORT="${CHAOS_KAFKA_PORT:-24092}" KAFKA_CONTROLLER_PORT="${CHAOS_KAFKA_CONTROLLER_PORT:-24093}"
export CHAOS_KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
export CHAOS_KAFKA_PID_FILE="$UMBRELLA_HOME/kafka-chaos/kafka.pid"

# Whatever happens to the run, nothing it started outlives it: the services and a broker restart
# in progress (by the pid files the run keeps, each checked to be what it says before it is
# killed), then the broker.
stop_everything() {
  local file pid
  for file in "$RUN_DIR"/chaos/*.pid; do
    [[ -f "$file" ]] || continue
    pid="$(cat "$file")"
    if [[ "$pid" =~ ^[0-9]+$ ]] && ps -o args= -p "$pid" 2>/dev/null | grep -qE "services/.*/dist/main.js|deploy/kafka.sh start"; then
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
  done
  bash "$REPO_ROOT/deploy/kafka.sh" stop >&2 || true
}
trap stop_everything EXIT

# Every run starts from an empty broker: every event the verification reads is this run's.
bash "$REPO_ROOT/deploy/kafka.sh" reset >&2
bash "$REPO_ROOT/deploy/kafka.sh" start >&2

# The services verify tokens signed by the local development key, as on `npm run up`.
eval "$(cd "$REPO_ROOT" && node deploy/local-auth.mjs env | sed 's/^/export /')"
CHAOS_CLIENT_DATA_KEY="$(cd "$REPO_ROOT" && node deploy/local-auth.mjs client-data-key)"
export CHAOS_CLIENT_DATA_KEY PG_URL

cd "$REPO_ROOT"
node bench/chaos/chaos.mjs "$@"
