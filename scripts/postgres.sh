#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Starts or stops a throwaway PostgreSQL cluster on loopback for tests and benchmarks.
# PostgreSQL refuses to run as root, so the cluster belongs to the "postgres" user.
#
#   scripts/postgres.sh start [DIR] [PORT]   prints the postgresql:// URL to use
#   scripts/postgres.sh stop  [DIR]
set -euo pipefail

action=${1:-}
dir=${2:-/tmp/smart-sandbox-pg}
port=${3:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

as_postgres() {
    if [ "$(id -un)" = postgres ]; then "$@"; elif [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
    if [ "$(id -u)" = 0 ]; then mkdir -p "$dir" && chown postgres:postgres "$dir"; else mkdir -p "$dir"; fi
    if [ ! -f "$dir/PG_VERSION" ]; then
        as_postgres "$bin/initdb" -D "$dir" -A trust -U postgres >"$dir.initdb.log" 2>&1 \
            || { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    if ! as_postgres "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    fi
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    if [ -f "$dir/PG_VERSION" ]; then
        as_postgres "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
*)
    echo "usage: $0 start|stop [DIR] [PORT]" >&2
    exit 2
    ;;
esac
