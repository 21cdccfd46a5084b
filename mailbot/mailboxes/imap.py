"""An IMAP mailbox (imapclient): TLS or STARTTLS, password or XOAUTH2, IDLE, move after commit.

Cursor (kept through the CursorStore under the mailbox's name): ``folder``, ``uidvalidity`` and
``last_uid``, the highest UID below which every message yielded has been acknowledged. After a
restart, fetching resumes above ``last_uid``; a message yielded but never acknowledged holds the
cursor back, so it is yielded again after a restart rather than lost.

UIDVALIDITY change (the folder was recreated, or the server rebuilt its index): the old UIDs mean
nothing, so the cursor restarts at 0 and every message still in the folder is yielded again (in
flag mode, every one without the done flag). Nothing is processed twice because the pipeline's
ledger recognises each message by its Message-ID and content hash and records it as a duplicate
before acknowledging it, which moves (or flags) it.

Failures: connection errors and logins the server cannot check now (RFC 5530 ``[UNAVAILABLE]``,
e.g. Dovecot's OAuth2 introspection is down) are retried with capped exponential backoff and
jitter; a refused login, a refused certificate or a command the server rejects raise MailboxError
at once. No error message ever contains a password or token.
"""

from __future__ import annotations

import ipaddress
import logging
import random
import ssl
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from imapclient import IMAPClient, SocketTimeout
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

from mailbot.auth import TokenSource, read_secret_file
from mailbot.errors import MailboxError
from mailbot.mailboxes.base import Backlog, CursorStore, Incoming
from mailbot.mailboxes.retry import Backoff, BackoffPolicy

log = logging.getLogger(__name__)

T = TypeVar("T")
TLS_MODES = ("tls", "starttls", "plain")
_DELETED = b"\\Deleted"
_FLAGGED = b"\\Flagged"
_SYSTEM_UNFLAG_SEARCH = {"\\Seen": "UNSEEN", "\\Flagged": "UNFLAGGED", "\\Answered": "UNANSWERED"}


class _LoginRefused(Exception):
    """The server refused the credentials (kept apart from connection errors: not retried)."""


class _Unavailable(Exception):
    """Login ``NO [UNAVAILABLE]`` (RFC 5530): the server cannot check credentials now; retried."""


def is_loopback(host: str) -> bool:
    try:
        return host.lower() == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 300 else text[:300] + "…"


