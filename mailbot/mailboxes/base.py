"""The one small interface every mailbox (Maildir, IMAP, Graph, EWS) implements."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Incoming:
    position: str  # stable within the mailbox: Maildir key, "INBOX/<uidvalidity>/<uid>", Graph id
    raw: bytes


class Mailbox(Protocol):
    name: str  # the mailbox's name in the settings and the ledger

    def fetch(self, limit: int | None = None) -> Iterator[Incoming]:
        """New messages not yet acknowledged, oldest first."""
        ...

    def acknowledge(self, position: str, outcome: str) -> None:
        """Called only after the message's transaction has committed: move it or flag it."""
        ...

    def backlog(self) -> int | None:
        """How many messages wait in the watched folder as of the last fetch, less those
        acknowledged since (None: this mailbox cannot tell)."""
        ...

    def wait(self, timeout: float) -> bool:
        """Block until new mail may have arrived (IMAP IDLE, polling) or the timeout passes."""
        ...

    def close(self) -> None: ...


class Backlog:
    """The backlog an adapter reports: counted once per fetch, less each acknowledgement."""

    def __init__(self) -> None:
        self.count: int | None = None

    def acknowledged(self) -> None:
        if self.count:
            self.count -= 1


class CursorStore(Protocol):
    """Where a mailbox keeps its cursor (UIDVALIDITY and last UID, a Graph deltaLink, a sync state)."""

    def load(self, mailbox: str) -> dict[str, str]: ...

    def save(self, mailbox: str, state: dict[str, str]) -> None: ...
