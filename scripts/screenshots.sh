#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Renders every tab of the main window (Traffic with live traffic and a decoded JWT, Flows with a
# launch's timeline, Tokens with their countdowns, Clients, People and data, Faults), the Scenarios
# menu and every dialog (Mint token, Register and Edit client, EHR launch, Settings, Discovery
# profile, Add fault rule, Scenarios, Save scenario, Travel in time, Self-check) into
# docs/screenshots/*.png, offscreen, with the debug build's sandbox-screenshots tool
# (tests/tools/screenshots.cpp). README.md shows them.
#
#   scripts/screenshots.sh                       English, into docs/screenshots
#   scripts/screenshots.sh --lang de DIR         German, into DIR
set -euo pipefail

cd "$(dirname "$0")/.."
language=en
if [ "${1:-}" = --lang ]; then
    language=${2:?--lang needs a language code}
    shift 2
fi
folder=${1:-docs/screenshots}

[ -f build/debug/build.ninja ] || scripts/build.sh debug --target sandbox-screenshots
cmake --build build/debug --target sandbox-screenshots
# A fixed font setup and size, so that the pictures change only when the window does.
QT_QPA_PLATFORM=offscreen QT_SCALE_FACTOR=1 LANG=C.UTF-8 TZ=UTC \
    build/debug/tests/sandbox-screenshots "$folder" --lang "$language"
