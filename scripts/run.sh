#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing, builds the release build and starts SMART Sandbox: with its window
# when there is a display, headless otherwise. Options are passed on to smart-sandbox:
#
#   scripts/run.sh                      port 9000, the default database
#   scripts/run.sh --port 9001 --db /tmp/sandbox.sqlite --reset
set -euo pipefail

cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh release --target smart-sandbox

arguments=("$@")
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    headless=false
    for argument in "$@"; do
        [ "$argument" = --headless ] && headless=true
    done
    $headless || arguments=(--headless "${arguments[@]}")
fi
exec build/release/app/smart-sandbox "${arguments[@]}"
