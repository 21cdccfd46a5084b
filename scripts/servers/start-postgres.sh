#!/usr/bin/env bash
# start-postgres.sh - start a private PostgreSQL (Debian's package) for the tests, as root:
# a cluster in $MAILTEST_ROOT/pg owned by user postgres, on 127.0.0.1:$MAILTEST_PG_PORT (15432),
# with role app/app and database app_test. Prints the SQLAlchemy URL:
#
#   postgresql+psycopg://app:app@127.0.0.1:15432/app_test
#
# Idempotent: a running instance is stopped; the cluster is made fresh on every start unless
# PGTEST_KEEP=1. Durability is off (fsync=off): test data only. Exits non-zero with the log on
# failure.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/_lib.sh"

ROOT="${MAILTEST_ROOT:-/tmp/mailtest}"   # user postgres must reach it
PORT="${MAILTEST_PG_PORT:-${PGTEST_PORT:-15432}}"
DB="${PGTEST_DB:-app_test}"
USER_="${PGTEST_USER:-app}"
PASS="${PGTEST_PASSWORD:-app}"
PGD="$ROOT/pg"
t0=$EPOCHREALTIME

# 1. install when missing
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt_install postgresql
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { runuser -u postgres -- "$@"; }

# 2. stop our previous instance; a stale postmaster.pid (after kill -9) blocks a start
if [ -f "$PGD/data/postmaster.pid" ]; then
  as_pg "$BIN/pg_ctl" -D "$PGD/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -f "$PGD/data/postmaster.pid"
fi

# 3. a fresh cluster: unix socket = trust, TCP = scram password
mkdir -p "$ROOT"; chmod 755 "$ROOT"
if [ "${PGTEST_KEEP:-0}" != 1 ] || ! [ -f "$PGD/data/PG_VERSION" ]; then
  rm -rf "$PGD"
  install -d -o postgres -g postgres -m 0700 "$PGD" "$PGD/run"
  printf '%s\n' "$PASS" > "$PGD/pwfile"; chown postgres "$PGD/pwfile"
  if ! as_pg "$BIN/initdb" -D "$PGD/data" -U postgres --pwfile="$PGD/pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PGD/initdb.log" 2>&1; then
    echo "initdb failed; log:" >&2; cat "$PGD/initdb.log" >&2; exit 1
  fi
  rm -f "$PGD/pwfile"
  cat >> "$PGD/data/postgresql.conf" <<CONF
# --- test settings (start-postgres.sh) ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$PGD/run'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
fi

# 4. start and wait until it accepts connections
if ! as_pg "$BIN/pg_ctl" -D "$PGD/data" -l "$PGD/postgres.log" -w -t 60 start >/dev/null 2>&1; then
  echo "postgres did not start; log ($PGD/postgres.log):" >&2
  cat "$PGD/postgres.log" >&2
  exit 1
fi

# 5. role and database (idempotent)
psql_() { as_pg "$BIN/psql" -h "$PGD/run" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ "$(psql_ -d postgres -c "select 1 from pg_roles where rolname='$USER_'")" != 1 ]; then
  psql_ -d postgres -c "create role \"$USER_\" login createdb password '$PASS'"
fi
if [ "$(psql_ -d postgres -c "select 1 from pg_database where datname='$DB'")" != 1 ]; then
  psql_ -d postgres -c "create database \"$DB\" owner \"$USER_\""
fi
echo "postgres up: postgresql+psycopg://$USER_:$PASS@127.0.0.1:$PORT/$DB ($(elapsed "$t0"))"
