#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The UI responsiveness bench (bench/ui/uibench.cpp): builds bench-ui in the release build and runs
# it offscreen. It prints the longest UI event-loop stall while clients send RATE requests a second
# for SECONDS, and how long the Traffic filter takes on ENTRIES logged requests.
# Results and machine notes: bench/RESULTS.md, "UI responsiveness".
#
#   bench/ui.sh [--rate 2000] [--seconds 10] [--entries 100000] [--load wrk|thread]
#
# --load wrk (the default when wrk is installed): wrk sends the traffic from its own process, RATE/20
# connections each pausing about 50 ms after every answer (bench/ui/paced.lua), so that about RATE
# requests a second arrive. --load thread: a client thread inside bench-ui sends it (on two CPUs it reaches
# only a few hundred requests a second, since it competes with the UI thread it measures).
set -euo pipefail

cd "$(dirname "$0")/.."
rate=2000 seconds=10 load=wrk
args=()
while [ $# -gt 0 ]; do
    case "$1" in
    --rate) rate=$2; args+=("$1" "$2"); shift 2 ;;
    --seconds) seconds=$2; args+=("$1" "$2"); shift 2 ;;
    --load) load=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
    esac
done
command -v wrk >/dev/null || load=thread

scripts/build.sh release --target bench-ui >/dev/null
bench=build/release/tests/bench-ui
if [ "$load" = thread ]; then
    QT_QPA_PLATFORM=offscreen "$bench" "${args[@]}" 2> >(grep -v propagateSizeHints >&2)
    exit
fi

work=$(mktemp -d /tmp/smart-ui-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
# About 20 requests a second per connection: a pause of ~50 ms after each answer, long beside the
# answer's own latency (a few ms while the UI thread is also painting), so the rate stays near RATE.
connections=$(((rate + 19) / 20))
pause=$((connections * 1000 / rate - 5))
[ "$pause" -ge 0 ] || pause=0
warm_up=2
QT_QPA_PLATFORM=offscreen "$bench" "${args[@]}" --external "$work/port" --warm-up "$warm_up" \
    > "$work/out" 2> >(grep -v propagateSizeHints >&2) &
bench_pid=$!
for _ in $(seq 1 100); do
    [ -s "$work/port" ] && break
    sleep 0.1
done
[ -s "$work/port" ] || { echo "ui.sh: bench-ui wrote no port" >&2; exit 1; }
port=$(cat "$work/port")
wrk -t2 -c"$connections" -d"$((warm_up + seconds))s" -s bench/ui/paced.lua "http://127.0.0.1:$port" -- "$pause" \
    > "$work/wrk" 2>&1 || true
wait "$bench_pid"
echo "wrk: $connections connections, $pause ms pause after each answer; $(grep -E 'Requests/sec' "$work/wrk")"
cat "$work/out"
