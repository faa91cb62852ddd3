#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Measures the throughput and latency of the portal endpoints on loopback with wrk.
#
#   bench/run.sh [--engine sqlite|postgres] [--duration S] [--connections N] [--threads T]
#                [--warmup S] [--wait-quiet S] [--nice N] [--from-head] [--no-build] [--pin]
#                [--no-trivial] [--only NAMES] [--code-seconds S] [--code-pool N] [--pg-port P]
#                [--out DIR]
#
# Builds a release binary into build/bench (unless --no-build; with --from-head it builds a
# snapshot of the committed HEAD into build/bench-head instead of the working tree, which others
# may be editing), starts it on a free loopback port with a fresh database, registers the clients
# and mints the tokens it needs with curl, then runs wrk (bench/wrk/*.lua) against these rows:
#
#   baseline                  GET /
#   register                  POST /oauth/register (a new confidential client each time)
#   debug-token               POST /oauth/debug/token
#   introspect                GET /oauth/debug/introspect?token=T
#   token-code                POST /oauth/token, authorization_code with PKCE, public client
#   token-refresh             POST /oauth/token, refresh_token with rotation, public client
#   token-client-credentials  POST /oauth/token, client_credentials with client_secret_basic
#   introspect-rfc7662        POST /oauth/introspect, client_secret_basic
#   fhir-read, open-fhir-read GET /api/fhir/Patient/smart-1288992 (bearer token), the same
#                             under /api/open-fhir/ (no token)
#   fhir-search-20, open-fhir-search-20
#                             GET .../Observation?patient=smart-1288992&_count=20
#   fhir-everything, open-fhir-everything
#                             GET .../Patient/smart-1288992/$everything
#
# Unless --no-trivial, it also measures a trivial QHttpServer (bench/trivial) as the ceiling
# (row "trivial"). --only NAMES (comma-separated row names) runs just those rows. Each row gets a
# short warm-up, then a measured run. The scheduler places the server's two threads and wrk on
# the machine's CPUs, as the targets ("on a 2-core machine") mean; with --pin (two or more CPUs)
# the server runs on CPU 0 only and wrk on CPU 1 (taskset), a stricter setting in which the
# request log's thread takes its CPU time from the answering one. --no-pin is the default and
# still accepted. PostgreSQL, when used, is not pinned.
#
# Single-use credentials come from pools that bench/pool.py (python3) makes right before each
# warm-up and each measured run. token-code needs one authorization code per request, and codes
# expire 60 s after they are issued, so that row is measured for only --code-seconds (1 to 40,
# default 5, at most --duration; its warm-up at most as long) with a pool of --code-pool codes
# (default 2000 per second of run). Making the pool stops early after 50 s minus the phase's
# length, so that no code expires before its turn; a wrk thread whose pool runs out stops, and
# the summary says so (req/s is then understated). The codes come from walking the portal
# (authorize, sign-in once, consent) as joseph-ross, who acts for one patient. token-refresh
# seeds each phase with 2 refresh tokens per connection (minted with /oauth/debug/token) and keeps
# them going: every answer's new refresh token goes back in. The FHIR rows first check that their
# request answers 200 (and that the search holds 20 matches) and say so in the notes if not.
# --wait-quiet S waits up to S seconds before each measured run until the rest of the machine
# uses less than 15% of one CPU (other builds and tests disturb the numbers badly on 2 CPUs);
# --nice N (negative needs root) runs the server and wrk at that niceness, so that other work
# on the machine takes less of their CPUs (default 0).
#
# Results: one "BENCH ..." line per row on stdout, and in DIR (default
# build/bench/results/<UTC time>-<engine>): summary.md, the raw wrk output and the server logs.
# The target column has targets for register, debug-token and introspect only.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
engine=sqlite
duration=20
connections=16
threads=2
warmup=3
wait_quiet=0
niceness=0
from_head=0
build=1
pin=0
trivial=1
pg_port=55499
out=""
only=""
code_seconds=5
code_pool=""
code_pool_made=""
command_line="bench/run.sh $*"

