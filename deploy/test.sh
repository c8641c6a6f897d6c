#!/usr/bin/env bash
# Runs every test tier on a fresh clone or a working copy: installs what is missing, builds
# (tsc type-checks), lints (module boundaries included), then unit tests, integration tests on
# a real Kafka broker and PostgreSQL, and end-to-end tests on the four running services.
# The tests use their own broker (127.0.0.1:19092) and *_test databases, so a running platform
# is left alone. Ends with one line: "N passed, N failed".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need npm "npm"
need java "Java 17 runs the Kafka broker"
need mvn "Maven fetches Kafka's jars from Maven Central"
mkdir -p "$LOG_DIR"
say "on Node.js $(node -v) ($(command -v node))"
# the reporting dashboard is checked in Debian's Chromium, driven by playwright-core (no browser download)
if ! command -v chromium >/dev/null 2>&1; then
  say "installing Chromium for the dashboard's browser test"
  if [[ $EUID -eq 0 ]]; then apt-get update -qq && apt-get install -y -qq chromium; else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi
fi
export NX_DAEMON=false NX_NO_CLOUD=true
export UMBRELLA_TEST_SUMMARY="$UMBRELLA_HOME/test-summary.txt"
: >"$UMBRELLA_TEST_SUMMARY"

test_kafka() { KAFKA_INSTANCE=test KAFKA_PORT=19092 KAFKA_CONTROLLER_PORT=19093 bash "$REPO_ROOT/deploy/kafka.sh" "$@"; }

ensure_node_modules
build_all
cd "$REPO_ROOT"

say "type-check the tests too (the build compiles the sources; a test that feeds an event a field its contract lacks must not compile)"
npx tsc -p tsconfig.spec.json

say "lint"
npx nx run-many -t lint --outputStyle=static

say "event catalogue (committed AsyncAPI document and schema lock)"
node libs/contracts/dist/catalogue/cli.js check

say "benchmark and chaos scripts (they run with npm run bench and npm run chaos, not here: figures and fault runs never come from tests)"
for script in bench/*.mjs bench/*/*.mjs; do node --check "$script"; done

say "unit tests"
status=0
npx nx run-many -t test --outputStyle=static --skip-nx-cache || status=1

docker_engine() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }
# With a Docker engine the tests take Kafka and PostgreSQL from Testcontainers; without one, from here.
if [[ -z "${TEST_KAFKA_BROKERS:-}" ]] && ! docker_engine; then
  if ! test_kafka status >/dev/null 2>&1; then
    # a broker of our own starts empty, so every run reads only its own events
    test_kafka reset >/dev/null
    test_kafka start
    trap 'test_kafka stop || true' EXIT
  fi
fi

say "integration tests (real Kafka and PostgreSQL)"
npx jest -c libs/testing/jest.int.config.js --runInBand --forceExit || status=1

say "end-to-end tests (the four services as processes)"
npx jest -c libs/testing/jest.e2e.config.js --runInBand --forceExit || status=1

read -r passed failed skipped < <(awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$UMBRELLA_TEST_SUMMARY")
if ((passed == 0)); then say "no test ran"; status=1; fi
if ((failed > 0)); then status=1; fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
