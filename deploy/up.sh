#!/usr/bin/env bash
# Brings the whole platform up on this machine with demo data: installs npm dependencies,
# builds, starts a real Kafka broker (deploy/kafka.sh), the four services on PostgreSQL and the portal,
# each under a supervisor that restarts it if it exits unexpectedly (deploy/supervise.sh), waits until
# every /health/ready answers, then loads the demo data. Safe to run again: what runs is left alone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need npm "npm"
need java "Java 17 runs the Kafka broker"
need mvn "Maven fetches Kafka's jars from Maven Central"
need curl "curl checks the services' health"
mkdir -p "$LOG_DIR" "$RUN_DIR"

ensure_node_modules
build_all
bash "$REPO_ROOT/deploy/kafka.sh" start
# Local identity: services verify tokens signed by the key pair generated here (npm run token).
eval "$(cd "$REPO_ROOT" && node deploy/local-auth.mjs env | sed 's/^/export /')"
# client-journey's personal-data key, generated once into .umbrella/keys and given to that service only.
client_data_key="$(cd "$REPO_ROOT" && node deploy/local-auth.mjs client-data-key)"

dbs=()
for s in "${SERVICES[@]}"; do dbs+=("${s##*:}"); done
node "$REPO_ROOT/deploy/create-databases.mjs" "$PG_URL" "${dbs[@]}"

# Each service and the portal run under deploy/supervise.sh: restarted with backoff when they exit
# unexpectedly (logged to their log and to supervisor.log), stopped for good by npm run down.
# Returns 1 when <name> is already supervised (running it again starts no second copy).
needs_start() { # name
  local name="$1"
  if pid_alive "$RUN_DIR/$name.supervisor.pid"; then
    say "$name already running (supervisor pid $(cat "$RUN_DIR/$name.supervisor.pid"), process pid $(cat "$RUN_DIR/$name.pid" 2>/dev/null || echo '-'))"
    return 1
  fi
  # left running without a supervisor (the supervisor was killed, or an older npm run up started it)
  if pid_alive "$RUN_DIR/$name.pid"; then
    say "$name runs without a supervisor (pid $(cat "$RUN_DIR/$name.pid")); restarting it under one"
    stop_supervised "$name"
  fi
}

for s in "${SERVICES[@]}"; do
  IFS=: read -r name port db <<<"$s"
  needs_start "$name" || continue
  say "starting $name on port $port (log: $LOG_DIR/$name.log)"
  (
    cd "$REPO_ROOT"
    PORT="$port" DATABASE_URL="$PG_URL/$db" KAFKA_BROKERS="$KAFKA_BROKERS" INSTANCE_ID="${name}-1" \
      AUTH_ISSUER="$AUTH_ISSUER" AUTH_AUDIENCE="$AUTH_AUDIENCE" AUTH_PUBLIC_KEY_FILE="$AUTH_PUBLIC_KEY_FILE" \
      CLIENT_DATA_KEY="$([[ $name == client-journey ]] && echo "$client_data_key")" \
      start_supervised "$name" node "services/$name/dist/main.js"
  ) || die "could not start the supervisor of $name (see $LOG_DIR/supervisor.log)"
done

for s in "${SERVICES[@]}"; do
  IFS=: read -r name port _ <<<"$s"
  wait_healthy "http://127.0.0.1:$port/health/ready" 180 "$name" || { tail -30 "$LOG_DIR/$name.log" >&2; die "$name did not become ready"; }
  say "$name ready on http://127.0.0.1:$port (OpenAPI: http://127.0.0.1:$port/docs)"
done

# The portal calls the services on loopback with each user's token; locally its sign-in page mints
# tokens with the local development key (PORTAL_LOCAL_SIGNING_KEY_FILE), which nothing else enables.
if needs_start portal; then
  say "starting portal on port $PORTAL_PORT (log: $LOG_DIR/portal.log)"
  (
    cd "$REPO_ROOT"
    PORT="$PORTAL_PORT" REFERRAL_URL="http://127.0.0.1:${REFERRAL_PORT:-3001}" AGENCY_DIRECTORY_URL="http://127.0.0.1:${AGENCY_DIRECTORY_PORT:-3002}" \
      CLIENT_JOURNEY_URL="http://127.0.0.1:${CLIENT_JOURNEY_PORT:-3003}" REPORTING_URL="http://127.0.0.1:${REPORTING_PORT:-3004}" \
      PORTAL_SESSION_SECRET="$(node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64'))")" \
      PORTAL_LOCAL_SIGNING_KEY_FILE="$UMBRELLA_HOME/keys/local-private.pem" \
      start_supervised portal node services/portal/dist/main.js
  ) || die "could not start the supervisor of the portal (see $LOG_DIR/supervisor.log)"
fi
wait_healthy "http://127.0.0.1:$PORTAL_PORT/health/ready" 60 portal || { tail -30 "$LOG_DIR/portal.log" >&2; die "portal did not become ready"; }

node "$REPO_ROOT/deploy/demo/load.mjs"

cat >&2 <<MSG
[umbrella] the platform is up.
  portal            http://127.0.0.1:${PORTAL_PORT}  (sign in as any demo agency and role)
  referral          http://127.0.0.1:${REFERRAL_PORT:-3001}
  agency-directory  http://127.0.0.1:${AGENCY_DIRECTORY_PORT:-3002}
  client-journey    http://127.0.0.1:${CLIENT_JOURNEY_PORT:-3003}
  reporting         http://127.0.0.1:${REPORTING_PORT:-3004}
  kafka             $KAFKA_BROKERS
  logs              $LOG_DIR (restarts: $LOG_DIR/supervisor.log)
  node              $(node -v) ($(command -v node))
  stop with         npm run down
MSG
