#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Renders the app icon (packaging/icons/hicolor/scalable/apps/io.github.smart_sandbox.svg) into
# the PNG sizes of the hicolor theme next to it. The PNGs are committed: the build and the window
# icon use them, so neither needs an SVG renderer. Run this after changing the SVG.
#
#   scripts/render-icons.sh            (needs rsvg-convert: librsvg2-bin, in install-deps.sh)
set -euo pipefail

cd "$(dirname "$0")/.."
svg=packaging/icons/hicolor/scalable/apps/io.github.smart_sandbox.svg
for size in 16 22 24 32 48 64 128 256 512; do
    dir=packaging/icons/hicolor/${size}x${size}/apps
    mkdir -p "$dir"
    rsvg-convert --width "$size" --height "$size" --format png --output "$dir/io.github.smart_sandbox.png" "$svg"
done
echo "render-icons.sh: rendered $svg at 16 to 512 px"