usage() {
    sed -n '5,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    --engine) engine=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --connections) connections=${2:?}; shift 2 ;;
    --threads) threads=${2:?}; shift 2 ;;
    --warmup) warmup=${2:?}; shift 2 ;;
    --wait-quiet) wait_quiet=${2:?}; shift 2 ;;
    --nice) niceness=${2:?}; shift 2 ;;
    --pg-port) pg_port=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --only) only=${2:?}; shift 2 ;;
    --code-seconds) code_seconds=${2:?}; shift 2 ;;
    --code-pool) code_pool=${2:?}; shift 2 ;;
    --no-build) build=0; shift ;;
    --from-head) from_head=1; shift ;;
    --no-pin) pin=0; shift ;;
    --pin) pin=1; shift ;;
    --no-trivial) trivial=0; shift ;;
    -h | --help) usage ;;
    *) echo "run.sh: unknown option $1" >&2; usage ;;
    esac
done
case "$engine" in sqlite | postgres) ;; *) echo "run.sh: --engine must be sqlite or postgres" >&2; exit 2 ;; esac
for n in "$duration" "$connections" "$threads" "$warmup" "$wait_quiet" "$pg_port" "$code_seconds" ${code_pool:+"$code_pool"}; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "run.sh: '$n' is not a whole number" >&2; exit 2; }
done
[[ "$niceness" =~ ^-?[0-9]+$ ]] || { echo "run.sh: --nice takes a number from -20 to 19" >&2; exit 2; }

all_rows=(trivial baseline register debug-token introspect token-code token-refresh token-client-credentials
    introspect-rfc7662 fhir-read open-fhir-read fhir-search-20 open-fhir-search-20 fhir-everything
    open-fhir-everything)
only_rows=()
if [ -n "$only" ]; then
    IFS=, read -r -a only_rows <<<"$only"
    for name in "${only_rows[@]}"; do
        [[ " ${all_rows[*]} " == *" $name "* ]] \
            || { echo "run.sh: --only: no row '$name' (rows: ${all_rows[*]})" >&2; exit 2; }
    done
