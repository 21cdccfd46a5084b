"""An on-premises Exchange mailbox through exchangelib: SyncFolderItems on one folder, move after
commit.

Cursor (through the CursorStore): ``sync_state``, the SyncFolderItems state after the last round
whose messages were all acknowledged; saved only then, so a crash re-reads that round and the
ledger skips what was already processed. An invalid sync state starts a full sync, with the
same guarantee. ``wait`` polls the sync state (EWS streaming notifications are not used).
Raw MIME comes from ``item.mime_content`` (GetItem); acknowledging is MoveItem into
Processed / Exceptions under the mailbox's top of information store (created if missing).

Sign-in is NTLM (the default), basic or OAuth2 client credentials, and ``cafile`` names the CA
that signed the server's certificate: see ``outbound.ews_auth``. A refused sign-in or an
untrusted certificate is reported in plain words and not retried.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from mailbot.auth import read_secret_file
from mailbot.errors import MailboxError
from mailbot.mailboxes.base import Backlog, CursorStore, Incoming
from mailbot.mailboxes.retry import BackoffPolicy
from mailbot.mailboxes.rounds import Rounds
from outbound.ews import EwsSettings, make_account
from outbound.ews_auth import is_certificate_error

log = logging.getLogger(__name__)

_BATCH = 25
T = TypeVar("T")


class EwsMailbox:
    """One folder (the Inbox by default) of an Exchange mailbox."""

    def __init__(
        self,
        name: str,
        cursors: CursorStore,
        *,
        email_address: str,
        service_endpoint: str,
        auth: str = "ntlm",
        username: str | None = None,
        password: str | None = None,
        password_file: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        client_secret_file: str | None = None,
        tenant_id: str | None = None,
        authority: str = "https://login.microsoftonline.com",
        cafile: str | None = None,
        version: str = "Exchange2016",
        folder: str = "inbox",
        processed_folder: str = "Processed",
        exceptions_folder: str = "Exceptions",
        poll_interval: float = 30.0,
        max_wait: float = 60.0,
        account_factory: Callable[[EwsSettings], Any] = make_account,
        backoff: BackoffPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if password_file:
            password = read_secret_file(password_file)
        if client_secret_file:
            client_secret = read_secret_file(client_secret_file)
        self.name = name
        self._settings = EwsSettings(
            email_address=email_address,
            service_endpoint=service_endpoint,
            auth=auth,
            username=username,
            password=password,
            client_id=client_id,
            client_secret=client_secret,
            tenant_id=tenant_id,
            authority=authority,
            cafile=cafile or None,
            version=version,
            max_wait=max_wait,
        )
        self._cursors = cursors
        self._folder_name = folder
        self._targets = {"processed": processed_folder, "exception": exceptions_folder}
        self._factory = account_factory
        self._poll_interval = poll_interval
        self._policy = backoff or BackoffPolicy(base=1.0, cap=max_wait, attempts=5)
        self._max_wait = max_wait
        self._sleep = sleep
        self._rand = rand
        self._monotonic = monotonic
        self._account: Any = None
        self._folder: Any = None
        self._target_folders: dict[str, Any] = {}
        self._state: str | None = cursors.load(name).get("sync_state") or None
        self._queue: list[tuple[str, str]] = []  # (item id, changekey), oldest first
        self._listed: set[str] = set()
        self._rounds = Rounds()
        self._waiting = Backlog()
        self._fresh = False  # the folder was read (GetFolder) in this round: its count is current

    def _fail(self, what: str, exc: Exception) -> MailboxError:
        text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
        reason = self._settings.explain(exc)
        return MailboxError(
            f"mailbox {self.name!r}: {what} at {self._settings.service_endpoint}: "
            f"{reason + ': ' if reason else ''}{type(exc).__name__}{': ' + text if text else ''}"
        )

    def _source(self) -> Any:
        if self._folder is None:
            self._account = self._factory(self._settings)
            self._folder = getattr(self._account, self._folder_name)
            self._fresh = True
        return self._folder

    def _retrying(self, operation: Callable[[], T]) -> T:
        """Run ``operation``; when Exchange is busy wait its back-off hint, when the connection
        fails wait the back-off policy, then try again (``attempts`` in all)."""
        from exchangelib.errors import ErrorServerBusy, TransportError

        for attempt in range(1, self._policy.attempts + 1):
            try:
                return operation()
            except ErrorServerBusy as exc:
                if attempt == self._policy.attempts:
                    raise
                hint = exc.back_off if exc.back_off else self._policy.delay(attempt, self._rand())
                log.info("mailbox %s: Exchange is busy; waiting %.1fs", self.name, hint)
                self._sleep(min(hint, self._max_wait))
            except (TransportError, ConnectionError) as exc:
                if attempt == self._policy.attempts or is_certificate_error(exc):
                    raise
                log.warning("mailbox %s: %s; reconnecting", self.name, type(exc).__name__)
                self._drop()
                self._sleep(self._policy.delay(attempt, self._rand()))
        raise AssertionError("unreachable")

    # -- listing ---------------------------------------------------------------------------

    def _sync_round(self) -> int:
        from exchangelib.errors import ErrorInvalidSyncStateData

        folder = self._source()
        found: list[tuple[str, str, str]] = []
        try:
            changes = list(
                folder.sync_items(sync_state=self._state, only_fields=["datetime_received"])
            )
        except ErrorInvalidSyncStateData:
            log.warning("mailbox %s: sync state refused: full resync", self.name)
            changes = list(folder.sync_items(sync_state=None, only_fields=["datetime_received"]))
        for change_type, item in changes:
            if change_type != "create" or item.id in self._listed:
                continue
            received = item.datetime_received.isoformat() if item.datetime_received else ""
            found.append((received, item.id, item.changekey))
        found.sort()
        new_state = str(folder.item_sync_state)
        self._queue.extend((i, ck) for _, i, ck in found)
        self._listed.update(i for _, i, _ in found)
        self._rounds.add(new_state, (i for _, i, _ in found))
        self._state = new_state
        self._commit()
        return len(found)

    def _commit(self) -> None:
        state = self._rounds.settled()
        if state is not None:
            self._cursors.save(self.name, {"sync_state": state, "folder": self._folder_name})

    def _forget(self, item_id: str) -> None:
        self._rounds.done(item_id)
        self._commit()

    # -- reading ---------------------------------------------------------------------------

    def fetch(self, limit: int | None = None) -> Iterator[Incoming]:
        """New messages of the folder, oldest first, as raw MIME."""
        try:
            self._fresh = False  # True again if this round has to read the folder anew
            if not self._queue:
                self._retrying(self._sync_round)
            self._waiting.count = self._folder_count()
            count = 0
            while self._queue and (limit is None or count < limit):
                room = _BATCH if limit is None else min(_BATCH, limit - count)
                batch = self._queue[:room]
                fetched = self._retrying(functools.partial(self._get_mime, batch))
                del self._queue[: len(batch)]
                for (item_id, _), item in zip(batch, fetched, strict=True):
                    if isinstance(item, Exception) or not item.mime_content:
                        self._forget(item_id)  # moved or deleted meanwhile
                        continue
                    count += 1
                    yield Incoming(position=item_id, raw=bytes(item.mime_content))
        except MailboxError:
            raise
        except Exception as exc:  # exchangelib's errors share no base with requests' errors
            self._drop()
            raise self._fail("fetch failed", exc) from exc

    def _folder_count(self) -> int | None:
        """The folder's TotalCount: GetFolder once per fetch round (None if it cannot be read)."""

        def count() -> Any:
            folder = self._source()
            if not self._fresh:
                folder.refresh()
            self._fresh = False
            return folder.total_count

        try:
            total = self._retrying(count)
            return None if total is None else int(total)
        except Exception as exc:  # exchangelib's errors share no base: the count is only shown
            log.info("mailbox %s: the folder's item count is unknown: %s", self.name, exc)
            return None

    def backlog(self) -> int | None:
        """The folder's TotalCount at the last fetch, less the messages moved out since."""
        return self._waiting.count

    def _get_mime(self, batch: list[tuple[str, str]]) -> list[Any]:
        self._source()
        return list(self._account.fetch(ids=batch, only_fields=["mime_content"]))

    # -- acknowledging ---------------------------------------------------------------------

    def _target(self, outcome: str) -> Any:
        from exchangelib import Folder

        name = self._targets["exception" if outcome == "exception" else "processed"]
        if name not in self._target_folders:
            root = self._account.msg_folder_root
            existing = [f for f in root.children if f.name == name]
            if existing:
                self._target_folders[name] = existing[0]
            else:
                made = Folder(parent=root, name=name)
                made.save()
                log.info("mailbox %s: created folder %s", self.name, name)
                self._target_folders[name] = made
        return self._target_folders[name]

    def acknowledge(self, position: str, outcome: str) -> None:
        """Move the message into Processed / Exceptions; a message already gone counts as moved."""
        from exchangelib.errors import ErrorItemNotFound

        def move() -> None:
            self._source()
            target = self._target(outcome)
            (result,) = self._account.bulk_move(ids=[(position, None)], to_folder=target)
            if isinstance(result, Exception) and not isinstance(result, ErrorItemNotFound):
                raise result

        try:
            self._retrying(move)
        except Exception as exc:
            raise self._fail("cannot move a message", exc) from exc
        self._waiting.acknowledged()
        self._forget(position)

    # -- waiting ---------------------------------------------------------------------------

    def wait(self, timeout: float) -> bool:
        deadline = self._monotonic() + max(0.0, timeout)
        while True:
            if self._queue:
                return True
            try:
                if self._retrying(self._sync_round):
                    return True
            except Exception as exc:
                self._drop()
                raise self._fail("checking for new mail failed", exc) from exc
            remaining = deadline - self._monotonic()
            if remaining <= 0:
                return False
            self._sleep(min(self._poll_interval, remaining))

    def _drop(self) -> None:
        account, self._account, self._folder = self._account, None, None
        self._target_folders.clear()
        if account is not None:
            try:
                account.protocol.close()
            except Exception as exc:
                log.debug("closing the EWS session: %s", type(exc).__name__)

    def close(self) -> None:
        self._drop()
