#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: initdb into a temporary
# directory, listening on a Unix socket in that directory only (no TCP:
# listen_addresses=''), stopped and removed by pg_server_stop, which the
# caller runs from its EXIT trap so that a failing test still stops it.
#
# Sourced:  . tests/pg/server.sh; pg_server_start || skip...; trap pg_server_stop EXIT
# then PGHOST (the socket directory), PGPORT and PGUSER (the cluster's
# superuser, "postgres") are exported for psql, and
# pg_uri DB [USER] prints the libpq URI of a database over that socket.
#
# Run as a command:  tests/pg/server.sh start   prints "export ..." lines
#                    tests/pg/server.sh stop DIR
#
# initdb refuses to run as root (the tests run as root in CI), so as root the
# server runs as the unprivileged account of Debian's postgresql package
# ("postgres"); as anyone else it runs as that user.

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

# Run a server binary as the unprivileged account when we are root.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_server_start() {
  local bin dir port
  bin=$(pg_bindir) || { echo "pg_server_start: no PostgreSQL server installed (Debian package postgresql)" >&2; return 1; }
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "pg_server_start: running as root and there is no 'postgres' account to run the server as" >&2
    return 1
  fi
  dir=$(mktemp -d /tmp/assetctl-pg.XXXXXX) || return 1
  chmod 0755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  # a port number is still needed: it names the socket file (.s.PGSQL.PORT)
  port=$(( 20000 + RANDOM % 20000 ))
  if ! pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
         >"$dir/initdb.log" 2>&1; then
    echo "pg_server_start: initdb failed:" >&2; cat "$dir/initdb.log" >&2
    rm -rf "$dir"; return 1
  fi
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 60
log_min_messages = warning
CONF
  if ! pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null 2>&1; then
    echo "pg_server_start: the server did not start:" >&2; cat "$dir/server.log" >&2
    rm -rf "$dir"; return 1
  fi
  export PG_SERVER_DIR=$dir PGHOST=$dir PGPORT=$port PGUSER=postgres
  unset PGDATABASE PGPASSWORD PGSERVICE
}

pg_server_stop() {
  local dir=${1:-${PG_SERVER_DIR:-}} bin
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  case $dir in /tmp/assetctl-pg.*) ;; *) echo "pg_server_stop: '$dir' is not a test server" >&2; return 1 ;; esac
  bin=$(pg_bindir)
  [ -f "$dir/data/postmaster.pid" ] && pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$dir"
  [ "${PG_SERVER_DIR:-}" = "$dir" ] && unset PG_SERVER_DIR
  return 0
}

# pg_uri DB [USER]: the libpq URI of database DB over the test server's socket.
pg_uri() {
  echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=${2:-$PGUSER}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case ${1:-} in
    start) pg_server_start; echo "export PG_SERVER_DIR=$PG_SERVER_DIR PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER" ;;
    stop) pg_server_stop "${2:?usage: server.sh stop DIR}" ;;
    *) echo "usage: tests/pg/server.sh start | stop DIR" >&2; exit 2 ;;
  esac
fi
