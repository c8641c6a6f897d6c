#!/usr/bin/env bash
# Brings the whole platform up on this machine with demo data: installs npm dependencies,
# builds, starts a real Kafka broker (deploy/kafka.sh), the four services on PostgreSQL and the portal,
# waits until every /health answers, then loads the demo data. Safe to run again.
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

for s in "${SERVICES[@]}"; do
  IFS=: read -r name port db <<<"$s"
  pidfile="$RUN_DIR/$name.pid"
  if pid_alive "$pidfile"; then
    say "$name already running (pid $(cat "$pidfile"))"
    continue
  fi
  say "starting $name on port $port (log: $LOG_DIR/$name.log)"
  (
    cd "$REPO_ROOT"
    PORT="$port" DATABASE_URL="$PG_URL/$db" KAFKA_BROKERS="$KAFKA_BROKERS" INSTANCE_ID="${name}-1" \
      AUTH_ISSUER="$AUTH_ISSUER" AUTH_AUDIENCE="$AUTH_AUDIENCE" AUTH_PUBLIC_KEY_FILE="$AUTH_PUBLIC_KEY_FILE" \
      CLIENT_DATA_KEY="$([[ $name == client-journey ]] && echo "$client_data_key")" \
      nohup node "services/$name/dist/main.js" >>"$LOG_DIR/$name.log" 2>&1 &
    echo $! >"$pidfile"
  )
done

for s in "${SERVICES[@]}"; do
  IFS=: read -r name port _ <<<"$s"
  wait_healthy "http://127.0.0.1:$port/health" 180 || { tail -30 "$LOG_DIR/$name.log" >&2; die "$name did not become healthy"; }
  say "$name healthy on http://127.0.0.1:$port (OpenAPI: http://127.0.0.1:$port/docs)"
done

# The portal calls the services on loopback with each user's token; locally its sign-in page mints
# tokens with the local development key (PORTAL_LOCAL_SIGNING_KEY_FILE), which nothing else enables.
if pid_alive "$RUN_DIR/portal.pid"; then
  say "portal already running (pid $(cat "$RUN_DIR/portal.pid"))"
else
  say "starting portal on port $PORTAL_PORT (log: $LOG_DIR/portal.log)"
  (
    cd "$REPO_ROOT"
    PORT="$PORTAL_PORT" REFERRAL_URL="http://127.0.0.1:${REFERRAL_PORT:-3001}" AGENCY_DIRECTORY_URL="http://127.0.0.1:${AGENCY_DIRECTORY_PORT:-3002}" \
      CLIENT_JOURNEY_URL="http://127.0.0.1:${CLIENT_JOURNEY_PORT:-3003}" REPORTING_URL="http://127.0.0.1:${REPORTING_PORT:-3004}" \
      PORTAL_SESSION_SECRET="$(node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64'))")" \
      PORTAL_LOCAL_SIGNING_KEY_FILE="$UMBRELLA_HOME/keys/local-private.pem" \
      nohup node services/portal/dist/main.js >>"$LOG_DIR/portal.log" 2>&1 &
    echo $! >"$RUN_DIR/portal.pid"
  )
fi
wait_healthy "http://127.0.0.1:$PORTAL_PORT/health" 60 || { tail -30 "$LOG_DIR/portal.log" >&2; die "portal did not become healthy"; }

node "$REPO_ROOT/deploy/demo/load.mjs"

cat >&2 <<MSG
[umbrella] the platform is up.
  portal            http://127.0.0.1:${PORTAL_PORT}  (sign in as any demo agency and role)
  referral          http://127.0.0.1:${REFERRAL_PORT:-3001}
  agency-directory  http://127.0.0.1:${AGENCY_DIRECTORY_PORT:-3002}
  client-journey    http://127.0.0.1:${CLIENT_JOURNEY_PORT:-3003}
  reporting         http://127.0.0.1:${REPORTING_PORT:-3004}
  kafka             $KAFKA_BROKERS
  logs              $LOG_DIR
  stop with         npm run down
MSG
