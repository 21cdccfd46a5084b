"""A named lease in the ``leases`` table: one holder at a time, until it expires.

Works the same on SQLite and PostgreSQL: taking the lease is one conditional UPDATE
(mine already, or expired), else one INSERT that only the first of two racers wins.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import LeaseRow


def acquire(session: Session, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease; True when ``holder`` holds it until ``now + ttl``."""
    stmt = (
        update(LeaseRow)
        .where(LeaseRow.name == name)
        .where((LeaseRow.holder == holder) | (LeaseRow.expires_at <= now))
        .values(holder=holder, expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    )
    if session.connection().execute(stmt).rowcount == 1:
        return True
    if session.scalar(select(LeaseRow.name).where(LeaseRow.name == name)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(LeaseRow(name=name, holder=holder, expires_at=now + ttl))
    except IntegrityError:
        return False
    return True


def release(session: Session, name: str, holder: str, now: datetime) -> None:
    """Give the lease up at once, so another process can take it on its next try."""
    session.connection().execute(
        update(LeaseRow)
        .where(LeaseRow.name == name, LeaseRow.holder == holder)
        .values(expires_at=now)
    )


def holder_of(session: Session, name: str, now: datetime) -> str | None:
    row = session.get(LeaseRow, name)
    return row.holder if row is not None and row.expires_at > now else None
