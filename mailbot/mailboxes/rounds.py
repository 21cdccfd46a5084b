"""A sync cursor (a Graph deltaLink, an EWS sync state) that advances only when it is safe.

Each sync round lists some messages and ends with a new cursor token. The token may be saved
only once every message of its round, and of every round before it, is acknowledged; until
then a restart starts from the older token and offers the unacknowledged messages again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class _Round:
    token: str
    waiting: set[str] = field(default_factory=set)  # listed in the round, not yet acknowledged


class Rounds:
    def __init__(self) -> None:
        self._rounds: list[_Round] = []

    def add(self, token: str, ids: Iterable[str]) -> None:
        self._rounds.append(_Round(token, set(ids)))

    def done(self, item_id: str) -> None:
        for round_ in self._rounds:
            round_.waiting.discard(item_id)

    def settled(self) -> str | None:
        """The newest token whose round and all before it are acknowledged (None if none)."""
        token = None
        while self._rounds and not self._rounds[0].waiting:
            token = self._rounds.pop(0).token
        return token
