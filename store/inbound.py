"""Received messages waiting to be processed, claimed by workers with a lease.

With PostgreSQL, several ``mailbot run`` processes share one mailbox: the one holding the
mailbox's lease receives messages (kept, with a ``received`` ledger row) and every worker
claims received rows with ``FOR UPDATE SKIP LOCKED``. A dead worker's claim runs out and is
taken over; its transaction never committed, so nothing it did is left behind.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from store.models import MessageRow

RECEIVED = "received"


def claim(
    session: Session, *, worker: str, now: datetime, lease: timedelta, limit: int = 10
) -> list[int]:
    query = (
        select(MessageRow)
        .where(
            MessageRow.outcome == RECEIVED,
            or_(MessageRow.claimed_until.is_(None), MessageRow.claimed_until < now),
        )
        .order_by(MessageRow.id)
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    for row in rows:
        row.claimed_by = worker
        row.claimed_until = now + lease
    session.flush()
    return [r.id for r in rows]


def lock_received(session: Session, row_id: int, worker: str) -> MessageRow | None:
    """The row, locked for this transaction, if it is still received and claimed by ``worker``."""
    query = select(MessageRow).where(MessageRow.id == row_id)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None or row.outcome != RECEIVED or row.claimed_by != worker:
        return None
    return row


def waiting(session: Session, mailbox: str | None = None) -> int:
    query = select(func.count()).select_from(MessageRow).where(MessageRow.outcome == RECEIVED)
    if mailbox is not None:
        query = query.where(MessageRow.mailbox == mailbox)
    return session.scalar(query) or 0


def to_acknowledge(session: Session, mailbox: str, limit: int = 200) -> list[MessageRow]:
    """Processed messages still in the mailbox's inbox."""
    return list(
        session.scalars(
            select(MessageRow)
            .where(
                MessageRow.mailbox == mailbox,
                MessageRow.outcome != RECEIVED,
                MessageRow.acknowledged_at.is_(None),
                MessageRow.claimed_by.isnot(None),
            )
            .order_by(MessageRow.id)
            .limit(limit)
        )
    )
