#!/usr/bin/env bash
# Native single-node Apache Kafka (KRaft, broker+controller in one JVM) for local dev
# and tests, without Docker. Jars come from Maven Central via deploy/kafka/pom.xml.
#
# Usage: deploy/kafka.sh {fetch|start|stop|status|reset|classpath|logs}
#
# Env overrides: UMBRELLA_HOME (<repo>/.umbrella), KAFKA_PORT (9092),
#   KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP (512m), KAFKA_START_TIMEOUT (120 s),
#   KAFKA_STOP_TIMEOUT (60 s), KAFKA_OPTS (extra broker JVM flags),
#   KAFKA_INSTANCE (a second, separate broker, e.g. test),
#   MVN (maven binary, default mvn), KAFKA_MVN_ARGS (extra maven args, e.g. "-o -s x.xml").
#
# Running Kafka's own tools from the same jars:
#   java -cp "$(deploy/kafka.sh classpath)" org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
set -euo pipefail

# Single source of truth for the version; handed to the pom as -Dkafka.version.
KAFKA_VERSION=3.9.1

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$SCRIPT_DIR")

UMBRELLA_HOME=${UMBRELLA_HOME:-$REPO_ROOT/.umbrella}
# Paths end up in server.properties and JVM flags, which are not resolved against our cwd.
case $UMBRELLA_HOME in /*) ;; *) UMBRELLA_HOME=$PWD/$UMBRELLA_HOME ;; esac

KAFKA_HOST=127.0.0.1
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_HEAP=${KAFKA_HEAP:-512m}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-120}
KAFKA_STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-60}

POM=$SCRIPT_DIR/kafka/pom.xml
LOG4J_CONFIG=$SCRIPT_DIR/kafka/log4j.properties

# KAFKA_INSTANCE names a second broker (e.g. "test", on other ports) that shares the jars
# but has its own data, config and pid, so tests never touch the running platform's broker.
KAFKA_INSTANCE=${KAFKA_INSTANCE:-}
[[ -z $KAFKA_INSTANCE || $KAFKA_INSTANCE =~ ^[a-z0-9-]+$ ]] || { printf '[kafka] error: KAFKA_INSTANCE must be lowercase letters, digits or dashes\n' >&2; exit 1; }
KAFKA_HOME=$UMBRELLA_HOME/kafka${KAFKA_INSTANCE:+-$KAFKA_INSTANCE}
LIBS_DIR=$UMBRELLA_HOME/kafka/libs
CONFIG_DIR=$KAFKA_HOME/config
DATA_DIR=$KAFKA_HOME/data
PID_FILE=$KAFKA_HOME/kafka.pid
CLUSTER_ID_FILE=$KAFKA_HOME/cluster.id
VERSION_MARKER=$LIBS_DIR/.umbrella-kafka-version
LOCK_DIR=$KAFKA_HOME/.lock
LOG_DIR=$UMBRELLA_HOME/logs/kafka${KAFKA_INSTANCE:+-$KAFKA_INSTANCE}
SERVER_PROPERTIES=$CONFIG_DIR/server.properties
TOOLS_LOG4J=$CONFIG_DIR/tools-log4j.properties
PROBE_CONFIG=$CONFIG_DIR/probe-admin.properties
# Literal '*': the JVM expands classpath wildcards itself, so keep it unexpanded.
CLASSPATH_GLOB="$LIBS_DIR/*"

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
MVN=${MVN:-mvn}

LOCK_HELD=0

log() { printf '[kafka] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

for v in KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_START_TIMEOUT KAFKA_STOP_TIMEOUT; do
  is_uint "${!v}" || die "$v must be a number, got '${!v}'"
done
[[ $KAFKA_PORT != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"
[[ $KAFKA_HEAP =~ ^[0-9]+[kKmMgG]?$ ]] || die "KAFKA_HEAP must look like 512m or 1g, got '$KAFKA_HEAP'"

# -Xms above -Xmx makes the JVM refuse to start, so cap the 256m floor at the heap size.
initial_heap() {
  local n=${KAFKA_HEAP%[kKmMgG]} mb
  case $KAFKA_HEAP in
    *[gG]) mb=$((n * 1024)) ;;
    *[mM]) mb=$n ;;
    *[kK]) mb=$((n / 1024)) ;;
    *) mb=$((n / 1048576)) ;;
  esac
  if (( mb < 256 )); then echo "$KAFKA_HEAP"; else echo 256m; fi
}

# Cheap liveness check without a JVM; loopback refuses closed ports instantly.
port_open() { (exec 3<>"/dev/tcp/$KAFKA_HOST/$1") 2>/dev/null; }

# Best effort: name whoever holds a port, so the error is actionable.
port_owner() {
  local out=""
  if command -v lsof >/dev/null 2>&1; then
    out=$(lsof -nP -iTCP:"$1" -sTCP:LISTEN 2>/dev/null | awk 'NR>1 {print $1" pid "$2; exit}')
  elif command -v ss >/dev/null 2>&1; then
    out=$(ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'users:(([^)]*' | head -n1)
  fi
  [[ -z $out ]] || printf ' (held by %s)' "$out"
}

# Prints the pid of the broker this script started, if it is still alive.
broker_pid() {
  local pid
  [[ -s $PID_FILE ]] || return 1
  pid=$(<"$PID_FILE")
  is_uint "$pid" || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # A stale pid file can point at a recycled pid; only trust a JVM running our config.
  ps -ww -o args= -p "$pid" 2>/dev/null | grep -F "$SERVER_PROPERTIES" | grep -qF kafka.Kafka || return 1
  printf '%s\n' "$pid"
}

# Port of the running broker, from the config it was started with: status/start must
# not be fooled by a different KAFKA_PORT in the caller's environment.
running_port() {
  sed -n 's#^advertised\.listeners=PLAINTEXT://[^:]*:\([0-9][0-9]*\)$#\1#p' "$SERVER_PROPERTIES" 2>/dev/null
}

# mkdir is atomic everywhere (flock is Linux-only); serialises parallel `start`s
# from e.g. several test projects so only one broker gets launched.
acquire_lock() {
  (( LOCK_HELD )) && return 0
  mkdir -p "$KAFKA_HOME"
  local waited=0 limit=$((KAFKA_START_TIMEOUT + KAFKA_STOP_TIMEOUT + 600)) holder
  until mkdir "$LOCK_DIR" 2>/dev/null; do
    holder=$(cat "$LOCK_DIR/pid" 2>/dev/null || true)
    if [[ -n $holder ]] && ! kill -0 "$holder" 2>/dev/null; then
      rm -rf "$LOCK_DIR"   # left behind by a killed invocation
      continue
    fi
    (( waited == 0 )) && log "waiting for another kafka.sh invocation (pid ${holder:-?}) to finish"
    (( waited++ < limit )) || die "timed out waiting for $LOCK_DIR; remove it if no kafka.sh is running"
    sleep 1
  done
  echo $$ >"$LOCK_DIR/pid"
  LOCK_HELD=1
  trap 'rm -rf "$LOCK_DIR"' EXIT
}

require_java() {
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (set JAVA_HOME or PATH; Kafka $KAFKA_VERSION needs Java 11+, 17 recommended)"
}

# Short-lived tool JVMs: C1 only + serial GC start noticeably faster than the defaults.
run_tool() {
  "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j.configuration="file:$TOOLS_LOG4J" -cp "$CLASSPATH_GLOB" "$@"
}

libs_current() {
  local want
  want="$KAFKA_VERSION $(cksum <"$POM" | awk '{print $1}')"
  [[ -f $VERSION_MARKER && $(<"$VERSION_MARKER") == "$want" ]]
}

fetch() {
  # The pom checksum is part of the marker so dependency edits trigger a refetch too.
  libs_current && return 0
  acquire_lock
  libs_current && return 0   # another invocation fetched while we waited
  command -v "$MVN" >/dev/null 2>&1 || die "'$MVN' not found; Maven is needed once to fetch the Kafka $KAFKA_VERSION jars"
  local extra=() tmp=$KAFKA_HOME/libs.tmp.$$
  read -r -a extra <<<"${KAFKA_MVN_ARGS:-}"
  log "fetching Kafka $KAFKA_VERSION jars with Maven into $LIBS_DIR"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # stdout -> stderr: `classpath` may fetch, and its stdout must stay just the classpath.
  # The sed strips the stray ANSI resets Debian's Maven 3.8 prints even with -B.
  if ! "$MVN" -B -q -Dstyle.color=never -f "$POM" ${extra[@]+"${extra[@]}"} \
      dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$tmp" -Dkafka.version="$KAFKA_VERSION" 2>&1 \
      | sed $'s/\x1b\\[[0-9;]*m//g' >&2; then
    rm -rf "$tmp"
    die "maven could not resolve the Kafka jars (see output above; MAVEN_OPTS / ~/.m2/settings.xml are honored)"
  fi
  [[ -f $tmp/kafka_2.13-$KAFKA_VERSION.jar ]] || { rm -rf "$tmp"; die "maven ran but kafka_2.13-$KAFKA_VERSION.jar is missing"; }
  # Swap the whole dir so an interrupted fetch never leaves a half-filled libs/.
  mkdir -p "$(dirname "$LIBS_DIR")"
  rm -rf "$LIBS_DIR"
  mv "$tmp" "$LIBS_DIR"
  echo "$KAFKA_VERSION $(cksum <"$POM" | awk '{print $1}')" >"$VERSION_MARKER"
  log "fetched $(find "$LIBS_DIR" -name '*.jar' | wc -l | tr -d ' ') jars"
}

write_config() {
  mkdir -p "$CONFIG_DIR" "$DATA_DIR" "$LOG_DIR"
  # Regenerated on every start so env overrides (ports) always take effect.
  cat >"$SERVER_PROPERTIES" <<EOF
# Generated by deploy/kafka.sh -- edits are overwritten on every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA_DIR
num.partitions=3
# Single node: every replicated internal topic must make do with one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
default.replication.factor=1
min.insync.replicas=1
# Tests create consumer groups constantly; the default 3 s join delay only slows them down.
group.initial.rebalance.delay.ms=0
# Topics (and their retention) are provisioned by the platform; typos must fail loudly.
auto.create.topics.enable=false
EOF
  # Tools log WARN+ to stderr instead of reload4j's "no appenders" noise or the broker's file.
  cat >"$TOOLS_LOG4J" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  # Keep each readiness probe bounded instead of the admin client's 60 s default.
  cat >"$PROBE_CONFIG" <<'EOF'
request.timeout.ms=5000
default.api.timeout.ms=5000
socket.connection.setup.timeout.ms=2000
socket.connection.setup.timeout.max.ms=2000
EOF
}

format_storage() {
  [[ -f $DATA_DIR/meta.properties ]] && return 0
  local cid
  if [[ ! -s $CLUSTER_ID_FILE ]]; then
    cid=$(run_tool kafka.tools.StorageTool random-uuid | tr -d '[:space:]')
    [[ $cid =~ ^[A-Za-z0-9_-]{22}$ ]] || die "StorageTool random-uuid returned '$cid'"
    echo "$cid" >"$CLUSTER_ID_FILE"
  fi
  cid=$(<"$CLUSTER_ID_FILE")
  log "formatting $DATA_DIR (cluster id $cid)"
  run_tool kafka.tools.StorageTool format -t "$cid" -c "$SERVER_PROPERTIES" >&2 \
    || die "StorageTool format failed"
}

# The listener accepts TCP before the broker has caught up with the metadata log,
# so only a real admin round-trip proves clients can use it.
broker_ready() {
  port_open "$KAFKA_PORT" || return 1
  run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_HOST:$KAFKA_PORT" \
    --command-config "$PROBE_CONFIG" --list >/dev/null 2>&1
}

dump_logs() {
  log "---- tail of $LOG_DIR/stdout.log ----"
  tail -n 30 "$LOG_DIR/stdout.log" >&2 2>/dev/null || true
  if [[ -f $LOG_DIR/server.log ]]; then
    log "---- last errors in $LOG_DIR/server.log (else its tail) ----"
    { grep -E '^\[[^]]*\] (ERROR|FATAL) ' "$LOG_DIR/server.log" || tail -n 15 "$LOG_DIR/server.log"; } \
      | tail -n 15 >&2 || true
  fi
}

wait_ready() {
  local pid=$1 started=$SECONDS
  local deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      log "broker (pid $pid) exited during startup"
      dump_logs
      exit 1
    fi
    if broker_ready; then
      log "ready: running (pid $pid) on $KAFKA_HOST:$KAFKA_PORT after $((SECONDS - started))s"
      return 0
    fi
    if (( SECONDS >= deadline )); then
      log "broker not ready after ${KAFKA_START_TIMEOUT}s (KAFKA_START_TIMEOUT); stopping it"
      dump_logs
      stop_pid "$pid"
      exit 1
    fi
    sleep 1
  done
}

stop_pid() {
  local pid=$1 started=$SECONDS
  # SIGTERM runs Kafka's shutdown hook: controlled shutdown + clean log close, so the
  # next start skips log recovery.
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS >= deadline )); then
      log "still running after ${KAFKA_STOP_TIMEOUT}s; sending SIGKILL (next start will run log recovery)"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_FILE"
  log "stopped (pid $pid, took $((SECONDS - started))s)"
}

cmd_start() {
  require_java
  acquire_lock
  local pid port
  if pid=$(broker_pid); then
    port=$(running_port)
    if [[ -n $port && $port != "$KAFKA_PORT" ]]; then
      die "a broker (pid $pid) is already running on $KAFKA_HOST:$port, not $KAFKA_PORT; run '$0 stop' first to change ports"
    fi
    if port_open "$KAFKA_PORT"; then
      log "already running (pid $pid) on $KAFKA_HOST:$KAFKA_PORT"
      return 0
    fi
    log "broker (pid $pid) is up but $KAFKA_HOST:$KAFKA_PORT is not answering yet; waiting"
    wait_ready "$pid"
    return 0
  fi
  rm -f "$PID_FILE"
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$p"; then
      die "port $p on $KAFKA_HOST is already in use by something that is not a broker started by this script$(port_owner "$p"). Stop it, or set KAFKA_PORT / KAFKA_CONTROLLER_PORT."
    fi
  done
  fetch

  write_config
  format_storage

  # Keep the previous run's output around for post-mortems.
  [[ -f $LOG_DIR/stdout.log ]] && mv -f "$LOG_DIR/stdout.log" "$LOG_DIR/stdout.log.1"
  local opts=()
  read -r -a opts <<<"${KAFKA_OPTS:-}"
  log "starting Kafka $KAFKA_VERSION (KRaft single node) on $KAFKA_HOST:$KAFKA_PORT, heap $KAFKA_HEAP"
  # All three std streams redirected: otherwise callers capturing our output (e.g.
  # child_process.execSync) would hang until the broker exits.
  nohup "$JAVA" -Xms"$(initial_heap)" -Xmx"$KAFKA_HEAP" \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$LOG4J_CONFIG" -Dkafka.logs.dir="$LOG_DIR" \
    ${opts[@]+"${opts[@]}"} \
    -cp "$CLASSPATH_GLOB" kafka.Kafka "$SERVER_PROPERTIES" \
    </dev/null >"$LOG_DIR/stdout.log" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_FILE"
  wait_ready "$pid"
}

cmd_stop() {
  acquire_lock
  local pid
  if ! pid=$(broker_pid); then
    rm -f "$PID_FILE"
    log "not running"
    if port_open "$KAFKA_PORT"; then
      log "note: $KAFKA_HOST:$KAFKA_PORT is in use by a process this script did not start$(port_owner "$KAFKA_PORT")"
    fi
    return 0
  fi
  log "stopping broker (pid $pid)"
  stop_pid "$pid"
}

cmd_status() {
  local pid port
  if pid=$(broker_pid); then
    port=$(running_port)
    port=${port:-$KAFKA_PORT}
    if port_open "$port"; then
      echo "running (pid $pid) on $KAFKA_HOST:$port"
      return 0
    fi
    echo "starting (pid $pid), $KAFKA_HOST:$port not answering yet"
    return 1
  fi
  echo "stopped"
  return 1
}

cmd_reset() {
  acquire_lock
  cmd_stop
  # The cluster id goes too: a reset broker is a brand-new cluster.
  rm -rf "$DATA_DIR" "$CLUSTER_ID_FILE"
  log "reset: removed $DATA_DIR and cluster id (jars kept in $LIBS_DIR)"
}

cmd_classpath() {
  # Fetch on demand so `java -cp "$(kafka.sh classpath)" ...` works on a fresh checkout.
  fetch
  printf '%s\n' "$CLASSPATH_GLOB"
}

cmd_logs() {
  cat <<EOF
$LOG_DIR
  server.log      broker log (INFO; request/state-change/controller loggers at WARN)
  log-cleaner.log log compaction
  stdout.log      JVM stdout/stderr: startup failures, crashes (stdout.log.1 = previous run)
For tools run via 'classpath': -Dlog4j.configuration=file:$TOOLS_LOG4J
EOF
}

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
}

case ${1:-} in
  fetch) require_java; fetch; log "Kafka $KAFKA_VERSION jars in $LIBS_DIR" ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  classpath) cmd_classpath ;;
  logs) cmd_logs ;;
  -h | --help | help) usage ;;
  *) usage; exit 2 ;;
esac
