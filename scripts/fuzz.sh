#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets of fuzz/ with clang (build/fuzz: -fsanitize=fuzzer,address,undefined)
# and runs each one for a bounded time on a copy of its committed corpus. Exits non-zero when a
# target crashes, leaks or breaks one of its checks; the input that did it is left in
# build/fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh                     every target, 20 s each
#   FUZZ_SECONDS=300 scripts/fuzz.sh    longer
#   scripts/fuzz.sh fuzz_scopes         one target
set -euo pipefail

cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-20}
dir=build/fuzz
all=(fuzz_form fuzz_scopes fuzz_oauthjson fuzz_fhirsearch fuzz_fhirwrite fuzz_jose)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$dir" -G Ninja --log-level=WARNING -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSANDBOX_FUZZ=ON -DSANDBOX_BUILD_TESTS=OFF "${launcher[@]}"
cmake --build "$dir" --target "${targets[@]}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if [ -f tests/lsan.supp ]; then
    export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
fi
export QT_QPA_PLATFORM=offscreen LANG=C.UTF-8 TZ=UTC
status=0
for target in "${targets[@]}"; do
    # New inputs go to a scratch copy; the committed corpus only changes by hand (cp from there).
    work=$dir/corpus/$target
    artifacts=$dir/artifacts/$target/
    mkdir -p "$work" "$artifacts"
    cp -n fuzz/corpus/"$target"/* "$work"/ 2>/dev/null || true # newer coreutils fail on files kept
    dictionary=()
    case "$target" in
    fuzz_oauthjson | fuzz_fhirwrite | fuzz_jose) dictionary=(-dict=fuzz/dict/json.dict) ;;
    fuzz_scopes) dictionary=(-dict=fuzz/dict/scopes.dict) ;;
    fuzz_fhirsearch) dictionary=(-dict=fuzz/dict/search.dict) ;;
    esac
    echo "== $target ($seconds s)"
    if ! "$dir/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$artifacts" "${dictionary[@]}" "$work" 2>"$dir/$target.log"; then
        tail -n 60 "$dir/$target.log" >&2
        echo "fuzz.sh: $target failed; the input is in $artifacts" >&2
        status=1
    else
        grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$dir/$target.log" || true
    fi
done
exit "$status"
