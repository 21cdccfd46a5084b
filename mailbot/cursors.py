"""Mailbox cursors (UIDVALIDITY and last UID, a Graph deltaLink, an EWS sync state) in the store."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from mailbot.clock import Clock
from store.models import MailboxStateRow


class DbCursorStore:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def load(self, mailbox: str) -> dict[str, str]:
        with self._sessions() as session:
            row = session.get(MailboxStateRow, mailbox)
            return {str(k): str(v) for k, v in (row.cursor if row else {}).items()}

    def save(self, mailbox: str, state: dict[str, str]) -> None:
        with self._sessions() as session, session.begin():
            row = session.get(MailboxStateRow, mailbox)
            if row is None:
                row = MailboxStateRow(mailbox=mailbox)
                session.add(row)
            row.cursor = dict(state)

    def fetched(
        self, mailbox: str, error: str | None = None, *, backlog: int | None = None
    ) -> None:
        """Record a fetch: its time and the messages still waiting (None: the mailbox cannot
        tell), or the error that stopped it (the last backlog known is kept)."""
        now = self._clock.now()
        with self._sessions() as session, session.begin():
            row = session.get(MailboxStateRow, mailbox)
            if row is None:
                row = MailboxStateRow(mailbox=mailbox, cursor={})
                session.add(row)
            if error is None:
                row.last_fetch_at = now
                row.last_error = None
                row.backlog = backlog
            else:
                row.last_error = error
                row.last_error_at = now