fi
# wanted NAME...: whether any of the rows is to run (every row without --only).
wanted() {
    [ ${#only_rows[@]} -eq 0 ] && return 0
    local name
    for name in "$@"; do
        [[ " ${only_rows[*]} " == *" $name "* ]] && return 0
    done
    return 1
}
wanted trivial || trivial=0
# token-code runs for --code-seconds (at most --duration), its warm-up at most as long.
if [ "$code_seconds" -lt 1 ] || [ "$code_seconds" -gt 40 ]; then
    echo "run.sh: --code-seconds takes 1 to 40 (codes expire 60 s after they are made)" >&2
    exit 2
fi
[ "$code_seconds" -le "$duration" ] || code_seconds=$duration
code_warmup=$((warmup < code_seconds ? warmup : code_seconds))
[ -n "$code_pool" ] || code_pool=$((2000 * code_seconds))

tools=(wrk curl cmake ninja)
wanted token-code token-refresh && tools+=(python3)
for tool in "${tools[@]}"; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (apt-get install -y $tool)" >&2; exit 1; }
done

source_dir=$root
build_dir=$root/build/bench
source_note="working tree"
if [ "$from_head" = 1 ]; then
    source_dir=$root/build/bench-head-src
    build_dir=$root/build/bench-head
    source_note="snapshot of HEAD $(git -C "$root" rev-parse --short HEAD)"
    [ "$build" = 1 ] || source_note=$(cat "$build_dir/bench-source.txt" 2>/dev/null || echo "snapshot of HEAD")
fi
trivial_dir=$root/build/bench-trivial
bin=$build_dir/app/smart-sandbox
trivial_bin=$trivial_dir/trivial-httpserver

if [ "$build" = 1 ]; then
    if [ "$from_head" = 1 ]; then
        rm -rf "$source_dir"
        mkdir -p "$source_dir"
        git -C "$root" archive HEAD | tar -x -C "$source_dir"
    fi
    echo "== building (Release) $source_note into $build_dir"
    mkdir -p "$build_dir"
    echo "$source_note" >"$build_dir/bench-source.txt"
    cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSANDBOX_BUILD_TESTS=OFF >/dev/null
    ninja -C "$build_dir" smart-sandbox >/dev/null
    if [ "$trivial" = 1 ]; then
        cmake -S "$root/bench/trivial" -B "$trivial_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
        ninja -C "$trivial_dir" >/dev/null
    fi
fi
[ -x "$bin" ] || { echo "run.sh: $bin is not built (drop --no-build)" >&2; exit 1; }
if [ "$trivial" = 1 ] && [ ! -x "$trivial_bin" ]; then
    echo "run.sh: $trivial_bin is not built; skipping the trivial ceiling" >&2
    trivial=0
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
[ -n "$out" ] || out=$build_dir/results/$stamp-$engine
mkdir -p "$out"
work=$(mktemp -d /tmp/smart-bench.XXXXXX)
pg_dir=""
server_pid=""

server_prefix=()
wrk_prefix=()
cpus=$(nproc)
if [ "$pin" = 1 ] && [ "$cpus" -ge 2 ] && command -v taskset >/dev/null; then
    server_prefix=(taskset -c 0)
    wrk_prefix=(taskset -c 1)
    pinning="server on CPU 0, wrk on CPU 1 (taskset)"
else
    pin=0
    pinning="none"
fi
if [ "$niceness" != 0 ]; then
    # Niceness only weighs against processes of the same session while the kernel groups tasks
    # by session (sched_autogroup), so each of the server and wrk gets a session of its own
    # and that session's autogroup gets the niceness too.
    # shellcheck disable=SC2016
    reniced=(setsid sh -c 'echo "$0" >/proc/self/autogroup 2>/dev/null; exec nice -n "$0" "$@"' "$niceness")
    server_prefix=("${reniced[@]}" "${server_prefix[@]}")
    wrk_prefix=("${reniced[@]}" "${wrk_prefix[@]}")
    pinning="$pinning; server and wrk at nice $niceness, each in its own session (autogroup)"
fi

# Stops a process we started: SIGTERM, up to 10 s, then SIGKILL.
stop_pid() {
    local pid=$1
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "run.sh: process $pid ignored SIGTERM for 10 s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_pid "$server_pid"
    server_pid=""
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

# Starts "$@" in the background; sets server_pid and server_port (read from its first lines).
start_server() {
    local log=$1
    shift
    "${server_prefix[@]}" "$@" >"$log" 2>"${log%.log}.err.log" &
    server_pid=$!
    server_port=""
    for _ in $(seq 1 100); do
        server_port=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$log" 2>/dev/null | grep -o '[0-9]*$' || true)
        [ -n "$server_port" ] && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$server_port" ]; then
        echo "run.sh: the server did not start; its output:" >&2
        cat "$log" "${log%.log}.err.log" >&2 || true
        exit 1
    fi
}

rss_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status" 2>/dev/null || echo "?"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
clock_ticks=$(getconf CLK_TCK)
json_field() { grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d'"' -f4; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v l="${load_before%% *}" 'BEGIN { exit !(l > 0.5) }'; then
    echo "run.sh: warning: load average $load_before; other work on this machine will disturb the numbers" >&2
fi
summary=$out/bench-lines.txt
notes=$out/notes.txt
: >"$summary"
: >"$notes"
# note TEXT: a warning on stderr that also goes into summary.md.
note() {
    echo "run.sh: warning: $*" >&2
    echo "$*" >>"$notes"
}

# Whole-machine CPU jiffies: "busy total".
machine_ticks() { awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat; }

# Waits (at most --wait-quiet seconds) until the machine, apart from us, has been nearly idle
# for one second.
wait_for_quiet() {
    [ "$wait_quiet" -gt 0 ] || return 0
    local deadline=$((SECONDS + wait_quiet)) b0 t0 b1 t1 busy
    while :; do
        read -r b0 t0 < <(machine_ticks)
        sleep 1
        read -r b1 t1 < <(machine_ticks)
        busy=$(awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) -v n="$cpus" 'BEGIN { printf "%.0f", 100 * b / (t / n) }')
        [ "$busy" -lt 15 ] && return 0
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "run.sh: the machine is still busy (${busy}% of one CPU); measuring anyway" >&2
            return 0
        fi
    done
}

# run_wrk [--duration S] [--warmup S] [--prepare FUNCTION] NAME SCRIPT BASE [ARGS...]: a warm-up,
# then the measured run; appends its BENCH line to $summary, with the CPU used meanwhile (in % of
# one CPU) by the server, by wrk and by every other process on the machine (other_cpu_pct well
# above 0 means the numbers are disturbed). --duration and --warmup override the global ones.
# With --prepare, "FUNCTION warmup" and "FUNCTION run" are called right before the warm-up and
# the measured run (to make fresh pools of single-use credentials), and @PHASE@ in ARGS becomes
# "warmup" or "run".
run_wrk() {
    local seconds=$duration warm=$warmup prepare=""
    while [ $# -gt 0 ]; do
        case "$1" in
        --duration) seconds=$2; shift 2 ;;
        --warmup) warm=$2; shift 2 ;;
        --prepare) prepare=$2; shift 2 ;;
        *) break ;;
        esac
    done
    local name=$1 script=$2 base=$3
    shift 3
    local warm_args=() run_args=()
    if [ $# -gt 0 ]; then
        warm_args=(-- "${@//@PHASE@/warmup}")
        run_args=(-- "${@//@PHASE@/run}")
    fi
    wait_for_quiet
    echo "== $name: warm-up ${warm}s, then ${seconds}s with $connections connections, $threads threads"
    if [ "$warm" -gt 0 ]; then
        [ -z "$prepare" ] || "$prepare" warmup
        BENCH_NAME=$name "${wrk_prefix[@]}" wrk -t"$threads" -c"$connections" -d"${warm}s" --latency \
            -s "$script" "$base" "${warm_args[@]}" >"$out/$name.warmup.txt" 2>&1
    fi
    [ -z "$prepare" ] || "$prepare" run
    local server_before server_after busy_before busy_after total_before total_after wrk_seconds
    server_before=$(cpu_ticks "$server_pid")
    read -r busy_before total_before < <(machine_ticks)
    local TIMEFORMAT='%U %S'
    { time BENCH_NAME=$name "${wrk_prefix[@]}" wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency \
        -s "$script" "$base" "${run_args[@]}" >"$out/$name.txt" 2>&1; } 2>"$work/$name.time"
    read -r busy_after total_after < <(machine_ticks)
    server_after=$(cpu_ticks "$server_pid")
    wrk_seconds=$(awk '{ print $1 + $2 }' "$work/$name.time")
    local line
    line=$(grep '^BENCH ' "$out/$name.txt" || true)
    if [ -z "$line" ]; then
        echo "run.sh: wrk printed no BENCH line for $name:" >&2
        cat "$out/$name.txt" >&2
        exit 1
    fi
    line="$line $(awk -v r="$(printf '%s\n' "$line" | sed -n 's/.* requests=\([0-9]*\) .*/\1/p')" \
        -v s=$((server_after - server_before)) -v b=$((busy_after - busy_before)) \
        -v t=$((total_after - total_before)) -v w="$wrk_seconds" -v hz="$clock_ticks" -v n="$cpus" 'BEGIN {
            wall = t / hz / n
            other = b / hz - s / hz - w
            if (other < 0) other = 0
            printf "server_cpu_pct=%.0f wrk_cpu_pct=%.0f other_cpu_pct=%.0f", 100 * s / hz / wall, 100 * w / wall, 100 * other / wall
            printf " rps_per_server_cpu=%.0f", (s > 0 ? r / (s / hz) : 0)
        }')"
    echo "$line" | tee -a "$summary"
    grep '^BENCH-\(SAMPLE\|NOTE\) ' "$out/$name.txt" | tee -a "$notes" || true
    kill -0 "$server_pid" 2>/dev/null || { echo "run.sh: the server died during $name" >&2; exit 1; }
}

