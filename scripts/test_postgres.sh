#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL server for the test suite, on 127.0.0.1.
#   scripts/test_postgres.sh start DIR   -> prints the server URL; data and socket in DIR
#   scripts/test_postgres.sh stop DIR
# Installs Debian's postgresql package when no server binaries are present.
set -euo pipefail
action="$1"
data="$2"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
run=()
if [ "$(id -u)" = 0 ]; then run=(runuser -u postgres --); fi
case "$action" in
  start)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
      bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    fi
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    mkdir -p "$data"
    if [ "$(id -u)" = 0 ]; then chown postgres "$data"; fi
    "${run[@]}" "$bin/initdb" -D "$data/pgdata" -A trust -U postgres >/dev/null
    "${run[@]}" "$bin/pg_ctl" -D "$data/pgdata" -l "$data/pgdata/server.log" -w \
      -o "-p $port -k $data -c listen_addresses=127.0.0.1" start >/dev/null
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -n "$bin" ] && [ -d "$data/pgdata" ]; then
      "${run[@]}" "$bin/pg_ctl" -D "$data/pgdata" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$data"
    ;;
esac
