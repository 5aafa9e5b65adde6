#!/usr/bin/env bash
# Memory under a hostile barrage (docs/benchmarks.md#memory-under-a-hostile-barrage): builds Release, starts the
# service as `dotnet run` does (Development, a data folder of its own, rate limits off), sends a seeded barrage of
# hostile requests (benchmarks/barrage/barrage.py) and prints the serving process's RSS before, during, right after,
# and every 10 s of a minute of idling, with the answers by status. Exit code 1 when any answer was a 5xx (but 505).
#
#   benchmarks/barrage.sh                                   # COUNT=10000 CONCURRENCY=16 SEED=1 IDLE=60
#   DOTNET_GCConserveMemory=5 benchmarks/barrage.sh         # a GC setting to try (DOTNET_ values are hexadecimal)
#   NO_BUILD=1 benchmarks/barrage.sh                        # the Release build as it is (runs of several settings)
#
# Needs the .NET SDK and python3 (standard library only). Writes only into a temporary folder and the checkout's
# Release build; every request goes to 127.0.0.1.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
count=${COUNT:-10000}; concurrency=${CONCURRENCY:-16}; seed=${SEED:-1}; idle=${IDLE:-60}; port=${PORT:-5207}
work=$(mktemp -d -t cleanuser-barrage.XXXXXX)
key="barrage-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
run_pid=""
cleanup() {
  # `dotnet run` does not pass a TERM on to the service it started: stop the service itself, then the launcher.
  if [ -n "$run_pid" ]; then
    pkill -TERM -P "$run_pid" 2>/dev/null || true
    kill "$run_pid" 2>/dev/null || true
    wait "$run_pid" 2>/dev/null || true
  fi
  if [ -n "${KEEP:-}" ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

if [ -z "${NO_BUILD:-}" ]; then
  (cd "$repo" && dotnet build -c Release -nologo -v q src/WebApi > "$work/build.log") || { tail -20 "$work/build.log"; exit 1; }
fi

(cd "$repo" && exec env ASPNETCORE_ENVIRONMENT=Development Auth__SigningKey="$key" \
  ConnectionStrings__Default="Data Source=$work/barrage.db" Media__Root="$work/media" \
  RateLimiting__WritesPerMinute=0 RateLimiting__AnonymousPerMinute=0 RateLimiting__FailedAuthenticationsPerMinute=0 \
  Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Error \
  dotnet run --project src/WebApi -c Release --no-build --no-launch-profile --urls "http://127.0.0.1:$port" \
  > "$work/app.log" 2>&1) &
run_pid=$!
for _ in $(seq 1 90); do curl -s -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 1; done
curl -s -o /dev/null "http://127.0.0.1:$port/health/ready" || { tail -20 "$work/app.log"; exit 1; }

echo "commit $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD || echo ' (with uncommitted changes)'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "GC settings: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runtimeOptions"].get("configProperties", {}))' \
  "$repo/src/WebApi/bin/Release/net10.0/CleanUser.WebApi.runtimeconfig.json") $(env | grep -E '^(DOTNET|COMPlus)_GC|^MALLOC_' | tr '\n' ' ')"
python3 "$repo/benchmarks/barrage/barrage.py" --port "$port" --key "$key" --count "$count" \
  --concurrency "$concurrency" --seed "$seed" --idle "$idle"
