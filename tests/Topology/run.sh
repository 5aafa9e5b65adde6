#!/usr/bin/env bash
# The topology test (docs/testing.md#topology): two CleanUser instances behind nginx, over one PostgreSQL 15
# database, one Redis and one s3rver bucket, all real processes on loopback (tests/Topology/*.cs).
#   CLEANUSER_TEST_POSTGRES='Host=127.0.0.1;Username=…;Password=…' tests/Topology/run.sh
# CLEANUSER_TEST_POSTGRES names a PostgreSQL server whose role may create databases (.ci/run sets it). nginx and
# redis-server are installed with apt, s3rver with npm ci, when missing; when something cannot be had the test
# fails, it is never skipped. Ends with one line: N passed, N failed.
set -uo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "$1" >&2; echo "0 passed, 1 failed"; exit 1; }

missing=()
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing+=(nginx)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== installing ${missing[*]} for the topology test"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null 2>&1 \
    || fail "could not install ${missing[*]} (apt-get)"
fi
if [ ! -f tests/s3rver/node_modules/s3rver/package.json ]; then
  (cd tests/s3rver && npm ci --no-audit --no-fund) || fail "could not install s3rver (npm ci in tests/s3rver)"
fi
[ -n "${CLEANUSER_TEST_POSTGRES:-}" ] || fail "CLEANUSER_TEST_POSTGRES is not set: it names the PostgreSQL 15 server to use"

# The tests stop every process they start by its PID. In case they cannot (the test host dies), they run in a process
# group of their own, which is killed on the way out.
log="$(mktemp)"
setsid dotnet test tests/Topology --logger "console;verbosity=detailed" > >(tee "$log") 2>&1 &
group=$!
trap 'kill -9 -- "-$group" 2>/dev/null; rm -f "$log"' EXIT
wait "$group"
status=$?

# dotnet test's summary at this verbosity: "Total tests: 6", "     Passed: 5", "     Failed: 1".
count() { grep -E "^ +$1: [0-9]+\s*$" "$log" | tail -1 | grep -oE '[0-9]+'; }
passed=$(count Passed)
failed=$(count Failed)
passed=${passed:-0}
failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the build or the runner failed before reporting tests
fi
echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
