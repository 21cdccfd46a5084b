#!/usr/bin/env bash
# stop-all.sh - stop the test servers started by scripts/servers/start-*.sh, using only their
# pid files (never pkill/killall). Safe to run any time, any number of times.
# `stop-all.sh --purge` also deletes $MAILTEST_ROOT.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/_lib.sh"

ROOT="${MAILTEST_ROOT:-/tmp/mailtest}"

# stop_pid NAME PID MATCH: SIGTERM, wait up to 10 s, then SIGKILL; only if cmdline has MATCH
stop_pid() {
  local name=$1 pid=$2 match=$3
  if ! running "$pid"; then echo "$name: not running"; return; fi
  if ! tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$match"; then
    echo "$name: pid $pid is not ours, left alone"; return
  fi
  kill "$pid"
  for _ in $(seq 1 200); do running "$pid" || break; sleep 0.05; done
  if running "$pid"; then kill -9 "$pid"; echo "$name: killed (SIGKILL)"; else echo "$name: stopped"; fi
}

# an SMTP sink started by a sibling script keeps its pid in $ROOT/smtp-sink/pid
if [ -f "$ROOT/smtp-sink/pid" ]; then
  stop_pid smtp-sink "$(cat "$ROOT/smtp-sink/pid")" smtp
  rm -f "$ROOT/smtp-sink/pid"
fi

if [ -f "$ROOT/dovecot/run/master.pid" ]; then
  pid=$(cat "$ROOT/dovecot/run/master.pid")
  stop_pid dovecot "$pid" dovecot
  # IMAP sessions outlive their master: end the dovecot processes left in its process group
  for p in $(ps -eo pid=,pgid=,comm= | awk -v g="$pid" '$2 == g && $3 ~ /^(dovecot|imap|imap-login|lmtp|anvil|log|config|stats|auth)$/ {print $1}'); do
    kill -KILL "$p" 2>/dev/null || true
  done
else echo "dovecot: not running"; fi

if [ -f "$ROOT/pg/data/postmaster.pid" ]; then
  BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  if runuser -u postgres -- "$BIN/pg_ctl" -D "$ROOT/pg/data" -m fast -w stop >/dev/null 2>&1; then
    echo "postgres: stopped"
  else
    echo "postgres: pg_ctl stop failed (see $ROOT/pg/postgres.log)"
  fi
else echo "postgres: not running"; fi

if [ "${1:-}" = --purge ]; then rm -rf "$ROOT"; echo "removed $ROOT"; fi
exit 0
