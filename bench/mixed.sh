#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A mixed workload against one server for a fixed time, with its resident memory sampled (issue 6).
#
#   bench/mixed.sh [--engine sqlite|postgres] [--bin PATH] [--duration S] [--connections N]
#                  [--threads T] [--weights LIST] [--code-batch N] [--rss-warmup S] [--nice N]
#                  [--no-pin] [--pg-port P] [--out DIR]
#
# Starts the release binary (default build/bench/app/smart-sandbox, which bench/run.sh builds;
# this script builds nothing) on a free loopback port with a fresh database (a new SQLite file, or
# a throwaway cluster from scripts/postgres.sh with --engine postgres), registers a confidential
# client and a public PKCE client, mints the tokens it needs, and runs wrk with bench/wrk/mixed.lua
# for --duration seconds (default 60) at 16 connections and 2 threads. Every request is drawn at
# random by weight (--weights, default below) from:
#
#   discovery   GET  /.well-known/smart-configuration
#   register    POST /oauth/register
#   code        POST /oauth/token (authorization_code + PKCE; codes from bench/pool.py)
#   refresh     POST /oauth/token (refresh_token, rotated: each answer's new token goes back in)
#   introspect  POST /oauth/introspect (RFC 7662, client_secret_basic)
#   read        GET  /api/fhir/Patient/smart-1288992 (bearer token)
#   search      GET  /api/fhir/Observation?patient=smart-1288992&_count=10 (bearer token)
#
# Codes live 60 s, so they are made while wrk runs: bench/pool.py walks the portal (authorize,
# sign-in once, consent) as joseph-ross in batches of --code-batch codes (default 300), the first
# right before wrk starts and each next one as soon as wrk opens the previous one (mixed.lua leaves
# a marker), so that no code waits long. That portal traffic is extra load that wrk does not
# measure. When a wrk thread finds no code or no refresh token ready it sends another kind of
# request instead and counts the miss as "skipped".
#
# Every non-2xx answer and every socket error counts as an error. The server's VmRSS is read from
# /proc every second; the summary gives it after --rss-warmup seconds (default 10) of the run, at
# the end, and the growth between the two in %. --nice N runs the server, wrk and pool.py at
# niceness N, each in a session of its own (see bench/run.sh); on 2 CPUs or more the server runs
# on CPU 0 and wrk on CPU 1 unless --no-pin. PostgreSQL and pool.py are not pinned.
#
# Output: the summary on stdout and in DIR (default build/bench/results/mixed-<UTC time>-<engine>):
# summary.md, wrk.txt (with one MIXED line per kind), rss.txt ("seconds kB" lines), the logs.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
engine=sqlite
bin=$root/build/bench/app/smart-sandbox
duration=60
connections=16
threads=2
weights="discovery=15,register=5,code=5,refresh=10,introspect=20,read=25,search=20"
code_batch=300
rss_warmup=10
niceness=0
pin=1
pg_port=55498
out=""
command_line="bench/mixed.sh $*"

usage() {
    sed -n '5,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
    --engine) engine=${2:?}; shift 2 ;;
    --bin) bin=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --connections) connections=${2:?}; shift 2 ;;
    --threads) threads=${2:?}; shift 2 ;;
    --weights) weights=${2:?}; shift 2 ;;
    --code-batch) code_batch=${2:?}; shift 2 ;;
    --rss-warmup) rss_warmup=${2:?}; shift 2 ;;
    --nice) niceness=${2:?}; shift 2 ;;
    --no-pin) pin=0; shift ;;
    --pg-port) pg_port=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    -h | --help) usage ;;
    *) echo "mixed.sh: unknown option $1" >&2; usage ;;
    esac
