#!/usr/bin/env bash
# Load on the project itself, on SQLite and on PostgreSQL 15 side by side (docs/benchmarks.md):
#   get    authenticated GET /api/v2/user/{id}/, the owner's token, users spread over USERS
#   patch  JSON PATCH of bio + location, a new value every request, users spread over USERS
#   hot    the same PATCH, every connection on ONE user: all must succeed (no 409 from lost races, no 5xx)
#
#   benchmarks/load.sh                       # both databases, USERS=1000, 10 s, 32 connections
#   PROVIDERS=postgres SECS=20 benchmarks/load.sh
#
# Needs wrk (installed from Debian when missing) and, for PostgreSQL, the machine's cluster 15/main (started here if
# it is down, and stopped again at the end). Writes only into a temporary folder, a database and a role it creates
# and drops, and the checkout's Release build. Every request loop is bounded by SECS and targets 127.0.0.1 only.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
users=${USERS:-1000}; secs=${SECS:-10}; conns=${CONNS:-32}; providers=${PROVIDERS:-sqlite postgres}
work=$(mktemp -d -t cleanuser-load.XXXXXX)
key="load-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
app_pid=""; pg_started=0; pg_port=""; db="cleanuser_load_$$"; role="cleanuser_load"
as_postgres() { (cd / && runuser -u postgres -- "$@"); }
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
  if [ -n "$pg_port" ]; then
    as_postgres psql -q -p "$pg_port" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true
  fi
  [ "$pg_started" -eq 1 ] && pg_ctlcluster 15 main stop || true
  if [ -n "${KEEP:-}" ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
(cd "$repo" && dotnet build -c Release -nologo -v q src/WebApi > "$work/build.log") || { tail -20 "$work/build.log"; exit 1; }

# wrk scripts: HS256 tokens signed with the run's key (standard library only), one per user id.
write_scripts() { # $1: comma-separated ids
  python3 - "$key" "$1" "$work" <<'PY'
import base64, hashlib, hmac, json, sys, time
key, ids, work = sys.argv[1].encode(), [int(i) for i in sys.argv[2].split(",")], sys.argv[3]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
def token(uid):
    now = int(time.time())
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps({"token_type": "access", "user_id": uid, "jti": f"load-{uid}", "iat": now, "exp": now + 6 * 3600}).encode())
    sig = b64(hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest())
    return f"{head}.{body}.{sig}"
done = '''done = function(summary, latency, requests)
  io.write(string.format("rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx_or_errors=%d requests=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
    summary.requests))
end'''
patch = 'local body = \'{"bio":"load \' .. counter .. \'","location":"loc \' .. (counter % 97) .. \'"}\'\n  return wrk.format("PATCH", "/api/v2/user/" .. i .. "/", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. toks[k]}, body)'
get = 'return wrk.format("GET", "/api/v2/user/" .. i .. "/", {["Authorization"] = "Bearer " .. toks[k]})'
for name, chosen, request in (("get", ids, get), ("patch", ids, patch), ("hot", ids[:1], patch)):
    with open(f"{work}/{name}.lua", "w") as lua:
        lua.write(f"local ids = {{{','.join(map(str, chosen))}}}\nlocal toks = {{{','.join(repr(token(i)) for i in chosen)}}}\n")
        lua.write("local n = #toks\nlocal counter = 0\nrequest = function()\n  counter = counter + 1\n"
                  "  local k = (counter * 7919) % n + 1\n  local i = ids[k]\n  " + request + "\nend\n" + done + "\n")
PY
}

