#!/usr/bin/env bash
# start-dovecot.sh - start a private Dovecot on 127.0.0.1 for the tests (Debian 12, as root).
# Never touches /etc/dovecot; everything lives under $MAILTEST_ROOT/dovecot.
#
#   IMAP  (plain login + STARTTLS)  127.0.0.1:$MAILTEST_IMAP_PORT   (10143)
#   IMAPS (self-signed cert)        127.0.0.1:$MAILTEST_IMAPS_PORT  (10993)
#   LMTP  (local delivery)          127.0.0.1:$MAILTEST_LMTP_PORT   (10024)
#   users $MAILTEST_USERS ("user:password ...", default alice:alicepw bob:bobpw sink:sinkpw)
#   XOAUTH2 / OAUTHBEARER for the same users: Dovecot POSTs token=<token> to
#         http://127.0.0.1:$MAILTEST_OAUTH_INTROSPECT_PORT/introspect (10180), which the test
#         that needs it runs; the answer must be {"active": true, "username": "<user>"}
#   mail  $MAILTEST_ROOT/mail/<user>/Maildir (owned by system user vmail)
#   cert  $MAILTEST_ROOT/dovecot/ssl/cert.pem (SAN localhost + 127.0.0.1: use it as cafile)
#
# Idempotent: a running instance is stopped and started again. Mail is wiped on every
# start unless MAILTEST_KEEP_MAIL=1 (which is how tests restart it under a connected client).
# Exits non-zero and prints the server log when Dovecot does not answer.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/_lib.sh"

ROOT="${MAILTEST_ROOT:-/tmp/mailtest}"   # vmail/dovenull must reach it: NOT under /root
IMAP_PORT="${MAILTEST_IMAP_PORT:-10143}"
IMAPS_PORT="${MAILTEST_IMAPS_PORT:-10993}"
LMTP_PORT="${MAILTEST_LMTP_PORT:-10024}"
INTROSPECT_PORT="${MAILTEST_OAUTH_INTROSPECT_PORT:-10180}"
USERS="${MAILTEST_USERS:-alice:alicepw bob:bobpw sink:sinkpw}"
D="$ROOT/dovecot"
CONF="$D/dovecot.conf"
t0=$EPOCHREALTIME

# 1. install when missing
if ! [ -x /usr/sbin/dovecot ] || ! [ -x /usr/lib/dovecot/imap ] || ! [ -x /usr/lib/dovecot/lmtp ] \
   || ! command -v openssl >/dev/null; then
  apt_install dovecot-imapd dovecot-lmtpd openssl
fi

# 2. Dovecot refuses mail access as root: the mail belongs to a system user
id -u vmail >/dev/null 2>&1 || useradd --system --user-group --no-create-home \
  --home-dir /nonexistent --shell /usr/sbin/nologin vmail

# 3. stop our previous instance: SIGTERM to the master's process group (the master leads
#    it), then SIGKILL whatever is left: without that, open IMAP sessions outlive the master
#    and a "restart" would not drop the clients. Then drop a stale master.pid, else Dovecot
#    refuses to start while a killed master's zombie is not yet reaped.
if [ -f "$D/run/master.pid" ] && running "$(cat "$D/run/master.pid")"; then
  pid=$(cat "$D/run/master.pid")
  kill -TERM -- "-$pid" 2>/dev/null || kill "$pid"
  for _ in $(seq 1 100); do running "$pid" || break; sleep 0.05; done
  kill -KILL -- "-$pid" 2>/dev/null || true
fi
if [ -f "$D/run/master.pid" ] && ! running "$(cat "$D/run/master.pid")"; then
  rm -f "$D/run/master.pid"
fi