done
case "$engine" in sqlite | postgres) ;; *) echo "mixed.sh: --engine must be sqlite or postgres" >&2; exit 2 ;; esac
for n in "$duration" "$connections" "$threads" "$code_batch" "$rss_warmup" "$pg_port"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "mixed.sh: '$n' is not a whole number" >&2; exit 2; }
done
[[ "$niceness" =~ ^-?[0-9]+$ ]] || { echo "mixed.sh: --nice takes a number from -20 to 19" >&2; exit 2; }
[ "$rss_warmup" -lt "$duration" ] || { echo "mixed.sh: --rss-warmup must be shorter than --duration" >&2; exit 2; }
for tool in wrk curl python3; do
    command -v "$tool" >/dev/null || { echo "mixed.sh: $tool is missing" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "mixed.sh: $bin is not built (bench/run.sh builds it, or give --bin)" >&2; exit 1; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
[ -n "$out" ] || out=$root/build/bench/results/mixed-$stamp-$engine
mkdir -p "$out"
work=$(mktemp -d /tmp/smart-mixed.XXXXXX)
pg_dir=""
server_pid=""
maker_pid=""
sampler_pid=""

server_prefix=()
wrk_prefix=()
client_prefix=()
cpus=$(nproc)
if [ "$pin" = 1 ] && [ "$cpus" -ge 2 ] && command -v taskset >/dev/null; then
    server_prefix=(taskset -c 0)
    wrk_prefix=(taskset -c 1)
    pinning="server on CPU 0, wrk on CPU 1 (taskset)"
else
    pinning="none"
fi
if [ "$niceness" != 0 ]; then
    # As in bench/run.sh: a session of its own, whose autogroup gets the niceness too.
    # shellcheck disable=SC2016
    reniced=(setsid sh -c 'echo "$0" >/proc/self/autogroup 2>/dev/null; exec nice -n "$0" "$@"' "$niceness")
    server_prefix=("${reniced[@]}" "${server_prefix[@]}")
    wrk_prefix=("${reniced[@]}" "${wrk_prefix[@]}")
    client_prefix=("${reniced[@]}")
    pinning="$pinning; server, wrk and pool.py at nice $niceness, each in its own session (autogroup)"
fi

stop_pid() {
    local pid=$1
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_pid "$maker_pid"
    [ ! -f "$work/codes/pool.pid" ] || stop_pid "$(cat "$work/codes/pool.pid")"
    stop_pid "$sampler_pid"
    stop_pid "$server_pid"
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

rss_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status" 2>/dev/null || echo "?"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
machine_ticks() { awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat; }
json_field() { grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d'"' -f4; }

# --- Server ------------------------------------------------------------------------------------
if [ "$engine" = postgres ]; then
    pg_dir=$(mktemp -d /tmp/smart-mixed-pg.XXXXXX)
    db=$(timeout 120 "$root/scripts/postgres.sh" start "$pg_dir" "$pg_port")
else
    db=$work/sandbox.sqlite
fi
echo "== starting $bin ($engine: $db)"
"${server_prefix[@]}" "$bin" --headless --port 0 --db "$db" >"$work/server.log" 2>"$work/server.err.log" &
server_pid=$!
port=""
for _ in $(seq 1 100); do
    port=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$work/server.log" 2>/dev/null | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
[ -n "$port" ] || { echo "mixed.sh: the server did not start" >&2; cat "$work"/server*.log >&2; exit 1; }
base=http://127.0.0.1:$port
curl -fsS --max-time 10 --retry 20 --retry-connrefused --retry-delay 0 -o /dev/null "$base/admin/status"
rss_start=$(rss_kb "$server_pid" VmRSS)

# --- Clients, tokens, pools ----------------------------------------------------------------------
register() {
    local answer
    answer=$(curl -sS --max-time 5 -X POST -H 'Content-Type: application/json' -d "$1" "$base/oauth/register")
    [ -n "$(printf '%s' "$answer" | json_field client_id)" ] || { echo "mixed.sh: registration failed: $answer" >&2; exit 1; }
    printf '%s' "$answer"
}
mint() { # CLIENT_ID [SCOPE]: an access token for daniel-adams / smart-1288992
    local answer
    answer=$(curl -sS --max-time 5 -X POST -H 'Content-Type: application/json' \
        -d "{\"client_id\":\"$1\",\"username\":\"daniel-adams\",\"patient_id\":\"smart-1288992\"${2:+,\"scope\":\"$2\"}}" \
        "$base/oauth/debug/token")
    [ -n "$(printf '%s' "$answer" | json_field access_token)" ] || { echo "mixed.sh: minting a token failed: $answer" >&2; exit 1; }
    printf '%s' "$answer" | json_field access_token
}
patient=smart-1288992
code_patient=smart-1081332 # joseph-ross's one patient, whose id the code exchanges answer with
redirect_uri=https://app.example.org/callback
app_scope="launch/patient openid fhirUser offline_access patient/*.read"
confidential=$(register '{"client_name":"mixed","redirect_uris":["https://app.example.org/callback"]}')
client_id=$(printf '%s' "$confidential" | json_field client_id)
client_basic=$(printf '%s:%s' "$client_id" "$(printf '%s' "$confidential" | json_field client_secret)" | base64 -w 0)
introspect_token=$(mint "$client_id")
public_id=$(register "{\"client_name\":\"mixed public\",\"redirect_uris\":[\"$redirect_uri\"],
    \"token_endpoint_auth_method\":\"none\",\"scope\":\"$app_scope\"}" | json_field client_id)
fhir_token=$(mint api-test "patient/*.read")
for path in "/api/fhir/Patient/$patient" "/api/fhir/Observation?patient=$patient&_count=10"; do
    status=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $fhir_token" "$base$path")
    [ "$status" = 200 ] || { echo "mixed.sh: GET $path answered $status (no sample data?)" >&2; exit 1; }
done
python3 "$root/bench/pool.py" refresh "$base" "$public_id" daniel-adams "$patient" $((4 * connections)) "$work/refresh"

mkdir -p "$work/codes"
# make_codes K: codes.K (written whole, then renamed, so that wrk never reads half a file).
make_codes() {
    "${client_prefix[@]}" python3 "$root/bench/pool.py" codes "$base" "$public_id" "$redirect_uri" "$app_scope" \
        joseph-ross "$code_batch" "$work/codes/tmp.$1" --max-seconds 20 2>>"$work/pool.log" &
    echo $! >"$work/codes/pool.pid"
    wait $! && mv "$work/codes/tmp.$1" "$work/codes/codes.$1"
}
# The next batch starts once wrk has opened the one before (mixed.lua creates opened.K).
code_maker() {
    local k=1
    while :; do
        while [ ! -e "$work/codes/opened.$((k - 1))" ]; do sleep 0.2; done
        make_codes "$k" || { echo "pool.py failed for batch $k" >>"$work/pool.log"; return 1; }
        k=$((k + 1))
    done
}
echo "== making the first code batch"
make_codes 0
rss_before=$(rss_kb "$server_pid" VmRSS)

# --- The run -------------------------------------------------------------------------------------
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== mixed workload: ${duration}s, $connections connections, $threads threads, weights $weights (load average $load_before)"
sampler() {
    local start=$SECONDS
    while kill -0 "$server_pid" 2>/dev/null; do
        echo "$((SECONDS - start)) $(rss_kb "$server_pid" VmRSS)"
        sleep 1
    done
}
code_maker &
maker_pid=$!
server_cpu_before=$(cpu_ticks "$server_pid")
read -r busy_before total_before < <(machine_ticks)
sampler >"$work/rss.txt" &
sampler_pid=$!
wrk_status=0
"${wrk_prefix[@]}" wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 10s --latency -s "$root/bench/wrk/mixed.lua" \
    "$base" -- "$work/codes" "$threads" "$public_id" "$redirect_uri" "$work/refresh" "$introspect_token" \
    "$client_basic" "$fhir_token" "$patient" "$code_patient" "$weights" >"$out/wrk.txt" 2>&1 || wrk_status=$?
read -r busy_after total_after < <(machine_ticks)
server_cpu_after=$(cpu_ticks "$server_pid")
rss_end=$(rss_kb "$server_pid" VmRSS)
rss_peak=$(rss_kb "$server_pid" VmHWM)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
stop_pid "$sampler_pid"
sampler_pid=""
stop_pid "$maker_pid"
maker_pid=""
stop_pid "$(cat "$work/codes/pool.pid")" # a batch still being made
kill -0 "$server_pid" 2>/dev/null || { echo "mixed.sh: the server died during the run" >&2; exit 1; }
[ "$wrk_status" = 0 ] || { echo "mixed.sh: wrk failed ($wrk_status):" >&2; cat "$out/wrk.txt" >&2; exit 1; }
cp "$work/rss.txt" "$out/rss.txt"
batches=$(find "$work/codes" -name 'codes.*' | wc -l)
codes_made=$(cat "$work"/codes/codes.* | wc -l)

# --- Summary -------------------------------------------------------------------------------------
line=$(grep '^BENCH endpoint=' "$out/wrk.txt")
get() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
rss_warm=$(awk -v w="$rss_warmup" '$1 >= w { print $2; exit }' "$work/rss.txt")
growth=$(awk -v a="$rss_warm" -v b="$rss_end" 'BEGIN { printf "%+.1f", 100 * (b - a) / a }')
clock_ticks=$(getconf CLK_TCK)
cpu_pct() { awk -v t="$1" -v s="$duration" -v hz="$clock_ticks" 'BEGIN { printf "%.0f", 100 * t / hz / s }'; }
server_pct=$(cpu_pct $((server_cpu_after - server_cpu_before)))
machine_pct=$(awk -v b=$((busy_after - busy_before)) -v t=$((total_after - total_before)) -v n="$cpus" \
    'BEGIN { printf "%.0f", 100 * b / (t / n) }')
errors=$(($(get non2xx) + $(get socket_errors)))
{
    echo "# Mixed workload, $engine"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); command: \`$command_line\`"
    echo "- binary: $bin (built $(date -u -r "$bin" '+%Y-%m-%d %H:%M UTC'))"
    echo "- machine: $cpus CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; load average $load_before before, $load_after after"
    echo "- pinning: $pinning; database: $engine"
    echo "- $duration s, $connections connections, $threads wrk threads, weights $weights"
    echo "- requests: $(get requests), $(get rps) req/s; latency p50 $(get p50_ms) ms, p90 $(get p90_ms), p99 $(get p99_ms), p99.9 $(get p999_ms), max $(get max_ms)"
    echo "- errors: $errors (non-2xx $(get non2xx), socket $(get socket_errors): connect $(get connect), read $(get read), write $(get write), timeout $(get timeout))"
    echo "- server CPU: ${server_pct}% of one CPU; whole machine busy ${machine_pct}% of one CPU (server, wrk, pool.py, PostgreSQL and everything else)"
    echo "- codes: $codes_made made by pool.py in $batches batches while wrk ran (pool.py: $(tr '\n' ';' <"$work/pool.log" | sed 's/pool.py: //g'))"
    echo "- RSS: $rss_start kB after start, $rss_before kB before the run, $rss_warm kB after ${rss_warmup} s, $rss_end kB at the end (growth $growth%), peak $rss_peak kB"
    echo
    echo "| kind | sent | 2xx | skipped (pool empty) |"
    echo "|---|---:|---:|---:|"
    grep '^MIXED kind=' "$out/wrk.txt" | grep -v unclassified | while read -r _ kind sent ok skipped; do
        printf '| %s | %s | %s | %s |\n' "${kind#kind=}" "${sent#sent=}" "${ok#ok_2xx=}" "${skipped#skipped=}"
    done
    echo
    echo "2xx answers that fit no kind: $(sed -n 's/^MIXED kind=unclassified-2xx ok_2xx=//p' "$out/wrk.txt")"
    if grep -q '^MIXED-ERROR' "$out/wrk.txt"; then
        echo
        echo "Errors by status:"
        echo
        grep '^MIXED-ERROR' "$out/wrk.txt" | sed 's/^MIXED-ERROR /- /'
    fi
    echo
    echo "BENCH-MIXED engine=$engine rps=$(get rps) p50_ms=$(get p50_ms) p99_ms=$(get p99_ms) p999_ms=$(get p999_ms) errors=$errors rss_warm_kb=$rss_warm rss_end_kb=$rss_end rss_growth_pct=$growth load=\"$load_before\""
} >"$out/summary.md"
cp "$work/pool.log" "$out/pool.log" 2>/dev/null || true
cat "$out/summary.md"
echo "== results in $out"
