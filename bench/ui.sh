#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The UI responsiveness bench (bench/ui/uibench.cpp): builds bench-ui in the release build and runs
# it offscreen. It prints the longest UI event-loop stall while a client thread sends RATE
# requests a second for SECONDS, and how long the Traffic filter takes on ENTRIES logged requests.
# Results and machine notes: bench/RESULTS.md, "UI responsiveness".
#
#   bench/ui.sh [--rate 2000] [--seconds 10] [--entries 100000]
set -euo pipefail

cd "$(dirname "$0")/.."
scripts/build.sh release --target bench-ui >/dev/null
QT_QPA_PLATFORM=offscreen build/release/tests/bench-ui "$@" 2> >(grep -v propagateSizeHints >&2)