# --- The trivial QHttpServer ceiling -------------------------------------------------------------
if [ "$trivial" = 1 ]; then
    start_server "$work/trivial.log" "$trivial_bin" 0
    run_wrk trivial "$root/bench/wrk/baseline.lua" "http://127.0.0.1:$server_port"
    stop_pid "$server_pid"
    server_pid=""
fi

# --- The sandbox ----------------------------------------------------------------------------------
if [ "$engine" = postgres ]; then
    pg_dir=$(mktemp -d /tmp/smart-bench-pg.XXXXXX)
    db=$(timeout 120 "$root/scripts/postgres.sh" start "$pg_dir" "$pg_port")
else
    db=$work/sandbox.sqlite
fi
echo "== starting $bin ($engine: $db)"
start_server "$work/server.log" "$bin" --headless --port 0 --db "$db"
base=http://127.0.0.1:$server_port
ready=0
for _ in $(seq 1 50); do
    if curl -fsS --max-time 1 -o /dev/null "$base/admin/status"; then
        ready=1
        break
    fi
    sleep 0.2
done
[ "$ready" = 1 ] || { echo "run.sh: GET $base/admin/status did not answer within 10 s" >&2; exit 1; }
rss_start=$(rss_kb "$server_pid" VmRSS)

# register JSON: registers a client; prints the answer.
register() {
    local answer
    answer=$(curl -sS --max-time 5 -X POST -H 'Content-Type: application/json' -d "$1" "$base/oauth/register")
    [ -n "$(printf '%s' "$answer" | json_field client_id)" ] || { echo "run.sh: registration failed: $answer" >&2; exit 1; }
    printf '%s' "$answer"
}
# mint CLIENT_ID [SCOPE]: mints a token for daniel-adams / smart-1288992; prints the access token.
mint() {
    local answer
    answer=$(curl -sS --max-time 5 -X POST -H 'Content-Type: application/json' \
        -d "{\"client_id\":\"$1\",\"username\":\"daniel-adams\",\"patient_id\":\"smart-1288992\"${2:+,\"scope\":\"$2\"}}" \
        "$base/oauth/debug/token")
    [ -n "$(printf '%s' "$answer" | json_field access_token)" ] || { echo "run.sh: minting a token failed: $answer" >&2; exit 1; }
    printf '%s' "$answer" | json_field access_token
}
basic_credentials() { printf '%s:%s' "$1" "$2" | base64 -w 0; }

