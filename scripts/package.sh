#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the release flavour (build/release) and makes the Debian package from it with CPack,
# then checks it (scripts/check-package.sh: contents, --version unpacked and, as root, installed).
#
#   scripts/package.sh                  -> build/release/packages/smart-sandbox_<version>_<arch>.deb
#   scripts/package.sh --no-check       only build the package
#
# macOS and Windows packages: docs/packaging.md.
set -euo pipefail

cd "$(dirname "$0")/.."
check=true
[ "${1:-}" = --no-check ] && check=false

scripts/build.sh release --target smart-sandbox
cpack -G DEB --config build/release/CPackConfig.cmake -B build/release/packages
ls -1 build/release/packages/*.deb
if $check; then
    scripts/check-package.sh build/release
fi
