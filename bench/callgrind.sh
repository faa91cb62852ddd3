#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Counts the instructions the server spends per request on each bench endpoint (valgrind's
# callgrind, user space, every thread of the server summed). Unlike req/s, the count does not
# depend on what else the machine is doing, so it can be compared across builds on a busy host.
#
#   bench/callgrind.sh [--bin PATH] [--engine sqlite|postgres] [--duration S] [--connections N]
#                      [--pg-port P] [--out DIR]
#
# Starts PATH (default build/bench/app/smart-sandbox; build it first, e.g. with bench/run.sh) under
# callgrind with a fresh database, registers a client and mints a token with curl, then for each
# endpoint (GET /, POST /oauth/register, POST /oauth/debug/token, GET /oauth/debug/introspect):
# zeroes the counters, runs wrk (1 thread, --connections, default 4) for --duration seconds
# (default 10), waits 3 s so that the request log reaches the database, and dumps. Prints one
# "CALLGRIND endpoint=E requests=N instructions=I per_request=P" line per endpoint; the dumps
# (for callgrind_annotate) stay in DIR (default build/bench/callgrind/<UTC time>-<engine>).
#
# The request log's batches are smaller under callgrind (the server answers ~50 times slower,
# and batches are cut by time), so its share per request is a little higher than at full speed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$root/build/bench/app/smart-sandbox
engine=sqlite
duration=10
connections=4
pg_port=55498
out=""

while [ $# -gt 0 ]; do
    case "$1" in
    --bin) bin=${2:?}; shift 2 ;;
    --engine) engine=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --connections) connections=${2:?}; shift 2 ;;
    --pg-port) pg_port=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    -h | --help) sed -n '7,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    *) echo "callgrind.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
case "$engine" in sqlite | postgres) ;; *) echo "callgrind.sh: --engine must be sqlite or postgres" >&2; exit 2 ;; esac
for tool in valgrind callgrind_control wrk curl; do
    command -v "$tool" >/dev/null || { echo "callgrind.sh: $tool is missing" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "callgrind.sh: $bin is not built" >&2; exit 1; }

[ -n "$out" ] || out=$root/build/bench/callgrind/$(date -u +%Y%m%dT%H%M%SZ)-$engine
mkdir -p "$out"
work=$(mktemp -d /tmp/smart-callgrind.XXXXXX)
server_pid=""
pg_dir=""

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ -n "$pg_dir" ]; then
        timeout 60 "$root/scripts/postgres.sh" stop "$pg_dir" || true
        rm -rf "$pg_dir" "$pg_dir.initdb.log"
    fi
    cp -f "$work"/*.log "$out"/ 2>/dev/null || true
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$engine" = postgres ]; then
    pg_dir=$(mktemp -d /tmp/smart-callgrind-pg.XXXXXX)
    db=$(timeout 120 "$root/scripts/postgres.sh" start "$pg_dir" "$pg_port")
else
    db=$work/sandbox.sqlite
fi

valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" --dump-instr=no \
    "$bin" --headless --port 0 --db "$db" >"$work/server.log" 2>"$work/valgrind.log" &
server_pid=$!
port=""
for _ in $(seq 1 600); do
    port=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$work/server.log" 2>/dev/null | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
done
[ -n "$port" ] || { echo "callgrind.sh: the server did not start" >&2; cat "$work"/*.log >&2; exit 1; }
base=http://127.0.0.1:$port
json_field() { grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d'"' -f4; }

registered=$(curl -fsS --max-time 30 -X POST -H 'Content-Type: application/json' \
    -d '{"client_name":"bench","redirect_uris":["https://app.example.org/callback"]}' "$base/oauth/register")
client_id=$(printf '%s' "$registered" | json_field client_id)
[ -n "$client_id" ] || { echo "callgrind.sh: registration failed: $registered" >&2; exit 1; }
minted=$(curl -fsS --max-time 30 -X POST -H 'Content-Type: application/json' \
    -d "{\"client_id\":\"$client_id\",\"username\":\"daniel-adams\",\"patient_id\":\"smart-1288992\"}" \
    "$base/oauth/debug/token")
access_token=$(printf '%s' "$minted" | json_field access_token)
[ -n "$access_token" ] || { echo "callgrind.sh: minting a token failed: $minted" >&2; exit 1; }

# measure NAME SCRIPT [ARGS...]
measure() {
    local name=$1 script=$2
    shift 2
    local extra=()
    [ $# -gt 0 ] && extra=(-- "$@")
    # A short warm-up fills the statement caches, then the counters start from zero.
    wrk -t1 -c"$connections" -d2s --timeout 10s -s "$script" "$base" "${extra[@]}" >/dev/null 2>&1
    sleep 3
    callgrind_control -z "$server_pid" >/dev/null 2>&1
    wrk -t1 -c"$connections" -d"${duration}s" --timeout 10s -s "$script" "$base" "${extra[@]}" \
        >"$out/$name.wrk.txt" 2>&1
    sleep 3
    callgrind_control -d "$name" "$server_pid" >/dev/null 2>&1
    local requests dump instructions
    requests=$(sed -n 's/^BENCH .* requests=\([0-9]*\) .*/\1/p' "$out/$name.wrk.txt")
    dump=$(grep -l "^desc: Trigger: .*dump $name$" "$out"/callgrind.out.* | tail -n 1)
    instructions=$(sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$dump" | head -n 1)
    echo "CALLGRIND endpoint=$name requests=$requests instructions=$instructions" \
        "per_request=$((instructions / requests)) dump=$(basename "$dump")" | tee -a "$out/summary.txt"
}

measure baseline "$root/bench/wrk/baseline.lua"
measure register "$root/bench/wrk/register.lua"
measure debug-token "$root/bench/wrk/debug_token.lua" "$client_id"
measure introspect "$root/bench/wrk/introspect.lua" "$access_token"
echo "== dumps in $out (callgrind_annotate $out/callgrind.out.N)"