# A confidential client (client_secret_basic, the default scope) and one token for it.
registered=$(register '{"client_name":"bench","redirect_uris":["https://app.example.org/callback"]}')
client_id=$(printf '%s' "$registered" | json_field client_id)
client_basic=$(basic_credentials "$client_id" "$(printf '%s' "$registered" | json_field client_secret)")
access_token=$(mint "$client_id")
# A public app (PKCE, no secret) for the code and refresh rows.
redirect_uri=https://app.example.org/callback
app_scope="launch/patient openid fhirUser offline_access patient/*.read"
public_id=""
if wanted token-code token-refresh; then
    public_id=$(register "{\"client_name\":\"bench public\",\"redirect_uris\":[\"$redirect_uri\"],
        \"token_endpoint_auth_method\":\"none\",\"scope\":\"$app_scope\"}" | json_field client_id)
fi
# A backend client that may use client_credentials with its secret.
backend_basic=""
if wanted token-client-credentials; then
    backend=$(register '{"client_name":"bench backend","grant_types":["client_credentials"],
        "token_endpoint_auth_method":"client_secret_basic","scope":"system/*.read"}')
    backend_basic=$(basic_credentials "$(printf '%s' "$backend" | json_field client_id)" \
        "$(printf '%s' "$backend" | json_field client_secret)")
fi
# A bearer token for the FHIR rows: fixture client api-test, daniel-adams, his own record.
fhir_token=""
if wanted fhir-read fhir-search-20 fhir-everything; then
    fhir_token=$(mint api-test "patient/*.read")
fi
rss_before=$(rss_kb "$server_pid" VmRSS)

