"""The exceptions queue: what mailbot could not decide with certainty, for a person to look at."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import ExceptionRow


def open_item(
    session: Session,
    *,
    message_row_id: int | None,
    record_id: int | None,
    code: str,
    reason: str,
    candidates: Sequence[dict[str, Any]],
    now: datetime,
    outbox_id: int | None = None,
) -> ExceptionRow:
    row = ExceptionRow(
        message_row_id=message_row_id,
        outbox_id=outbox_id,
        record_id=record_id,
        code=code,
        reason=reason,
        candidates=list(candidates),
        status="open",
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def items(session: Session, status: str | None = "open") -> list[ExceptionRow]:
    query = select(ExceptionRow).order_by(ExceptionRow.created_at, ExceptionRow.id)
    if status is not None:
        query = query.where(ExceptionRow.status == status)
    return list(session.scalars(query))


def resolve(row: ExceptionRow, *, status: str, by: str, at: datetime, resolution: str) -> None:
    row.status = status
    row.resolved_by = by
    row.resolved_at = at
    row.resolution = resolution
