#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Measures FHIR import throughput and memory: `smart-sandbox --import` of a generated NDJSON file
# of small Observations into a fresh SQLite file, several times.
#
#   bench/import.sh [--binary PATH] [--count N] [--runs N] [--bundle] [--out DIR]
#
# The binary defaults to build/release/app/smart-sandbox (scripts/build.sh release makes it).
# Each run starts on a new database, so every resource is new (version 1). Prints one "BENCH ..."
# line per run: resources, the import's own duration (what --import reports, without opening the
# database), resources per second, the whole process's wall time and its peak memory (VmHWM via
# /usr/bin/time). Run it with --count 20000 and --count 100000 to see that memory stays flat.
# --bundle writes the same resources as one collection Bundle instead, which is read whole.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
binary=$root/build/release/app/smart-sandbox
count=20000
runs=3
bundle=0
out=""

while [ $# -gt 0 ]; do
    case "$1" in
    --binary) binary=${2:?}; shift 2 ;;
    --count) count=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --bundle) bundle=1; shift ;;
    *) sed -n '5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done
[ -x "$binary" ] || { echo "import.sh: no $binary (scripts/build.sh release builds it)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "import.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }

out=${out:-$(mktemp -d /tmp/smart-sandbox-import-bench.XXXXXX)}
mkdir -p "$out"
data=$out/observations.ndjson
[ "$bundle" = 1 ] && data=$out/observations.json
awk -v n="$count" -v bundle="$bundle" 'BEGIN {
    if (bundle) printf "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[\n"
    for (i = 0; i < n; i++)
        printf "%s{\"resourceType\":\"Observation\",\"id\":\"bench-%d\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"vital-signs\"}]}],\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},\"subject\":{\"reference\":\"Patient/smart-1288992\"},\"effectiveDateTime\":\"2020-01-%02dT10:00:00Z\",\"valueQuantity\":{\"value\":%d,\"unit\":\"/min\"}}%s\n", (bundle ? "{\"resource\":" : ""), i, i % 28 + 1, 60 + i % 40, (bundle ? (i < n - 1 ? "}," : "}") : "")
    if (bundle) printf "]}\n"
}' >"$data"
echo "data: $count Observations, $(du -h "$data" | cut -f1) in $data"

for run in $(seq 1 "$runs"); do
    database=$out/run-$run.sqlite
    rm -f "$database" "$database-wal" "$database-shm"
    start=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$out/run-$run.rss" "$binary" --db "$database" --import "$data" >"$out/run-$run.out"
    end=$(date +%s%N)
    summary=$(tail -n 1 "$out/run-$run.out")
    seconds=$(sed -n 's/.* in \([0-9.]*\) s.*/\1/p' <<<"$summary")
    imported=$(sed -n 's/^Imported \([0-9]*\) resources.*/\1/p' <<<"$summary")
    wall_ms=$(((end - start) / 1000000))
    rate=$(awk -v n="$imported" -v s="$seconds" 'BEGIN { printf "%d", (s > 0 ? n / s : 0) }')
    echo "BENCH run=$run resources=$imported import_s=$seconds resources_per_s=$rate process_wall_ms=$wall_ms peak_rss_kb=$(cat "$out/run-$run.rss")"
done