# make_code_pool PHASE: $work/codes.PHASE, enough codes for that phase of token-code (code_pool
# for the run, in proportion for the warm-up). It stops early when making them takes so long that
# the first codes would expire (60 s) before the phase ends; code_pool_made is the count.
make_code_pool() {
    local count=$code_pool seconds=$code_seconds
    if [ "$1" != run ]; then
        count=$(((code_pool * code_warmup + code_seconds - 1) / code_seconds)) seconds=$code_warmup
    fi
    python3 "$root/bench/pool.py" codes "$base" "$public_id" "$redirect_uri" "$app_scope" joseph-ross \
        "$count" "$work/codes.$1" --max-seconds $((50 - seconds)) 2>&1 | sed "s/^/   $1: /"
    code_pool_made=$(wc -l <"$work/codes.$1")
    sleep 0.5 # let the portal pages' request-log batch reach the database before the run
}
# make_refresh_pool PHASE: $work/refresh.PHASE, 2 refresh tokens per connection.
make_refresh_pool() {
    python3 "$root/bench/pool.py" refresh "$base" "$public_id" daniel-adams smart-1288992 \
        $((2 * connections)) "$work/refresh.$1"
    sleep 0.5
}

# check_fhir PATH [TOKEN]: warns (and notes in summary.md) when GET PATH does not answer 200, and
# when a search with _count=20 does not hold 20 matches (the sample data may be missing).
check_fhir() {
    local path=$1 token=${2:-} status matches
    local auth=()
    [ -z "$token" ] || auth=(-H "Authorization: Bearer $token")
    status=$(curl -sS --max-time 10 -o "$work/fhir-check.json" -w '%{http_code}' "${auth[@]}" "$base$path" \
        || echo "no answer")
    if [ "$status" != 200 ]; then
        note "GET $path answered $status before its row, not 200 (no sample data in this build?)"
    elif [[ "$path" == *_count=20* ]]; then
        matches=$(grep -o '"mode":"match"' "$work/fhir-check.json" | wc -l || true)
        [ "$matches" = 20 ] || note "GET $path holds $matches matches, not 20 (not enough sample data?)"
    fi
}
fhir_paths=(
    "read Patient/smart-1288992"
    "search-20 Observation?patient=smart-1288992&_count=20"
    "everything Patient/smart-1288992/\$everything"
)

wanted baseline && run_wrk baseline "$root/bench/wrk/baseline.lua" "$base"
wanted register && run_wrk register "$root/bench/wrk/register.lua" "$base"
wanted debug-token && run_wrk debug-token "$root/bench/wrk/debug_token.lua" "$base" "$client_id"
wanted introspect && run_wrk introspect "$root/bench/wrk/introspect.lua" "$base" "$access_token"
if wanted token-code; then
    run_wrk --duration "$code_seconds" --warmup "$code_warmup" --prepare make_code_pool token-code \
        "$root/bench/wrk/token_code.lua" "$base" "$work/codes.@PHASE@" "$threads" "$public_id" "$redirect_uri"
fi
if wanted token-refresh; then
    run_wrk --prepare make_refresh_pool token-refresh "$root/bench/wrk/token_refresh.lua" "$base" \
        "$work/refresh.@PHASE@" "$threads"
fi
if wanted token-client-credentials; then
    run_wrk token-client-credentials "$root/bench/wrk/client_credentials.lua" "$base" "$backend_basic"
fi
if wanted introspect-rfc7662; then
    run_wrk introspect-rfc7662 "$root/bench/wrk/introspect_rfc7662.lua" "$base" "$access_token" "$client_basic"
