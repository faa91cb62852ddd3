#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs every Debian package SMART Sandbox needs to build, run and test, and nothing when all
# are there already (no apt-get update either). Works on a fresh Debian 12 with nothing but apt:
# runs as root, or through sudo when it must install something.
#
#   scripts/install-deps.sh
set -euo pipefail

cd "$(dirname "$0")/.."

packages=(
    # toolchain
    build-essential cmake ninja-build pkg-config git ca-certificates curl clang-format
    # libFuzzer targets (scripts/fuzz.sh)
    clang
    # Qt 6.4 (QtHttpServer's CMake config also asks for QtWebSockets)
    qt6-base-dev qt6-httpserver-dev qt6-websockets-dev libqt6sql6-sqlite libqt6sql6-psql libgl-dev
    qt6-l10n-tools qt6-tools-dev qt6-tools-dev-tools
    # JOSE (JWS, JWK) in C
    libjose-dev libjansson-dev libssl-dev
    # databases: SQLite's C API (the same library QSQLITE uses), PostgreSQL for the test server,
    # sqlite3 to look inside a sandbox file
    libsqlite3-dev postgresql sqlite3
    # load tests (python3 makes bench/run.sh's pools of codes and refresh tokens), screenshots
    # under a virtual display, browser tests
    wrk python3 xvfb xauth chromium
    # packaging: the .deb (CPack needs dpkg-dev's dpkg-shlibdeps), its checks (AppStream and
    # desktop file validators), and rsvg-convert to render the app icon's PNGs from its SVG
    dpkg-dev appstream desktop-file-utils librsvg2-bin
)
# Installed only when the archive has them.
optional_packages=(qt6-translations-l10n)

# Node.js and npm may already come from elsewhere (/usr/local, nodesource): then leave them be.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    packages+=(nodejs npm)
fi

is_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=()
for package in "${packages[@]}" "${optional_packages[@]}"; do
    is_installed "$package" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
    as_root=()
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            as_root=(sudo)
        else
            echo "install-deps.sh: missing packages (${missing[*]}); run this script as root or install sudo" >&2
            exit 1
        fi
    fi
    echo "install-deps.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update -qq
    wanted=()
    for package in "${missing[@]}"; do
        is_optional=false
        for optional in "${optional_packages[@]}"; do
            [ "$package" = "$optional" ] && is_optional=true
        done
        if $is_optional && ! apt-cache policy "$package" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
            echo "install-deps.sh: $package is not in the archive; skipping it"
            continue
        fi
        wanted+=("$package")
    done
    if [ ${#wanted[@]} -gt 0 ]; then
        "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${wanted[@]}"
    fi
fi

# --- JavaScript dependencies of the browser tests ----------------------------------------------
# tests/e2e (Playwright + Chromium + fhirclient + openid-client): its npm packages are installed
# here from its lock file, and again only when the lock file changed.
if [ -f tests/e2e/package.json ]; then
    if [ ! -f tests/e2e/node_modules/.package-lock.json ] \
        || { [ -f tests/e2e/package-lock.json ] \
            && [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; }; then
        if [ -f tests/e2e/package-lock.json ]; then
            (cd tests/e2e && npm ci --no-audit --no-fund)
        else
            (cd tests/e2e && npm install --no-audit --no-fund)
        fi
    fi
fi

# tests/fhir-validation (the offline FHIR R4 validators for the sample records: HL7's JSON schema
# with Ajv, and FHIR.js): the same, from its own lock file.
if [ -f tests/fhir-validation/package.json ]; then
    if [ ! -f tests/fhir-validation/node_modules/.package-lock.json ] \
        || [ tests/fhir-validation/package-lock.json -nt tests/fhir-validation/node_modules/.package-lock.json ]; then
        (cd tests/fhir-validation && npm ci --no-audit --no-fund)
    fi
fi