# 4. directories, certificate, users
mkdir -p "$ROOT" "$D/ssl" "$D/state"
chmod 755 "$ROOT" "$D"
if [ "${MAILTEST_KEEP_MAIL:-0}" != 1 ]; then rm -rf "$ROOT/mail"; fi
install -d -o vmail -g vmail -m 0755 "$ROOT/mail"
if ! [ -s "$D/ssl/cert.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$D/ssl/key.pem" -out "$D/ssl/cert.pem" 2>/dev/null
  chmod 600 "$D/ssl/key.pem"
  chmod 644 "$D/ssl/cert.pem"
fi
: > "$D/users"    # passwd-file: user:{PLAIN}password:uid:gid:gecos:home:shell:extra
for up in $USERS; do
  u="${up%%:*}"; p="${up#*:}"
  printf '%s:{PLAIN}%s::::::\n' "$u" "$p" >> "$D/users"
  install -d -o vmail -g vmail -m 0700 "$ROOT/mail/$u" "$ROOT/mail/$u/Maildir" \
    "$ROOT/mail/$u/Maildir/cur" "$ROOT/mail/$u/Maildir/new" "$ROOT/mail/$u/Maildir/tmp"
done
chmod 644 "$D/users"   # read by the auth process (user dovecot)

# 5. configuration
cat > "$CONF" <<CONF
# private Dovecot 2.3 configuration for mailbot's tests (written by start-dovecot.sh)
instance_name = mailtest
base_dir = $D/run
state_dir = $D/state
log_path = $D/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1

default_internal_user = dovecot
default_login_user = dovenull
mail_uid = vmail
mail_gid = vmail
first_valid_uid = 1
first_valid_gid = 1

auth_username_format = %Ln
auth_mechanisms = plain login xoauth2 oauthbearer
disable_plaintext_auth = no
auth_failure_delay = 0
# passwords go to the passwd-file, bearer tokens to the oauth2 passdb (each skips the other's
# mechanisms); no auth cache, so a token revoked at the endpoint is refused at the next login
passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN $D/users
}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $D/dovecot-oauth2.conf.ext
}
userdb {
  driver = passwd-file
  args = $D/users
}
mail_home = $ROOT/mail/%n
mail_location = maildir:~/Maildir
mail_fsync = never
# IDLE is pushed through inotify (Dovecot batches changes for ~0.5 s); this polling
# fallback only matters past fs.inotify.max_user_instances
mailbox_idle_check_interval = 1 secs

namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \Archive
    auto = subscribe
  }
}

ssl = yes
ssl_cert = <$D/ssl/cert.pem
ssl_key = <$D/ssl/key.pem
ssl_dh = </usr/share/dovecot/dh.pem

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS_PORT
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $LMTP_PORT
  }
}
protocol imap {
  mail_max_userip_connections = 500
}
# no per-IP authentication penalty (2-15 s after a failed login): every test connects from
# 127.0.0.1, so one wrong-password test would slow down all the others
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
protocol lmtp {
  postmaster_address = postmaster@localhost
}
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
CONF

# the oauth2 passdb: RFC 7662 introspection by POST; the username must match the login's
cat > "$D/dovecot-oauth2.conf.ext" <<OAUTH
introspection_mode = post
introspection_url = http://127.0.0.1:$INTROSPECT_PORT/introspect
force_introspection = yes
username_attribute = username
username_format = %Ln
active_attribute = active
active_value = true
timeout_msecs = 5000
OAUTH
chmod 644 "$D/dovecot-oauth2.conf.ext"

# 6. start; the master keeps its stdio open, so send it to the log (else `| tee` hangs)
: > "$D/dovecot.log"
if ! dovecot -c "$CONF" </dev/null >>"$D/dovecot.log" 2>&1 \
   || ! wait_banner "$IMAP_PORT" "* OK" "$(cat "$D/run/master.pid" 2>/dev/null || echo 0)"; then
  echo "dovecot did not come up; log ($D/dovecot.log):" >&2
  cat "$D/dovecot.log" >&2
  exit 1
fi
echo "dovecot up: imap=127.0.0.1:$IMAP_PORT imaps=127.0.0.1:$IMAPS_PORT lmtp=127.0.0.1:$LMTP_PORT oauth2 introspection=127.0.0.1:$INTROSPECT_PORT ($(elapsed "$t0"))"
