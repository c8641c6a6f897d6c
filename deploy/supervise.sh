#!/usr/bin/env bash
# Keeps one process of the platform running on the native path, as systemd (Restart=always) or
# Kubernetes would: starts it and, whenever it exits without having been asked to, starts it again
# after a backoff — 1 s, 2 s, 4 s … up to SUPERVISOR_BACKOFF_MAX_S (30 s), back to 1 s once it has
# run SUPERVISOR_STABLE_S (60 s). A configuration error (exit 78, EX_CONFIG) is not retried: a
# restart cannot fix it. Each exit and restart is logged to the process's log and to this script's
# standard output (deploy/up.sh sends that to supervisor.log).
#
# SIGTERM (deploy/down.sh) stops it for good: the process gets SIGTERM and drains, then the
# supervisor exits without restarting it.
#
# usage: deploy/supervise.sh <name> <log file> <command...>
# Writes $RUN_DIR/<name>.supervisor.pid (itself) and $RUN_DIR/<name>.pid (the process), and holds
# $RUN_DIR/<name>.supervisor.lock while it runs, so a second supervisor of the same name exits at once.
set -uo pipefail

name="$1" log_file="$2"
shift 2
(($# > 0)) || { echo "usage: $0 <name> <log file> <command...>" >&2; exit 2; }
RUN_DIR="${RUN_DIR:?RUN_DIR must name the directory for pid files}"
max_delay="${SUPERVISOR_BACKOFF_MAX_S:-30}"
stable_after="${SUPERVISOR_STABLE_S:-60}"
for v in max_delay stable_after; do [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "$v must be a positive whole number of seconds" >&2; exit 2; }; done

mkdir -p "$RUN_DIR" "$(dirname "$log_file")"
pid_file="$RUN_DIR/$name.pid"
supervisor_pid_file="$RUN_DIR/$name.supervisor.pid"

note() {
  local line
  line="[supervisor] $(date -u +%Y-%m-%dT%H:%M:%SZ) $name: $*"
  printf '%s\n' "$line"
  printf '%s\n' "$line" >>"$log_file"
}

exec 9>"$RUN_DIR/$name.supervisor.lock"
if ! flock -n 9; then
  echo "[supervisor] $name is already supervised (pid $(cat "$supervisor_pid_file" 2>/dev/null || echo '?')); not starting another" >&2
  exit 0
fi
echo $$ >"$supervisor_pid_file"

stopping=0
child=0
on_stop() {
  stopping=1
  if ((child > 0)); then kill -TERM "$child" 2>/dev/null || true; fi
}
trap on_stop TERM INT

describe_exit() {
  if (($1 > 128)); then echo "killed by SIG$(kill -l $(($1 - 128)) 2>/dev/null || echo "$(($1 - 128))")"; else echo "exit code $1"; fi
}

delay=1
restarts=0
exit_status=0
while ((!stopping)); do
  started=$SECONDS
  # fd 9 (the lock) stays with the supervisor: a process it started must never keep the lock.
  "$@" >>"$log_file" 2>&1 9>&- &
  child=$!
  echo "$child" >"$pid_file"
  if ((stopping)); then kill -TERM "$child" 2>/dev/null || true; fi
  # `wait` returns early when a signal arrives; keep waiting until the process has really exited.
  while kill -0 "$child" 2>/dev/null; do wait "$child" 2>/dev/null; done
  wait "$child" 2>/dev/null
  status=$?
  child=0
  ran=$((SECONDS - started))
  if ((stopping)); then
    note "stopped ($(describe_exit "$status")) after ${ran} s"
    break
  fi
  if ((status == 78)); then
    note "exited with a configuration error (exit code 78) after ${ran} s; not restarting: fix the configuration, then run npm run up"
    exit_status=78
    break
  fi
  ((ran >= stable_after)) && delay=1
  restarts=$((restarts + 1))
  note "exited unexpectedly ($(describe_exit "$status")) after ${ran} s; restart $restarts in ${delay} s"
  sleep "$delay" &
  sleeper=$!
  wait "$sleeper" 2>/dev/null
  if ((stopping)); then
    kill "$sleeper" 2>/dev/null
    note "stopped before restarting"
    break
  fi
  note "restarting (restart $restarts)"
  delay=$((delay * 2 > max_delay ? max_delay : delay * 2))
done
rm -f "$pid_file" "$supervisor_pid_file"
exit "$exit_status"
