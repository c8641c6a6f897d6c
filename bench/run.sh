#!/usr/bin/env bash
# npm run bench: brings up a platform of its own (a broker on 29092, databases umbrella_<service>_bench,
# services on 23001-23012), runs every benchmark with the load generator on this machine, writes
# bench/results/<date>.json and .md, and stops what it started. The demo platform (npm run up) is
# left alone. Options go to bench/run.mjs, e.g. `npm run bench -- --only engine,directory --quick`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/lib.sh"

need java "Java 17 runs the Kafka broker and Kafka's performance tools"
need mvn "Maven fetches Kafka's jars from Maven Central"
need pgbench "pgbench measures the PostgreSQL baseline (Debian: postgresql-contrib or the server package)"
need pg_dump "pg_dump copies the referral schema for the PostgreSQL baseline"
mkdir -p "$LOG_DIR/bench" "$RUN_DIR"

ensure_node_modules
build_all

export KAFKA_INSTANCE=bench
export KAFKA_PORT="${BENCH_KAFKA_PORT:-29092}" KAFKA_CONTROLLER_PORT="${BENCH_KAFKA_CONTROLLER_PORT:-29093}"
export KAFKA_HEAP="${BENCH_KAFKA_HEAP:-1g}"
export BENCH_KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
# Every run starts from an empty broker, so runs compare.
bash "$REPO_ROOT/deploy/kafka.sh" reset >&2
bash "$REPO_ROOT/deploy/kafka.sh" start >&2
trap 'bash "$REPO_ROOT/deploy/kafka.sh" stop >&2 || true' EXIT
export BENCH_KAFKA_PID_FILE="$UMBRELLA_HOME/kafka-bench/kafka.pid"
BENCH_KAFKA_CLASSPATH="$(bash "$REPO_ROOT/deploy/kafka.sh" classpath | tail -1)"
export BENCH_KAFKA_CLASSPATH

# The services verify tokens signed by the local development key, as on `npm run up`.
eval "$(cd "$REPO_ROOT" && node deploy/local-auth.mjs env | sed 's/^/export /')"
BENCH_CLIENT_DATA_KEY="$(cd "$REPO_ROOT" && node deploy/local-auth.mjs client-data-key)"
export BENCH_CLIENT_DATA_KEY PG_URL

cd "$REPO_ROOT"
node bench/run.mjs "$@"