class ImapMailbox:
    """One IMAP folder watched with IDLE (or polling), acknowledged by MOVE or by a flag."""

    def __init__(
        self,
        name: str,
        cursors: CursorStore,
        *,
        host: str,
        username: str,
        port: int | None = None,
        tls: str = "tls",
        password: str | None = None,
        password_file: str | None = None,
        token_provider: TokenSource | None = None,
        folder: str = "INBOX",
        acknowledge: str = "move",
        processed_folder: str = "Processed",
        exceptions_folder: str = "Exceptions",
        done_flag: str = "$MailbotProcessed",
        cafile: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        connect_timeout: float = 15.0,
        read_timeout: float = 120.0,
        idle_renew: float = 600.0,
        poll_interval: float = 30.0,
        fetch_batch: int = 25,
        backoff: BackoffPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if tls not in TLS_MODES:
            raise MailboxError(f"mailbox {name!r}: tls must be one of {TLS_MODES}, not {tls!r}")
        if tls == "plain" and not is_loopback(host):
            raise MailboxError(
                f"mailbox {name!r}: refusing an unencrypted IMAP connection to {host}; "
                "use tls or starttls (plain is allowed only on loopback)"
            )
        if acknowledge not in ("move", "flag"):
            raise MailboxError(f"mailbox {name!r}: acknowledge must be 'move' or 'flag'")
        if token_provider is None and password is None and password_file is None:
            raise MailboxError(f"mailbox {name!r}: needs a password, password_file or token")
        self.name = name
        self.folder = folder
        self._cursors = cursors
        self._host = host
        self._port = port or (993 if tls == "tls" else 143)
        self._tls = tls
        self._username = username
        self.__password = password
        self._password_file = password_file
        self._token = token_provider
        self._ack_mode = acknowledge
        self._targets = {"processed": processed_folder, "exception": exceptions_folder}
        self._done_flag = done_flag
        self._ssl_context = ssl_context or ssl.create_default_context(cafile=cafile)
        self._timeout = SocketTimeout(connect=connect_timeout, read=read_timeout)
        self._idle_renew = idle_renew
        self._poll_interval = poll_interval
        self._batch = max(1, fetch_batch)
        self._policy = backoff or BackoffPolicy()
        self._backoff = Backoff(self._policy, sleep, rand)
        self._sleep = sleep
        self._monotonic = monotonic
        self._client: IMAPClient | None = None
        self._refresh_token = False
        self._known_folders: set[str] = set()
        self._uidvalidity: int | None = None
        self._low = 0  # the cursor: every yielded UID <= _low was acknowledged
        self._high = 0  # highest UID yielded in this session
        self._outstanding: set[int] = set()
        self._pending: dict[str, list[int]] = {}  # acknowledgements not yet sent, by kind
        self._waiting = Backlog()  # found by the last SEARCH (and yielded, never acknowledged)
        self.connections = 0  # connections opened so far (shown by status, read by tests)

    def __repr__(self) -> str:
        return f"ImapMailbox({self.name!r}, {self._host}:{self._port}, user={self._username!r})"

    # -- connection ------------------------------------------------------------------------

    def open_connection(self) -> IMAPClient:
        """Connect, secure and log in: the one place a client is made (tests may override)."""
        client = IMAPClient(
            self._host,
            port=self._port,
            ssl=self._tls == "tls",
            ssl_context=self._ssl_context,
            timeout=self._timeout,
        )
        try:
            if self._tls == "starttls":
                client.starttls(self._ssl_context)
            self._login(client)
        except BaseException:
            _quietly_shutdown(client)
            raise
        return client

    def _login(self, client: IMAPClient) -> None:
        try:
            if self._token is not None:
                token = self._token(force_refresh=self._refresh_token)
                self._refresh_token = False
                client.oauth2_login(self._username, token)
            else:
                client.login(self._username, self._password())
        except IMAPClientAbortError:
            raise
        except IMAPClientError as exc:  # password logins give "b'[CODE] text'": search it
            temporary = "[UNAVAILABLE]" in str(exc).upper()
            raise (_Unavailable if temporary else _LoginRefused)(_describe(exc)) from None

    def _password(self) -> str:
        if self._password_file is not None:
            return read_secret_file(self._password_file)
        return self.__password or ""

    def _ensure(self) -> IMAPClient:
        if self._client is not None:
            return self._client
        client = self.open_connection()
        self.connections += 1
        try:
            self._select(client)
        except BaseException:
            _quietly_shutdown(client)
            raise
        self._client = client
        log.info(
            "mailbox %s: connected to %s:%s (%s)", self.name, self._host, self._port, self._tls
        )
        return client

    def _select(self, client: IMAPClient) -> None:
        info = client.select_folder(self.folder)
        uidvalidity = int(info[b"UIDVALIDITY"])
        if uidvalidity == self._uidvalidity:
            return
        state = self._cursors.load(self.name)
        same = state.get("folder") == self.folder and state.get("uidvalidity") == str(uidvalidity)
        self._low = int(state.get("last_uid", "0")) if same else 0
        if not same and state.get("uidvalidity"):
            log.warning(
                "mailbox %s: UIDVALIDITY of %s changed (%s -> %s): resyncing, every message "
                "still there is offered again and the ledger skips those already processed",
                self.name,
                self.folder,
                state.get("uidvalidity"),
                uidvalidity,
            )
        self._uidvalidity = uidvalidity
        self._high = self._low
        self._outstanding.clear()
        self._pending.clear()
        self._save_cursor()

    def _save_cursor(self) -> None:
        state = {"folder": self.folder, "uidvalidity": str(self._uidvalidity)}
        self._cursors.save(self.name, {**state, "last_uid": str(self._low)})

    def _drop(self, exc: BaseException) -> None:
        if "AccessTokenExpired" in str(exc):
            self._refresh_token = True
        client, self._client = self._client, None
        if client is not None:
            _quietly_shutdown(client)
        why = "login failed temporarily" if isinstance(exc, _Unavailable) else "connection lost"
        log.warning("mailbox %s: %s: %s", self.name, why, _describe(exc))

    def _call(self, what: str, operation: Callable[[IMAPClient], T]) -> T:
        """Run ``operation`` on a live connection, reconnecting with backoff when it may help."""
        last: BaseException | None = None
        for _ in range(max(1, self._policy.attempts)):
            self._backoff.pause()
            try:
                result = operation(self._ensure())
            except _LoginRefused as exc:
                if self._token is not None and not isinstance(last, _LoginRefused):
                    self._refresh_token = True  # a cached token may have been revoked: once more
                    last = exc
                    continue
                self._backoff.failed()
                raise MailboxError(
                    f"mailbox {self.name!r}: login to {self._host}:{self._port} as "
                    f"{self._username!r} refused: {exc}"
                ) from None
            except ssl.SSLCertVerificationError as exc:
                self._drop(exc)
                self._backoff.failed()
                raise MailboxError(
                    f"mailbox {self.name!r}: certificate of {self._host} refused: {exc.verify_message}"
                ) from exc
            except (IMAPClientAbortError, OSError, _Unavailable) as exc:
                self._drop(exc)
                self._backoff.failed()
                last = exc
                continue
            except IMAPClientError as exc:
                raise MailboxError(
                    f"mailbox {self.name!r}: {what} failed: {_describe(exc)}"
                ) from exc
            self._backoff.succeeded()
            return result
        problem = "login failed temporarily" if isinstance(last, _Unavailable) else "unreachable"
        raise MailboxError(
            f"mailbox {self.name!r}: {what}: {self._host}:{self._port} {problem} after "
            f"{self._policy.attempts} attempts: {_describe(last) if last else 'no answer'}"
        ) from last

    # -- reading ---------------------------------------------------------------------------

    def _new_uids(self, client: IMAPClient) -> list[int]:
        criteria: list[Any] = ["UID", f"{self._high + 1}:*", "UNDELETED"]
        if self._ack_mode == "flag":
            system = _SYSTEM_UNFLAG_SEARCH.get(self._done_flag)
            criteria += [system] if system else ["UNKEYWORD", self._done_flag]
        return sorted(uid for uid in client.search(criteria) if uid > self._high)

    def _reselect_then_search(self, client: IMAPClient) -> list[int]:
        """SELECT again (a folder recreated under a live session is noticed only so), then search."""
        self._select(client)
        return self._new_uids(client)

    def fetch(self, limit: int | None = None) -> Iterator[Incoming]:
        """Messages above the cursor, oldest (lowest UID) first, read without marking them seen."""
        uids = self._call("search for new mail", self._reselect_then_search)
        self.flush()  # after the SELECT: a new UIDVALIDITY has dropped stale acknowledgements
        self._waiting.count = len(uids) + len(self._outstanding)  # what is still in the folder
        uids = uids if limit is None else uids[: max(0, limit)]
        uidvalidity = self._uidvalidity
        for start in range(0, len(uids), self._batch):
            batch = uids[start : start + self._batch]
            data = self._bodies(batch)
            if self._uidvalidity != uidvalidity:
                return  # reconnected to a recreated folder: the next fetch resyncs
            for uid in batch:
                raw = data.get(uid, {}).get(b"BODY[]")
                if raw is None:
                    continue  # expunged meanwhile
                self._high = max(self._high, uid)
                self._outstanding.add(uid)
                yield Incoming(position=f"{self.folder}/{uidvalidity}/{uid}", raw=bytes(raw))

    def _bodies(self, uids: list[int]) -> dict[int, dict[bytes, Any]]:
        return self._call("fetch messages", lambda client: client.fetch(uids, [b"BODY.PEEK[]"]))

    def backlog(self) -> int | None:  # from the last fetch's SEARCH: no extra command
        return self._waiting.count

    # -- acknowledging ---------------------------------------------------------------------

    def _ensure_folder(self, client: IMAPClient, folder: str) -> None:
        if folder in self._known_folders:
            return
        if not client.folder_exists(folder):
            try:
                client.create_folder(folder)
                log.info("mailbox %s: created folder %s", self.name, folder)
            except IMAPClientError:
                if not client.folder_exists(folder):  # not made by someone else meanwhile
                    raise
        self._known_folders.add(folder)

    def acknowledge(self, position: str, outcome: str) -> None:
        """Move the message to Processed/Exceptions (or flag it), then advance the cursor.

        Moves are sent in batches (one UID MOVE per target folder): when ``fetch_batch``
        are waiting, and before the next fetch, wait or close. A crash before a batch is sent
        leaves those messages in the folder; they are offered again and the ledger, which
        already holds them, has them acknowledged again: nothing is processed twice.
        """
        try:
            folder, validity, uid_text = position.rsplit("/", 2)
            uidvalidity, uid = int(validity), int(uid_text)
        except ValueError:
            raise MailboxError(
                f"mailbox {self.name!r}: not an IMAP position: {position!r}"
            ) from None
        if folder != self.folder:
            raise MailboxError(f"mailbox {self.name!r}: {position!r} is not from {self.folder}")
        if self._uidvalidity != uidvalidity:
            log.warning(
                "mailbox %s: %s is from an old UIDVALIDITY; left for resync", self.name, position
            )
            return
        kind = "exception" if outcome == "exception" else "processed"
        self._pending.setdefault(kind, []).append(uid)
        self._waiting.acknowledged()
        if sum(len(u) for u in self._pending.values()) >= self._batch:
            self.flush()

    def flush(self) -> None:
        """Send the acknowledgements waiting in the batch."""
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        uidvalidity = self._uidvalidity

        def operation(client: IMAPClient) -> bool:
            if self._uidvalidity != uidvalidity:
                return False
            for kind, uids in pending.items():
                if self._ack_mode == "flag":
                    flags = [self._done_flag.encode()] + ([_FLAGGED] if kind == "exception" else [])
                    client.add_flags(uids, flags)
                    continue
                target = self._targets[kind]
                self._ensure_folder(client, target)
                if client.has_capability("MOVE"):
                    client.move(uids, target)
                else:
                    client.copy(uids, target)
                    client.add_flags(uids, [_DELETED])
                    if client.has_capability("UIDPLUS"):
                        client.uid_expunge(uids)
                    else:
                        client.expunge()
            return True

        if not self._call("acknowledge messages", operation):
            log.warning("mailbox %s: UIDVALIDITY changed; left for resync", self.name)
            return
        for uids in pending.values():
            self._outstanding.difference_update(uids)
        low = min(self._outstanding) - 1 if self._outstanding else self._high
        if low > self._low:
            self._low = low
            self._save_cursor()

    # -- waiting ---------------------------------------------------------------------------

    def wait(self, timeout: float) -> bool:
        """IDLE (re-issued at least every ``idle_renew`` s) or poll until new mail or timeout.

        A lost connection is re-made (with backoff) and checked for anything that arrived
        meanwhile, so a server restart during the wait misses nothing.
        """
        self.flush()
        deadline = self._monotonic() + max(0.0, timeout)
        while True:
            if self._call("check for new mail", self._new_uids):
                return True
            remaining = deadline - self._monotonic()
            if remaining <= 0:
                return False
            client = self._client
            if client is None:
                continue
            if not client.has_capability("IDLE"):
                self._sleep(min(remaining, self._poll_interval))
                continue
            try:
                if self._idle_once(client, min(remaining, self._idle_renew)):
                    return True
            except (IMAPClientAbortError, OSError) as exc:
                self._drop(exc)
                self._backoff.failed()

    def _idle_once(self, client: IMAPClient, seconds: float) -> bool:
        client.idle()
        responses = client.idle_check(timeout=seconds)
        for response in responses:
            if response and response[0] == b"BYE":
                text = b" ".join(p for p in response[1:] if isinstance(p, bytes))
                raise IMAPClientAbortError(f"BYE {text.decode('utf-8', 'replace')}")
        _text, more = client.idle_done()
        return any(len(r) >= 2 and r[1] in (b"EXISTS", b"RECENT") for r in [*responses, *more])

    def close(self) -> None:
        try:
            self.flush()
        except MailboxError as exc:
            log.warning("mailbox %s: acknowledgements left for next time: %s", self.name, exc)
        client, self._client = self._client, None
        if client is not None:
            try:
                client.logout()
            except Exception:
                _quietly_shutdown(client)


def _quietly_shutdown(client: IMAPClient) -> None:
    try:
        client.shutdown()
    except Exception as exc:  # the socket is already gone
        log.debug("shutdown after error: %s", type(exc).__name__)
