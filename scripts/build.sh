#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configures (once) and builds SMART Sandbox with CMake and Ninja into build/KIND, on all cores.
#
#   scripts/build.sh [release|debug|ci] [-DOPTION=VALUE...] [--target TARGET...]
#
# -D options go to CMake's configure step, everything else to `cmake --build`.
#
#   release  optimised, with tests                     build/release/app/smart-sandbox
#   debug    no optimisation, full debug information   build/debug/app/smart-sandbox
#   ci       what scripts/test.sh runs: RelWithDebInfo, warnings are errors, AddressSanitizer and
#            UndefinedBehaviorSanitizer, the core and UI as shared libraries (a static link put a
#            300 MB sanitized copy of them in each of ~50 test executables)
set -euo pipefail

cd "$(dirname "$0")/.."

kind=${1:-release}
[ $# -gt 0 ] && shift

case "$kind" in
release) options=(-DCMAKE_BUILD_TYPE=Release) ;;
debug) options=(-DCMAKE_BUILD_TYPE=Debug) ;;
ci) options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANDBOX_WERROR=ON "-DSANDBOX_SANITIZE=address,undefined"
    -DSANDBOX_SHARED_LIBS=ON) ;;
*)
    echo "usage: $0 [release|debug|ci] [-DOPTION=VALUE...] [--target TARGET...]" >&2
    exit 2
    ;;
esac

build_options=()
for argument in "$@"; do
    case "$argument" in
    -D*) options+=("$argument") ;;
    *) build_options+=("$argument") ;;
    esac
done

# ccache, when the machine has it, makes rebuilds (other worktrees, clean clones) much faster.
if command -v ccache >/dev/null 2>&1; then
    options=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache "${options[@]}")
fi

dir=build/$kind
cmake -S . -B "$dir" -G Ninja --log-level=WARNING \
    -DSANDBOX_BUILD_TESTS=ON -DCMAKE_EXPORT_COMPILE_COMMANDS=ON "${options[@]}"
cmake --build "$dir" --parallel "$(nproc)" "${build_options[@]}"
