#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Everything CI checks, in the order it checks it: installs what is missing, checks formatting,
# builds build/ci (warnings are errors, AddressSanitizer and UndefinedBehaviorSanitizer), starts a
# throwaway PostgreSQL server on loopback, runs every CTest test, then builds the libFuzzer targets
# with clang and runs each briefly on its corpus (scripts/fuzz.sh; FUZZ_SECONDS, default 10 s).
# Exits non-zero when a test fails or a fuzz target crashes.
#
#   scripts/test.sh
#   scripts/test.sh -L server        extra arguments go to ctest (here: only the server tests)
set -euo pipefail

cd "$(dirname "$0")/.."
started=$SECONDS

section() { printf '\n== %s\n' "$*"; }

section "Dependencies"
scripts/install-deps.sh

section "Formatting (clang-format --dry-run --Werror)"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t sources < <(git ls-files -- '*.cpp' '*.h')
else
    mapfile -t sources < <(find app core ui tests bench -name '*.cpp' -o -name '*.h' 2>/dev/null | sort)
fi
existing=()
for source in "${sources[@]}"; do
    [ -f "$source" ] && existing+=("$source")
done
if [ ${#existing[@]} -gt 0 ]; then
    clang-format --dry-run --Werror "${existing[@]}"
fi
echo "${#existing[@]} files formatted as .clang-format says"

section "Build (build/ci)"
scripts/build.sh ci

section "PostgreSQL"
pg_root=$(mktemp -d "${TMPDIR:-/tmp}/smart-sandbox-test.XXXXXX")
chmod 755 "$pg_root" # the cluster runs as the postgres user when we are root
pg_data=$pg_root/data
stop_postgres() {
    scripts/postgres.sh stop "$pg_data" || true
    rm -rf "$pg_root"
}
trap stop_postgres EXIT
url=
for port in $(seq 55432 55531); do
    # Skip ports that something already answers on; a start can still lose a race, so try the next.
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        continue
    fi
    if url=$(scripts/postgres.sh start "$pg_data" "$port" 2>"$pg_root/start.log"); then
        break
    fi
    url=
done
if [ -z "$url" ]; then
    cat "$pg_root/start.log" "$pg_data/server.log" >&2 2>/dev/null || true
    echo "test.sh: could not start PostgreSQL on any port from 55432 to 55531" >&2
    exit 1
fi
export SANDBOX_TEST_POSTGRES_URL=$url
echo "SANDBOX_TEST_POSTGRES_URL=$SANDBOX_TEST_POSTGRES_URL"

section "Tests (ctest)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Leaks inside system libraries (never this project's code) are listed in tests/lsan.supp.
if [ -f tests/lsan.supp ]; then
    export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
fi
status=0
ctest --test-dir build/ci --output-on-failure --no-tests=error -j2 "$@" || status=$?

# The browser tests (tests/e2e: Playwright + Debian's Chromium + fhirclient + openid-client) are
# the CTest test e2e/clients above, run against this same build; install-deps.sh ran their npm ci.

section "Fuzzing (scripts/fuzz.sh, ${FUZZ_SECONDS:-10} s per target)"
FUZZ_SECONDS=${FUZZ_SECONDS:-10} scripts/fuzz.sh || status=1

section "Done in $((SECONDS - started)) s"
exit "$status"
