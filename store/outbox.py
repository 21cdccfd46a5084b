"""Outbox rows: every email is queued in the same transaction as the work that caused it.

A row's unique ``key`` makes each send happen at most once; workers claim rows with a
lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so a dead worker's claim is taken over
when it expires.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from store.inserts import insert_new
from store.models import OutboxRow


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    message_id: str,
    mail_from: str,
    recipients: Sequence[str],
    raw: bytes,
    now: datetime,
    not_before: datetime | None = None,
    record_id: int | None = None,
    visit_id: int | None = None,
    child_ids: Sequence[str] = (),
    reference: str | None = None,
    status: str = "pending",
) -> int | None:
    """Queue one email; its row's ID, or None when an email with this key was queued before
    (never twice, also when two processes queue the same key at once)."""
    values = {
        "key": key,
        "kind": kind,
        "message_id": message_id,
        "mail_from": mail_from,
        "recipients": list(recipients),
        "raw": raw,
        "status": status,
        "attempts": 0,
        "not_before": not_before or now,
        "created_at": now,
        "record_id": record_id,
        "visit_id": visit_id,
        "child_ids": list(child_ids),
        "reference": reference,
    }
    row_id: int | None = insert_new(session, OutboxRow, values, ["key"])
    return row_id


def claim(
    session: Session, *, worker: str, now: datetime, lease: timedelta, limit: int = 20
) -> list[OutboxRow]:
    """Claim rows that are due: pending ones, and ones whose claimant's lease has run out."""
    query = (
        select(OutboxRow)
        .where(
            OutboxRow.not_before <= now,
            or_(
                OutboxRow.status == "pending",
                (OutboxRow.status == "sending") & (OutboxRow.claimed_until < now),
            ),
        )
        .order_by(OutboxRow.id)
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    for row in rows:
        row.status = "sending"
        row.claimed_by = worker
        row.claimed_until = now + lease
        row.attempts += 1
    session.flush()
    return rows


def release_claims(session: Session, now: datetime) -> int:
    """Make every row being sent claimable at once: for a single process that knows the
    claimant died (SQLite's only process, starting again). Returns how many."""
    rows = list(session.scalars(select(OutboxRow).where(OutboxRow.status == "sending")))
    for row in rows:
        row.claimed_until = now - timedelta(seconds=1)
    session.flush()
    return len(rows)


def mark_sent(row: OutboxRow, now: datetime) -> None:
    row.status = "sent"
    row.sent_at = now
    row.claimed_until = None
    row.last_error = None


def mark_failed(row: OutboxRow, error: str, *, retry_at: datetime | None) -> None:
    """A temporary failure retries at ``retry_at``; None means permanent."""
    row.last_error = error
    row.claimed_until = None
    if retry_at is None:
        row.status = "failed"
    else:
        row.status = "pending"
        row.not_before = retry_at


def pending_count(session: Session) -> int:
    from sqlalchemy import func

    return (
        session.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.status.in_(("pending", "sending")))
        )
        or 0
    )
