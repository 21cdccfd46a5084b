"""A Sender over SMTP (smtplib): STARTTLS or implicit TLS, password or XOAUTH2.

One connection is reused across sends and re-made when the server has dropped it.
A message goes to all its recipients or to none: every RCPT is tried before DATA, and
if any is refused the transaction is reset and nothing is sent, so a retry can never
deliver twice to the recipients that were accepted.

Failures become ``SendError``: 4xx replies and connection problems are temporary;
5xx replies and refused recipients are permanent and name the recipient. An
authentication failure is reported as temporary (the message is fine; the settings are
not), so messages wait rather than fail while someone fixes the credentials.
"""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import logging
import smtplib
import ssl
import time
from collections.abc import Callable

from outbound.errors import OutboundError
from outbound.sender import Envelope, SendError

log = logging.getLogger(__name__)
SECURITY = ("starttls", "tls", "none")


def xoauth2_string(user: str, token: str) -> str:
    """The SASL XOAUTH2 initial response, before base64 (smtplib encodes it)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def xoauth2_base64(user: str, token: str) -> str:
    return base64.b64encode(xoauth2_string(user, token).encode("utf-8")).decode("ascii")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SmtpSender:
    def __init__(
        self,
        host: str,
        port: int = 587,
        security: str = "starttls",
        username: str = "",
        password: str = "",
        oauth_token_provider: Callable[[], str] | None = None,
        timeout: float = 30.0,
        cafile: str | None = None,
        local_hostname: str | None = None,
        idle_check_seconds: float = 20.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if security not in SECURITY:
            raise OutboundError(f"SMTP security must be one of {', '.join(SECURITY)}: {security!r}")
        if security == "none" and not _is_loopback(host):
            raise OutboundError("SMTP without TLS is allowed only on loopback")
        self.host, self.port, self.security = host, port, security
        self.username, self._password = username, password
        self._token = oauth_token_provider
        self.timeout = timeout
        self._context = ssl.create_default_context(cafile=cafile or None)
        self._local_hostname = local_hostname
        self._idle_check = idle_check_seconds
        self._monotonic = monotonic
        self._conn: smtplib.SMTP | None = None
        self._last_used = 0.0

    def __repr__(self) -> str:  # never shows the password
        return f"SmtpSender({self.host}:{self.port}, {self.security}, user={self.username!r})"

    # -- connection -------------------------------------------------------------------

    def _connect(self) -> smtplib.SMTP:
        """The one place a connection is made (tests may override it)."""
        conn: smtplib.SMTP
        if self.security == "tls":
            conn = smtplib.SMTP_SSL(
                self.host, self.port, local_hostname=self._local_hostname,
                timeout=self.timeout, context=self._context,
            )  # fmt: skip
        else:
            conn = smtplib.SMTP(
                self.host, self.port, local_hostname=self._local_hostname, timeout=self.timeout
            )
        try:
            conn.ehlo()
            if self.security == "starttls":
                if not conn.has_extn("starttls"):
                    raise SendError(
                        f"{self.host} does not offer STARTTLS; refusing to send in clear",
                        permanent=False,
                    )
                conn.starttls(context=self._context)
                conn.ehlo()
            self._authenticate(conn)
        except BaseException:
            _quietly_close(conn)
            raise
        return conn

    def _authenticate(self, conn: smtplib.SMTP) -> None:
        if self._token is not None:
            token = self._token()
            conn.auth(
                "XOAUTH2",
                lambda challenge=None: "" if challenge else xoauth2_string(self.username, token),
                initial_response_ok=True,
            )
        elif self.username:
            # One attempt with one mechanism (PLAIN, else LOGIN): failed logins lock accounts.
            offered = (conn.esmtp_features.get("auth") or "").upper().split()
            conn.user, conn.password = self.username, self._password
            if "PLAIN" in offered:
                conn.auth("PLAIN", conn.auth_plain)
            elif "LOGIN" in offered:
                conn.auth("LOGIN", conn.auth_login)
            else:
                conn.login(self.username, self._password)

    def _connection(self) -> smtplib.SMTP:
        now = self._monotonic()
        if self._conn is not None and now - self._last_used > self._idle_check:
            try:
                code, _ = self._conn.noop()
                if code != 250:
                    raise smtplib.SMTPServerDisconnected("NOOP refused")
            except (smtplib.SMTPException, OSError):
                self._drop()
        if self._conn is None:
            self._conn = self._connect()
        self._last_used = now
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            _quietly_close(self._conn)
        self._conn = None

    # -- sending ----------------------------------------------------------------------

    def send(self, raw: bytes, envelope: Envelope, message_id: str) -> None:
        if not envelope.recipients:
            raise SendError("no recipients", permanent=True)
        try:
            try:
                self._transaction(self._connection(), raw, envelope)
            except smtplib.SMTPServerDisconnected:
                # Dropped before DATA was accepted (DATA itself is never retried here).
                self._drop()
                self._transaction(self._connection(), raw, envelope)
        except SendError:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            self._drop()
            raise SendError(
                f"SMTP authentication failed for {self.username!r}: {exc.smtp_code}",
                permanent=False,
            ) from exc
        except smtplib.SMTPResponseException as exc:
            self._reset()
            code = exc.smtp_code
            text = _reply_text(exc.smtp_error)
            raise SendError(f"SMTP {code} {text}", permanent=500 <= code < 600) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise SendError(f"SMTP connection to {self.host}:{self.port} failed: {exc}", permanent=False) from exc  # fmt: skip
        log.debug("sent %s to %d recipient(s)", message_id, len(envelope.recipients))

    def _transaction(self, conn: smtplib.SMTP, raw: bytes, envelope: Envelope) -> None:
        options = []
        if conn.has_extn("8bitmime") and not raw.isascii():
            options.append("BODY=8BITMIME")
        if conn.has_extn("size"):
            options.append(f"SIZE={len(raw)}")
        code, reply = conn.mail(envelope.mail_from, options)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, envelope.mail_from)
        for recipient in envelope.recipients:
            code, reply = conn.rcpt(recipient)
            if code not in (250, 251):
                self._reset()
                raise SendError(
                    f"recipient {recipient} refused: {code} {_reply_text(reply)}",
                    permanent=500 <= code < 600,
                    recipient=recipient,
                )
        code, reply = conn.data(raw)
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)

    def _reset(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def already_sent(self, message_id: str) -> bool | None:
        return None  # SMTP cannot tell

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._conn.quit()
            self._drop()


def _reply_text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())[:300]


def _quietly_close(conn: smtplib.SMTP) -> None:
    with contextlib.suppress(OSError):
        conn.close()