fi
for entry in "${fhir_paths[@]}"; do
    kind=${entry%% *} path=${entry#* }
    if wanted "fhir-$kind"; then
        check_fhir "/api/fhir/$path" "$fhir_token"
        run_wrk "fhir-$kind" "$root/bench/wrk/get.lua" "$base" "/api/fhir/$path" "$fhir_token"
    fi
    if wanted "open-fhir-$kind"; then
        check_fhir "/api/open-fhir/$path"
        run_wrk "open-fhir-$kind" "$root/bench/wrk/get.lua" "$base" "/api/open-fhir/$path"
    fi
done

sleep 0.5 # let the last request-log batch reach the database
rss_after=$(rss_kb "$server_pid" VmRSS)
rss_peak=$(rss_kb "$server_pid" VmHWM)
status_after=$(curl -fsS --max-time 10 "$base/admin/status" || echo "{}")
warnings=$(grep -ciE 'warn|fail|error|dropped|threw' "$work/server.err.log" || true)

# --- Report ------------------------------------------------------------------------------------------
target_rps() { case "$1" in introspect) echo 15000 ;; register | debug-token) echo 5000 ;; *) echo "" ;; esac; }
{
    echo "# SMART Sandbox bench, $engine"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "- machine: $cpus CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, kernel $(uname -r)"
    echo "- Qt $(pkg-config --modversion Qt6Core 2>/dev/null || echo '?'), build type $(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build_dir/CMakeCache.txt"), $( [ "$from_head" = 1 ] && echo "$source_note" || echo "working tree at commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?') ($(git -C "$root" status --porcelain -- core app CMakeLists.txt 2>/dev/null | wc -l) uncommitted changes in core/, app/)"), binary built $(date -u -r "$bin" '+%Y-%m-%d %H:%M UTC')"
    echo "- command: \`$command_line\` ($connections connections, $threads wrk threads, ${warmup} s warm-up + ${duration} s per row)"
    if wanted token-code; then
        echo "- token-code: ${code_warmup} s warm-up + ${code_seconds} s, one code per request from a pool of ${code_pool_made:-?} (of $code_pool asked for) made just before (codes expire after 60 s)"
    fi
    echo "- pinning: $pinning"
    echo "- database: $engine ($( [ "$engine" = postgres ] && echo "scripts/postgres.sh cluster, fsync=off" || echo "fresh SQLite file, WAL"))"
    echo "- server RSS: ${rss_start} kB after start, ${rss_before} kB before the run, ${rss_after} kB after (peak ${rss_peak} kB)"
    echo "- server warnings on stderr: $warnings"
    echo "- load average before the run: $load_before"
    echo "- CPU columns: % of one CPU used during the measured run by the server, by wrk, and by every other process (PostgreSQL included)"
    echo "- req per server CPU-s: requests answered per second of server CPU time, the rate the single-threaded server could reach with a CPU to itself (ignores waits such as fsync)"
    echo
    echo "| endpoint | req/s | p50 ms | p99 ms | p99.9 ms | errors (non-2xx + socket) | CPU server / wrk / other | req per server CPU-s | target | met |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
    while read -r line; do
        get() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
        name=$(get endpoint) rps=$(get rps) p50=$(get p50_ms) p99=$(get p99_ms) p999=$(get p999_ms)
        errors=$(($(get non2xx) + $(get socket_errors)))
        cpu="$(get server_cpu_pct)% / $(get wrk_cpu_pct)% / $(get other_cpu_pct)%"
        per_cpu=$(get rps_per_server_cpu)
        want=$(target_rps "$name")
        if [ -n "$want" ]; then
            met=$(awk -v r="$rps" -v w="$want" -v p="$p99" -v e="$errors" 'BEGIN {
                ok = (r >= w && p < 5 && e == 0)
                printf "%s (%.0f%% of req/s target, p99 %s 5 ms)", ok ? "yes" : "no", 100 * r / w, p < 5 ? "<" : ">="
            }')
            target=">= $want req/s, p99 < 5 ms"
        else
            met="-"
            case "$name" in trivial) target="ceiling" ;; baseline) target="server ceiling" ;; *) target="" ;; esac
        fi
        printf '| %s | %.0f | %.2f | %.2f | %.2f | %s | %s | %s | %s | %s |\n' \
            "$name" "$rps" "$p50" "$p99" "$p999" "$errors" "$cpu" "$per_cpu" "$target" "$met"
    done <"$summary"
    if [ -s "$notes" ]; then
        echo
        echo "Notes:"
        echo
        sed 's/^/- /' "$notes"
    fi
    echo
    echo "Status after the run: \`$status_after\`"
} >"$out/summary.md"
echo
cat "$out/summary.md"
echo
echo "== results in $out"