# Rate limits off: the hot scenario sends every write to one user, far past RateLimiting:WriteBurst on purpose —
# it measures the write path under contention, not the limiter (docs/api.md#rate-limits).
start_app() { # env assignments for the provider
  (cd "$repo" && exec env ASPNETCORE_ENVIRONMENT=Development Auth__SigningKey="$key" Media__Root="$work/media" \
    RateLimiting__WritesPerMinute=0 RateLimiting__AnonymousPerMinute=0 RateLimiting__FailedAuthenticationsPerMinute=0 \
    Logging__LogLevel__Default=Warning "$@" dotnet src/WebApi/bin/Release/net10.0/CleanUser.WebApi.dll \
    --urls http://127.0.0.1:5205 >> "$work/app.log" 2>&1) &
  app_pid=$!
  for _ in $(seq 1 60); do curl -s -o /dev/null http://127.0.0.1:5205/health/ready && return 0; sleep 1; done
  tail -20 "$work/app.log"; exit 1
}
stop_app() { kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""; }

# Ids to load: at most 1000 callers spread over all users; demo user 4 is blocked by design, so it is left out.
pick_ids() { python3 -c "import sys; ids=[int(x) for x in sys.stdin.read().split() if int(x)!=4]; n=min(len(ids),1000); print(','.join(str(ids[k*len(ids)//n]) for k in range(n)))"; }

# The service's CPU time so far (user + system, in clock ticks of 1/100 s), from /proc.
server_ticks() { awk '{ print $14 + $15 }' "/proc/$app_pid/stat"; }

run_scenarios() { # $1: provider label
  wrk -t2 -c"$conns" -d4s -s "$work/get.lua" http://127.0.0.1:5205 >/dev/null   # warm-up, not recorded
  wrk -t2 -c"$conns" -d4s -s "$work/patch.lua" http://127.0.0.1:5205 >/dev/null
  for s in get patch hot; do
    before=$(server_ticks)
    line=$(wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s -s "$work/$s.lua" http://127.0.0.1:5205 | grep '^rps=')
    # The service's CPU per request (background work of the same seconds included): what a change of code costs,
    # less dependent than req/s on how wrk and the server share the cores.
    echo "$1 $s $line server_cpu_us_per_request=$(( ($(server_ticks) - before) * 10000 / ${line##*requests=} ))"
  done
}

echo "users=$users secs=$secs conns=$conns cores=$(nproc)"
for provider in $providers; do
  case $provider in
    sqlite)
      start_app ConnectionStrings__Default="Data Source=$work/load.db"; stop_app
      python3 - "$work/load.db" "$users" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); users = int(sys.argv[2])
cols = [r[1] for r in db.execute('PRAGMA table_info("Users")') if r[1] != "Id"]
values = ",".join(f"'user' || g.v" if "username" in c.lower() else f'"{c}"' for c in cols)
quoted = ",".join(f'"{c}"' for c in cols)
with db:
    db.execute(f'''WITH RECURSIVE g(v) AS (SELECT (SELECT MAX("Id") FROM "Users") + 1 UNION ALL SELECT v + 1 FROM g WHERE v < ?)
                   INSERT INTO "Users" ({quoted}) SELECT {values} FROM "Users", g WHERE "Id" = 3''', (users,))
PY
      write_scripts "$(python3 -c "import sqlite3,sys; print('\n'.join(str(r[0]) for r in sqlite3.connect(sys.argv[1]).execute('SELECT Id FROM Users ORDER BY Id')))" "$work/load.db" | pick_ids)"
      start_app ConnectionStrings__Default="Data Source=$work/load.db"
      run_scenarios sqlite; stop_app ;;
    postgres)
      if ! pg_ctlcluster 15 main status >/dev/null 2>&1; then pg_ctlcluster 15 main start; pg_started=1; fi
      pg_port=$(pg_lsclusters -h | awk '$1 == "15" && $2 == "main" { print $3 }')
      password="load-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
      as_postgres psql -q -v ON_ERROR_STOP=1 -p "$pg_port" -d postgres \
        -c "DROP ROLE IF EXISTS $role" -c "CREATE ROLE $role LOGIN PASSWORD '$password'" -c "CREATE DATABASE $db OWNER $role" >/dev/null
      conn="Host=127.0.0.1;Port=$pg_port;Database=$db;Username=$role;Password=$password"
      start_app Database__Provider=Postgres ConnectionStrings__Default="$conn"
      cols=$(as_postgres psql -tAq -p "$pg_port" -d "$db" -c "SELECT string_agg(format('%I', column_name), ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'Users' AND column_name <> 'Id'")
      values=$(sed -E "s/\"[A-Za-z]*[Uu]sername[A-Za-z]*\"/'user' || g/g" <<<"$cols")  # every column of a name
      as_postgres psql -q -v ON_ERROR_STOP=1 -p "$pg_port" -d "$db" \
        -c "INSERT INTO \"Users\" ($cols) SELECT $values FROM \"Users\", generate_series((SELECT max(\"Id\") + 1 FROM \"Users\"), $users) AS g WHERE \"Id\" = 3" >/dev/null
      write_scripts "$(as_postgres psql -tAq -p "$pg_port" -d "$db" -c 'SELECT "Id" FROM "Users" ORDER BY "Id"' | pick_ids)"
      run_scenarios postgres; stop_app ;;
    *) echo "unknown provider $provider"; exit 1 ;;
  esac
done
