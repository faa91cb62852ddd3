#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Makes the .deb from a configured and built tree with CPack and checks it as a user would meet
# it: the package names the app id's files (executable, desktop file, metainfo, icons); unpacked,
# its smart-sandbox answers --version, also when started through the desktop file's Exec line.
# As root (CI) it also installs the package with apt, runs the installed smart-sandbox from PATH
# and through the installed desktop file, then removes it again.
#
#   scripts/check-package.sh BUILD_DIR          (the CTest test packaging/deb runs this)
set -euo pipefail

build=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
cd "$(dirname "$0")/.."
app_id=io.github.smart_sandbox
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
work=$(mktemp -d "${TMPDIR:-/tmp}/smart-sandbox-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
    echo "check-package.sh: $*" >&2
    exit 1
}

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 \
    || { cat "$work/cpack.log" >&2; fail "cpack failed"; }
deb=$(find "$work/out" -maxdepth 1 -name 'smart-sandbox_*.deb' | head -n 1)
[ -n "$deb" ] || fail "cpack made no smart-sandbox_*.deb"
echo "package: $(basename "$deb")"

# What dpkg will see: name, version, dependencies, files.
info=$(dpkg-deb --field "$deb" Package Version Depends)
echo "$info"
grep -qx 'Package: smart-sandbox' <<<"$info" || fail "the package is not named smart-sandbox"
grep -qx "Version: $version" <<<"$info" || fail "the package version is not $version"
grep -q 'libqt6widgets6' <<<"$info" || fail "the package does not depend on Qt Widgets (shlibdeps)"
contents=$(dpkg-deb --contents "$deb" | awk '{print $NF}')
for file in ./usr/bin/smart-sandbox ./usr/share/applications/$app_id.desktop \
    ./usr/share/metainfo/$app_id.metainfo.xml ./usr/share/icons/hicolor/scalable/apps/$app_id.svg \
    ./usr/share/icons/hicolor/16x16/apps/$app_id.png ./usr/share/icons/hicolor/512x512/apps/$app_id.png; do
    grep -qxF "$file" <<<"$contents" || fail "the package lacks $file"
done

# The Exec line of a desktop file, without field codes such as %U, with --version added.
exec_line() {
    sed -n 's/^Exec=//p' "$1" | head -n 1 | sed 's/ *%[fFuUik]//g'
}
expected="smart-sandbox $version"

dpkg-deb --extract "$deb" "$work/root"
answer=$("$work/root/usr/bin/smart-sandbox" --version)
[ "$answer" = "$expected" ] || fail "the unpacked smart-sandbox --version said '$answer', not '$expected'"
command=$(exec_line "$work/root/usr/share/applications/$app_id.desktop")
answer=$(PATH="$work/root/usr/bin:$PATH" sh -c "$command --version")
[ "$answer" = "$expected" ] || fail "the desktop file's Exec ($command) --version said '$answer'"
echo "unpacked: smart-sandbox --version and the desktop Exec line answer '$expected'"

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ -z "${SANDBOX_NO_INSTALL:-}" ]; then
    if dpkg-query -W -f='${db:Status-Status}' smart-sandbox 2>/dev/null | grep -qx installed; then
        echo "smart-sandbox is installed already; not installing over it (set SANDBOX_NO_INSTALL=1 to skip)"
        exit 0
    fi
    apt=(apt-get -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends)
    cp "$deb" "$work/smart-sandbox.deb"
    chmod 644 "$work/smart-sandbox.deb"
    chmod 755 "$work"
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install "$work/smart-sandbox.deb" >"$work/apt.log" 2>&1 \
        || { cat "$work/apt.log" >&2; fail "apt-get install of the package failed"; }
    removed=false
    remove() {
        $removed || DEBIAN_FRONTEND=noninteractive "${apt[@]}" remove smart-sandbox >/dev/null 2>&1 || true
        removed=true
        rm -rf "$work"
    }
    trap remove EXIT
    answer=$(env -i PATH=/usr/local/bin:/usr/bin:/bin smart-sandbox --version)
    [ "$answer" = "$expected" ] || fail "the installed smart-sandbox --version said '$answer'"
    command=$(exec_line "/usr/share/applications/$app_id.desktop")
    answer=$(env -i PATH=/usr/local/bin:/usr/bin:/bin sh -c "$command --version")
    [ "$answer" = "$expected" ] || fail "the installed desktop file's Exec ($command) --version said '$answer'"
    [ "$(command -v smart-sandbox)" = /usr/bin/smart-sandbox ] || fail "smart-sandbox is not /usr/bin/smart-sandbox"
    echo "installed: /usr/bin/smart-sandbox --version and the desktop Exec line answer '$expected'"
fi
