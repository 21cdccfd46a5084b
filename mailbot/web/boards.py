"""The visits board and the flagged records, each limited to the children the user may see.

Visits come from the scheduler's visit rows when there are any, and otherwise from the
tracker's "next visit due" dates, so the board works before the scheduler has run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from mailbot.web.access import User, child_condition
from store.models import (
    ChildRow,
    MessageRow,
    PlanRow,
    RecordChild,
    RecordRow,
    RiskFlagRow,
    VisitRow,
)

SUBDIVISIONS = {"england_wales": "ENG", "scotland": "SCT", "northern_ireland": "NIR"}


def working_days_after(start: date, n: int, region: str, closures: Iterable[str] = ()) -> date:
    """The date ``n`` working days after ``start`` (weekends, bank holidays, closures skipped)."""
    closed = {date.fromisoformat(d) for d in closures}
    years = {start.year, start.year + 1}
    bank = holidays.country_holidays("GB", subdiv=SUBDIVISIONS.get(region, "ENG"), years=years)
    day, left = start, n
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in bank and day not in closed:
            left -= 1
    return day


@dataclass(frozen=True)
class DueVisit:
    child_id: str
    child_name: str
    social_worker: str
    visitor_name: str
    visitor_org: str
    due: date
    reference: str
    overdue_days: int = 0


@dataclass(frozen=True)
class UploadItem:
    record_id: int
    children: tuple[tuple[str, str], ...]  # (child id, name)
    visit_date: date | None
    received: datetime
    copy_fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Board:
    as_of: date
    until: date
    due: list[DueVisit]
    overdue: list[DueVisit]
    uploads: list[UploadItem]


def _children(session: Session, user: User) -> dict[str, ChildRow]:
    query = select(ChildRow)
    cond = child_condition(user)
    if cond is not None:
        query = query.where(cond)
    return {c.child_id: c for c in session.scalars(query)}


def _name(child: ChildRow) -> str:
    return f"{child.first_name} {child.last_name}"


def _visits(
    session: Session, kids: dict[str, ChildRow], today: date, until: date
) -> tuple[list[DueVisit], list[DueVisit]]:
    due: list[DueVisit] = []
    overdue: list[DueVisit] = []
    plans = {p.id: p for p in session.scalars(select(PlanRow).where(PlanRow.child_id.in_(kids)))}
    scheduled = list(
        session.scalars(
            select(VisitRow).where(VisitRow.child_id.in_(kids), VisitRow.status == "due")
        )
    )
    have = {(v.plan_id, v.due_date) for v in scheduled}
    entries: list[tuple[str, PlanRow | None, date, str, int | None]] = [
        (v.child_id, plans.get(v.plan_id), v.due_date, v.reference, v.record_id) for v in scheduled
    ]
    for p in plans.values():
        if p.next_visit_due and (p.id, p.next_visit_due) not in have:
            entries.append((p.child_id, p, p.next_visit_due, "", None))
    for child_id, plan, when, reference, record_id in entries:
        child = kids[child_id]
        item = DueVisit(
            child_id, _name(child), child.social_worker,
            plan.visitor_name if plan else "", plan.visitor_org if plan else "", when, reference,
        )  # fmt: skip
        record_due = when + timedelta(days=1)  # a record is due 24 hours after the visit
        if today <= when <= until:
            due.append(item)
        elif (
            record_due < today and record_id is None and not _record_since(session, child_id, when)
        ):
            overdue.append(DueVisit(**{**item.__dict__, "overdue_days": (today - record_due).days}))
    due.sort(key=lambda v: (v.due, v.child_id))
    overdue.sort(key=lambda v: (v.due, v.child_id))
    return due, overdue


def _record_since(session: Session, child_id: str, when: date) -> bool:
    """A record about the child for a visit on or after ``when`` (or undated, received since)."""
    rows = session.execute(
        select(RecordRow.visit_date, RecordRow.created_at)
        .join(RecordChild, RecordChild.record_id == RecordRow.id)
        .where(RecordChild.child_id == child_id)
    ).all()
    return any((v or c.date()) >= when for v, c in rows)


COPY_FIELDS = (
    ("visit_date", "Date of visit"),
    ("visitor_name", "Visitor"),
    ("visitor_role", "Visitor's role"),
    ("visitor_org", "Organisation"),
    ("method", "How the child was seen"),
    ("child_seen", "Child seen"),
    ("seen_alone", "Seen alone"),
    ("attending_school", "Attending school"),
    ("any_concerns", "Any concerns"),
    ("risk_changed", "Risk changed"),
    ("observations", "Observations"),
    ("concerns", "Concerns"),
)
METHODS = {"face_to_face": "Face to face", "virtual": "Virtual", "phone": "Phone"}


def show_value(key: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if key == "method":
        return METHODS.get(str(value), str(value))
    if key.endswith("date") or key == "dob":
        try:
            return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    return str(value)


def copy_fields(record: RecordRow) -> tuple[tuple[str, str], ...]:
    fields = record.fields or {}
    out = []
    for key, label in COPY_FIELDS:
        text = show_value(key, fields.get(key))
        if text:
            out.append((label, text))
    return tuple(out)


def _uploads(session: Session, user: User, kids: dict[str, ChildRow]) -> list[UploadItem]:
    query = (
        select(RecordRow)
        .where(RecordRow.forwarded_at.is_not(None), RecordRow.uploaded_at.is_(None))
        .order_by(RecordRow.created_at, RecordRow.id)
    )
    items = []
    for record in session.scalars(query):
        ids = [c.child_id for c in record.children]
        if not user.sees_all and not any(i in kids for i in ids):
            continue
        named = tuple((i, _name(kids[i]) if i in kids else "") for i in ids)
        items.append(
            UploadItem(record.id, named, record.visit_date, record.created_at, copy_fields(record))
        )
    return items


def visits_board(
    session: Session, user: User, today: date, region: str, closures: Iterable[str]
) -> Board:
    kids = _children(session, user)
    until = working_days_after(today, 7, region, closures)
    due, overdue = _visits(session, kids, today, until)
    return Board(today, until, due, overdue, _uploads(session, user, kids))


@dataclass(frozen=True)
class FlagView:
    indicator: str
    severity: str
    before: str
    matched: str
    after: str
    reviewed_at: datetime | None
    reviewed_by: str | None


@dataclass(frozen=True)
class FlaggedRecord:
    record_id: int
    children: tuple[tuple[str, str], ...]
    visit_date: date | None
    visitor: str
    received: datetime
    flags: tuple[FlagView, ...]

    @property
    def reviewed(self) -> bool:
        return all(f.reviewed_at is not None for f in self.flags)


def highlight(evidence: str, matched: str) -> tuple[str, str, str]:
    """Split the evidence around the words that raised the flag (case-insensitive)."""
    at = evidence.lower().find(matched.lower()) if matched else -1
    if at < 0:
        return "", evidence, ""
    return evidence[:at], evidence[at : at + len(matched)], evidence[at + len(matched) :]


def flag_views(flags: Iterable[RiskFlagRow]) -> tuple[FlagView, ...]:
    return tuple(
        FlagView(f.indicator.replace("_", " "), f.severity, *highlight(f.evidence, f.matched),
                 f.reviewed_at, f.reviewed_by)
        for f in flags
    )  # fmt: skip


def flagged_records(session: Session, user: User, *, unreviewed_only: bool) -> list[FlaggedRecord]:
    kids = _children(session, user)
    ids = select(RiskFlagRow.record_id).distinct()
    if unreviewed_only:
        ids = ids.where(RiskFlagRow.reviewed_at.is_(None))
    query = (
        select(RecordRow, MessageRow.sender)
        .join(MessageRow, MessageRow.id == RecordRow.message_row_id)
        .where(RecordRow.id.in_(ids))
        .order_by(RecordRow.created_at.desc(), RecordRow.id.desc())
    )
    out = []
    for record, sender in session.execute(query):
        child_ids = [c.child_id for c in record.children]
        if not user.sees_all and not any(i in kids for i in child_ids):
            continue
        named = tuple((i, _name(kids[i]) if i in kids else "") for i in child_ids)
        visitor = ", ".join(p for p in (record.visitor_name, record.visitor_org) if p) or sender
        out.append(
            FlaggedRecord(
                record.id,
                named,
                record.visit_date,
                visitor,
                record.created_at,
                flag_views(record.flags),
            )
        )
    return out
