"""Queries about visits for the scheduler, the digest and the tracker export."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import (
    ExceptionRow,
    MessageRow,
    OutboxRow,
    PlanRow,
    RecordChild,
    RecordRow,
    VisitRow,
)


def plans(session: Session) -> list[PlanRow]:
    return list(session.scalars(select(PlanRow).order_by(PlanRow.child_id, PlanRow.id)))


def history(session: Session, plan_ids: Iterable[int]) -> dict[int, list[VisitRow]]:
    """Every visit of each plan, oldest due first."""
    wanted = list(plan_ids)
    out: dict[int, list[VisitRow]] = {p: [] for p in wanted}
    if not wanted:
        return out
    query = select(VisitRow).where(VisitRow.plan_id.in_(wanted)).order_by(VisitRow.due_date)
    for row in session.scalars(query):
        out[row.plan_id].append(row)
    return out


def open_visits(session: Session) -> list[tuple[VisitRow, PlanRow]]:
    query = (
        select(VisitRow, PlanRow)
        .join(PlanRow, PlanRow.id == VisitRow.plan_id)
        .where(VisitRow.status == "due")
        .order_by(VisitRow.due_date, VisitRow.id)
    )
    return [(v, p) for v, p in session.execute(query).tuples()]


def emails_about(
    session: Session, visit_ids: Iterable[int]
) -> dict[int, list[tuple[str, datetime]]]:
    """(kind, queued at) of every outbox row about each visit."""
    wanted = list(visit_ids)
    out: dict[int, list[tuple[str, datetime]]] = {v: [] for v in wanted}
    for chunk in _chunks(wanted, 500):
        query = select(OutboxRow.visit_id, OutboxRow.kind, OutboxRow.created_at).where(
            OutboxRow.visit_id.in_(chunk)
        )
        for visit_id, kind, at in session.execute(query).tuples():
            if visit_id is not None:
                out[visit_id].append((kind, at))
    return out


def existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(list(keys), 500):
        found.update(session.scalars(select(OutboxRow.key).where(OutboxRow.key.in_(chunk))))
    return found


def key_exists(session: Session, key: str) -> bool:
    return session.scalar(select(OutboxRow.id).where(OutboxRow.key == key)) is not None


def add_visit(
    session: Session, *, plan_id: int, child_id: str, due_date: date, reference: str
) -> VisitRow | None:
    """A new visit; None when the plan already has one due that day (another scan made it)."""
    if session.scalar(select(VisitRow.id).where(VisitRow.reference == reference)) is not None:
        return None
    row = VisitRow(
        plan_id=plan_id, child_id=child_id, due_date=due_date, reference=reference, status="due"
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def last_record_visit(session: Session, child_id: str, sender: str) -> date | None:
    """The latest visit date of a record about ``child_id`` that came from ``sender``."""
    query = (
        select(func.max(RecordRow.visit_date))
        .join(RecordChild, RecordChild.record_id == RecordRow.id)
        .join(MessageRow, MessageRow.id == RecordRow.message_row_id)
        .where(RecordChild.child_id == child_id, func.lower(MessageRow.sender) == sender.lower())
    )
    return session.scalar(query)


def visits_for_messages(
    session: Session, message_ids: Sequence[str], references: Sequence[str]
) -> list[VisitRow]:
    """Open visits that emails with these Message-IDs were about, or with these references."""
    ids: set[int] = set()
    if message_ids:
        about = select(OutboxRow.visit_id).where(OutboxRow.message_id.in_(list(message_ids)))
        ids.update(v for v in session.scalars(about) if v is not None)
    query = select(VisitRow).where(VisitRow.status == "due")
    refs = [r.upper() for r in references]
    if ids and refs:
        query = query.where(VisitRow.id.in_(ids) | VisitRow.reference.in_(refs))
    elif ids:
        query = query.where(VisitRow.id.in_(ids))
    elif refs:
        query = query.where(VisitRow.reference.in_(refs))
    else:
        return []
    return list(session.scalars(query))


def records_awaiting_upload(session: Session) -> list[tuple[RecordRow, list[str]]]:
    """Records forwarded but not yet uploaded to the case system, with their children."""
    query = (
        select(RecordRow)
        .where(RecordRow.forwarded_at.is_not(None), RecordRow.uploaded_at.is_(None))
        .order_by(RecordRow.created_at)
    )
    return [(r, [c.child_id for c in r.children]) for r in session.scalars(query)]


def open_exceptions(session: Session) -> list[ExceptionRow]:
    query = select(ExceptionRow).where(ExceptionRow.status == "open")
    return list(session.scalars(query.order_by(ExceptionRow.created_at)))


def failed_sends(session: Session) -> list[OutboxRow]:
    query = select(OutboxRow).where(OutboxRow.status == "failed").order_by(OutboxRow.created_at)
    return list(session.scalars(query))


def _chunks(items: Sequence[object], size: int) -> Iterable[list[object]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])
