# Shared by the deploy scripts: paths, service table, and small helpers.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UMBRELLA_HOME="${UMBRELLA_HOME:-$REPO_ROOT/.umbrella}"
LOG_DIR="$UMBRELLA_HOME/logs"
RUN_DIR="$UMBRELLA_HOME/run"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"

# name:default-port:database
SERVICES=(
  "referral:${REFERRAL_PORT:-3001}:umbrella_referral"
  "agency-directory:${AGENCY_DIRECTORY_PORT:-3002}:umbrella_agency_directory"
  "client-journey:${CLIENT_JOURNEY_PORT:-3003}:umbrella_client_journey"
  "reporting:${REPORTING_PORT:-3004}:umbrella_reporting"
)
# The caseworker portal: a web front end over the four services; it has no database.
PORTAL_PORT="${PORTAL_PORT:-3000}"

say() { printf '[umbrella] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is required ($2)"
}

# npm ci only when the lock file changed since the last install: fast on every run after the first.
ensure_node_modules() {
  local stamp="$REPO_ROOT/node_modules/.umbrella-lock-hash"
  local hash
  hash="$(sha256sum "$REPO_ROOT/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then return 0; fi
  say "installing npm dependencies (npm ci)"
  (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$hash" >"$stamp"
}

build_all() {
  say "building (type-checked TypeScript)"
  (cd "$REPO_ROOT" && NX_DAEMON=false npx nx run-many -t build --outputStyle=static >"$LOG_DIR/build.log" 2>&1) ||
    { tail -50 "$LOG_DIR/build.log" >&2; die "build failed (full log: $LOG_DIR/build.log)"; }
}

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_healthy() { # url timeout-seconds
  local url="$1" deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}
