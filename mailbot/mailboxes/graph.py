"""A Microsoft 365 mailbox through Microsoft Graph: delta query on one folder, move after commit.

Cursor (through the CursorStore): ``delta_link``, the ``@odata.deltaLink`` of the last round
whose messages were all acknowledged. A round's link is saved only then, so a crash re-reads
that round from the previous link and the ledger skips what was already processed; an expired
link (410 Gone) starts a full round again, with the same guarantee.

Graph has no push without a public webhook, so ``wait`` polls the delta link (cheap: an empty
round is one small request). Throttling (429/503/504 with Retry-After), token expiry (401: one
fresh token) and the 4-requests-per-mailbox limit are handled by ``outbound.graph.GraphClient``.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from mailbot.auth import TokenSource
from mailbot.errors import MailbotError, MailboxError
from mailbot.mailboxes.base import Backlog, CursorStore, Incoming
from mailbot.mailboxes.rounds import Rounds
from outbound.graph import GRAPH_URL, GraphClient, GraphError

log = logging.getLogger(__name__)

WELL_KNOWN = {"inbox", "archive", "deleteditems", "junkemail", "drafts", "sentitems"}
_PREFETCH = 4


class GraphMailbox:
    """One folder of a Microsoft 365 mailbox, read with delta queries."""

    def __init__(
        self,
        name: str,
        cursors: CursorStore,
        *,
        mailbox: str,
        token_provider: TokenSource | None = None,
        folder: str = "inbox",
        processed_folder: str = "Processed",
        exceptions_folder: str = "Exceptions",
        base_url: str = GRAPH_URL,
        timeout: float = 30.0,
        poll_interval: float = 30.0,
        page_size: int = 50,
        client: GraphClient | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if client is None:
            if token_provider is None:
                raise MailboxError(f"mailbox {name!r}: a Graph mailbox needs a token provider")
            client = GraphClient(
                token_provider, base_url=base_url, timeout=timeout, sleep=sleep, rand=rand
            )
        self.name = name
        self._cursors = cursors
        self._client = client
        self._user = f"/users/{mailbox}"
        self._folder = folder
        self._targets = {"processed": processed_folder, "exception": exceptions_folder}
        self._folder_ids: dict[str, str] = {}
        self._poll_interval = poll_interval
        self._page_size = page_size
        self._sleep = sleep
        self._monotonic = monotonic
        self._queue: list[str] = []  # ids listed but not yet yielded, oldest first
        self._listed: set[str] = set()  # ids listed in this session (never offered twice)
        self._rounds = Rounds()
        self._waiting = Backlog()
        self._link: str | None = cursors.load(name).get("delta_link") or None
        self._pool = ThreadPoolExecutor(max_workers=_PREFETCH, thread_name_prefix=f"graph-{name}")

    def _fail(self, what: str, exc: Exception) -> MailboxError:
        return MailboxError(f"mailbox {self.name!r}: {what}: {exc}")

    # -- listing ---------------------------------------------------------------------------

    def _first_url(self) -> str:
        return (
            f"{self._user}/mailFolders/{self._folder}/messages/delta"
            "?$select=id,receivedDateTime,internetMessageId"
        )

    def _delta_round(self) -> int:
        """List what changed since the last link; queue the new messages; return how many."""
        url = self._link or self._first_url()
        found: list[tuple[str, str]] = []
        headers = {"Prefer": f"odata.maxpagesize={self._page_size}"}
        while True:
            try:
                page: dict[str, Any] = self._client.request("GET", url, headers=headers).json()
            except GraphError as exc:
                if exc.status == 410 and url != self._first_url():
                    log.warning("mailbox %s: delta link expired: full resync", self.name)
                    self._link, url, found = None, self._first_url(), []
                    continue
                raise
            for item in page.get("value", []):
                if "@removed" in item or item["id"] in self._listed:
                    continue
                found.append((str(item.get("receivedDateTime", "")), str(item["id"])))
            if "@odata.nextLink" in page:
                url = page["@odata.nextLink"]
                continue
            link = str(page["@odata.deltaLink"])
            break
        found.sort()
        ids = [i for _, i in found]
        self._queue.extend(ids)
        self._listed.update(ids)
        self._rounds.add(link, ids)
        self._link = link
        self._commit()
        return len(ids)

    def _commit(self) -> None:
        """Save the newest link all of whose rounds (and those before) are acknowledged."""
        link = self._rounds.settled()
        if link is not None:
            self._cursors.save(self.name, {"delta_link": link, "folder": self._folder})

    # -- reading ---------------------------------------------------------------------------

    def _mime(self, message_id: str) -> bytes | None:
        try:
            return self._client.request("GET", f"{self._user}/messages/{message_id}/$value").content
        except GraphError as exc:
            if exc.status == 404:
                return None  # moved or deleted meanwhile
            raise

    def fetch(self, limit: int | None = None) -> Iterator[Incoming]:
        """New messages of the folder, oldest first (raw MIME through ``$value``)."""
        try:
            if not self._queue:
                self._delta_round()
            self._waiting.count = self._folder_count()
            count = 0
            while self._queue and (limit is None or count < limit):
                room = _PREFETCH if limit is None else min(_PREFETCH, limit - count)
                batch = self._queue[:room]
                bodies = list(self._pool.map(self._mime, batch))
                del self._queue[: len(batch)]
                for message_id, raw in zip(batch, bodies, strict=True):
                    if raw is None:
                        self._forget(message_id)
                        continue
                    count += 1
                    yield Incoming(position=message_id, raw=raw)
        except (GraphError, MailbotError) as exc:
            if isinstance(exc, MailboxError):
                raise
            raise self._fail("fetch failed", exc) from exc

    def _folder_count(self) -> int | None:
        """The folder's totalItemCount: one small request per fetch round (None if refused)."""
        url = f"{self._user}/mailFolders/{self._folder}"
        try:
            folder = self._client.request("GET", url, params={"$select": "totalItemCount"}).json()
            return int(folder["totalItemCount"])
        except (GraphError, MailbotError, KeyError, TypeError, ValueError) as exc:
            log.info("mailbox %s: the folder's item count is unknown: %s", self.name, exc)
            return None

    def backlog(self) -> int | None:
        """The folder's totalItemCount at the last fetch, less the messages moved out since."""
        return self._waiting.count

    def _forget(self, message_id: str) -> None:
        self._rounds.done(message_id)
        self._commit()

    # -- acknowledging ---------------------------------------------------------------------

    def _folder_id(self, display_name: str) -> str:
        if display_name.lower() in WELL_KNOWN:
            return display_name.lower()
        if display_name in self._folder_ids:
            return self._folder_ids[display_name]
        quoted = display_name.replace("'", "''")
        lookup = {"$filter": f"displayName eq '{quoted}'", "$select": "id,displayName"}
        found = self._client.request("GET", f"{self._user}/mailFolders", params=lookup).json()
        if not found.get("value"):
            try:
                made = self._client.request(
                    "POST", f"{self._user}/mailFolders", json={"displayName": display_name}
                ).json()
                found = {"value": [made]}
                log.info("mailbox %s: created folder %s", self.name, display_name)
            except GraphError as exc:
                if exc.status != 409:  # 409: made by someone else meanwhile
                    raise
                found = self._client.request("GET", f"{self._user}/mailFolders", params=lookup)
                found = found.json()
        self._folder_ids[display_name] = str(found["value"][0]["id"])
        return self._folder_ids[display_name]

    def acknowledge(self, position: str, outcome: str) -> None:
        """Move the message to Processed / Exceptions; a message already gone counts as moved."""
        target = self._targets["exception" if outcome == "exception" else "processed"]
        try:
            destination = self._folder_id(target)
            self._client.request(
                "POST",
                f"{self._user}/messages/{position}/move",
                json={"destinationId": destination},
            )
            self._waiting.acknowledged()
        except GraphError as exc:
            if exc.status != 404:
                raise self._fail(f"cannot move a message to {target}", exc) from exc
        except MailbotError as exc:
            raise self._fail(f"cannot move a message to {target}", exc) from exc
        self._forget(position)

    # -- waiting ---------------------------------------------------------------------------

    def wait(self, timeout: float) -> bool:
        """Poll the delta link every ``poll_interval`` seconds until something new is listed."""
        deadline = self._monotonic() + max(0.0, timeout)
        while True:
            if self._queue:
                return True
            try:
                if self._delta_round():
                    return True
            except (GraphError, MailbotError) as exc:
                raise self._fail("checking for new mail failed", exc) from exc
            remaining = deadline - self._monotonic()
            if remaining <= 0:
                return False
            self._sleep(min(self._poll_interval, remaining))

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self._client.close()
