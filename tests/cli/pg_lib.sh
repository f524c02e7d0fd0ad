# A throwaway PostgreSQL server for tests and benchmarks (sourced): initdb
# into a fresh temp directory, pg_ctl start on a Unix socket only
# (listen_addresses=''), a superuser role `respec` and a database `respec`.
# Runs the server as the `postgres` user when we are root (initdb refuses
# root). Callers: start_pg, use $PG_URL, and stop_pg in their EXIT trap.

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}

# pg_available: 0 when initdb and pg_ctl are installed.
pg_available() { [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ]; }

_pg_as() {
  # From / : the caller's private working directory is not the postgres user's to enter.
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# start_pg: sets PG_DIR and PG_URL; returns non-zero with the server log on failure.
start_pg() {
  PG_DIR=$(mktemp -d)
  chmod 0755 "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  _pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U respec --auth=trust -E UTF8 --no-sync > "$PG_DIR/initdb.log" 2>&1 ||
    { cat "$PG_DIR/initdb.log" >&2; return 1; }
  _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $PG_DIR -c max_connections=100" start > /dev/null ||
    { cat "$PG_DIR/server.log" >&2; return 1; }
  PG_STARTED=1
  _pg_reaper
  "$PG_BIN/createdb" -h "$PG_DIR" -U respec respec || return 1
  PG_URL="postgresql://respec@/respec?host=$PG_DIR"
}

# _pg_reaper [DIR]: a detached watcher that stops the server and removes
# $PG_DIR (and DIR) once this shell ($$) has gone. It matters when the shell
# is SIGKILLed, e.g. by a CTest timeout, which runs no EXIT trap; after a
# normal stop_pg it finds nothing left to do. Its output goes to /dev/null so
# CTest does not wait for it.
_pg_reaper() {
  setsid bash -c '
    owner=$1 dir=$2 bin=$3 extra=$4
    while kill -0 "$owner" 2>/dev/null; do sleep 1; done
    if [ -f "$dir/data/postmaster.pid" ]; then
      if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop)
      else "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop; fi
    fi
    rm -rf "$dir" ${extra:+"$extra"}' _ "$$" "$PG_DIR" "$PG_BIN" "${1:-}" < /dev/null > /dev/null 2>&1 &
}

# pg_halt: stop the server now (immediate: no clean shutdown), keep the files.
pg_halt() { _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop > /dev/null 2>&1 || true; }

stop_pg() {
  if [ -n "${PG_DIR:-}" ]; then
    [ -n "${PG_STARTED:-}" ] && _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop > /dev/null 2>&1
    rm -rf "$PG_DIR"
  fi
  PG_DIR=""
  PG_STARTED=""
}

# psql_q SQL: one query against the test database, unaligned, no headers.
psql_q() { "$PG_BIN/psql" -h "$PG_DIR" -U respec -d respec -XAtq -c "$1"; }

# pg_restart: start a halted server again on the same data directory.
pg_restart() {
  _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $PG_DIR -c max_connections=100" start > /dev/null
}

# pg_test_begin: the preamble of the PostgreSQL shell tests — exit 77
# (skipped) without server binaries; else a private $work (current
# directory), an EXIT trap that stops the emulator and the server and
# removes everything, and a started server ($PG_URL).
pg_test_begin() {
  if ! pg_available; then echo "SKIPPED: PostgreSQL server binaries not found"; exit 77; fi
  work=$(mktemp -d)
  trap 'stop_emulator; stop_pg; rm -rf "$work"' EXIT
  cd "$work"
  start_pg
  _pg_reaper "$work"
}
