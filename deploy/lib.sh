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

# The Node.js the project runs on is the one named in .node-version (an LTS). Where the machine's
# own node is older than that major version, exactly that version is fetched once from the npm
# registry (the node-<os>-<arch> package ships the official binary) into .umbrella/node and put first
# on PATH, for this script and everything it starts: npm, npx, nx, jest, the services, the tools.
NODE_WANTED="$(tr -d '[:space:]' <"$REPO_ROOT/.node-version")"
NODE_HOME="$UMBRELLA_HOME/node"

node_version_of() { "$1" -p 'process.versions.node' 2>/dev/null; }

install_node() {
  local os arch pkg tmp lock
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) die "no Node.js package for $(uname -s) on the npm registry; install Node.js $NODE_WANTED and put it first on PATH" ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "no Node.js package for $(uname -m) on the npm registry; install Node.js $NODE_WANTED and put it first on PATH" ;;
  esac
  pkg="node-$os-$arch@$NODE_WANTED"
  command -v npm >/dev/null 2>&1 || die "npm is needed once, to fetch Node.js $NODE_WANTED ($pkg) from the npm registry"
  mkdir -p "$UMBRELLA_HOME"
  # Several scripts may start at once on a fresh clone: one fetches, the others wait for it.
  if command -v flock >/dev/null 2>&1; then
    exec {lock}>"$UMBRELLA_HOME/node.lock"
    flock "$lock"
  fi
  if [[ "$(node_version_of "$NODE_HOME/bin/node")" != "$NODE_WANTED" ]]; then
    say "installing Node.js $NODE_WANTED from the npm registry ($pkg) into $NODE_HOME (the machine has $(node -v 2>/dev/null || echo 'no node'))"
    tmp="$(mktemp -d "$UMBRELLA_HOME/node.tmp.XXXXXX")"
    # npm pack checks the tarball against the registry's integrity hash.
    if ! (cd "$tmp" && npm pack "$pkg" --silent >/dev/null) || ! tar -xzf "$tmp"/node-*.tgz -C "$tmp" ||
      [[ "$(node_version_of "$tmp/package/bin/node")" != "$NODE_WANTED" ]]; then
      rm -rf "$tmp"
      die "could not install Node.js $NODE_WANTED from the npm registry ($pkg)"
    fi
    rm -rf "$NODE_HOME"
    mv "$tmp/package" "$NODE_HOME"
    rm -rf "$tmp"
  fi
  if [[ -n "${lock:-}" ]]; then exec {lock}>&-; fi
}

use_project_node() {
  local have
  have="$(node_version_of node || true)"
  if [[ -n "$have" ]] && ((${have%%.*} >= ${NODE_WANTED%%.*})); then return 0; fi
  [[ "$(node_version_of "$NODE_HOME/bin/node")" == "$NODE_WANTED" ]] || install_node
  export PATH="$NODE_HOME/bin:$PATH"
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

wait_healthy() { # url timeout-seconds [name: give up as soon as its supervisor has stopped]
  local url="$1" deadline=$((SECONDS + $2)) name="${3:-}"
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    if [[ -n "$name" ]] && ! pid_alive "$RUN_DIR/$name.supervisor.pid"; then return 1; fi
    sleep 1
  done
}

# Starts <name> under deploy/supervise.sh (restarted with backoff when it exits unexpectedly), in
# the background, with the caller's environment. Its output goes to $LOG_DIR/<name>.log.
start_supervised() { # name command...
  local name="$1"
  shift
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  RUN_DIR="$RUN_DIR" nohup bash "$REPO_ROOT/deploy/supervise.sh" "$name" "$LOG_DIR/$name.log" "$@" >>"$LOG_DIR/supervisor.log" 2>&1 &
  # the supervisor writes its pid file once it holds its lock; wait for it (briefly) so the caller can report it
  local _
  for _ in $(seq 1 50); do pid_alive "$RUN_DIR/$name.supervisor.pid" && return 0; sleep 0.1; done
  return 1
}

# Stops <name> for good: first its supervisor, which stops the process (SIGTERM: it drains) and does
# not restart it; then whatever is left of it without a supervisor (one killed, or an older start).
stop_supervised() { # name
  local name="$1" supervisor_pid_file="$RUN_DIR/$1.supervisor.pid" pid_file="$RUN_DIR/$1.pid" pid _
  if pid_alive "$supervisor_pid_file"; then
    pid="$(cat "$supervisor_pid_file")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 350); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    # not stopped within 35 s: the supervisor first, so nothing restarts what is killed next
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  if pid_alive "$pid_file"; then
    pid="$(cat "$pid_file")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$supervisor_pid_file" "$pid_file"
}

use_project_node
