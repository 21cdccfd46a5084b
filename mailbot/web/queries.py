"""What the queue and item pages show, read from the store (the actions are in casework)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from mailbot import casework
from mailbot.context import Deps
from mailbot.web.access import User, child_condition
from store import audit
from store.models import AuditRow, ChildRow, ExceptionRow, RecordRow, RiskFlagRow

REASONS = {
    "no_match": "No child in the tracker matches",
    "uncertain_match": "Not sure which child this is about",
    "several_social_workers": "Children with different social workers",
    "not_a_record": "Not a visit record",
    "internal_error": "mailbot could not read it",
    "malformed": "The email is broken",
    "corrupt": "A file is damaged",
    "encrypted": "A document is password-protected",
    "secure_mail": "A secure-mail link, not the record",
    "smime": "An encrypted (S/MIME) email",
    "macro": "A file with macros (not opened)",
    "too_large": "Too large to read",
    "timeout": "Took too long to read",
    "low_confidence_ocr": "A scan that could not be read clearly",
    "nesting": "Emails attached too deeply",
    "no_record": "No visit record found in it",
    "unsupported": "A file type mailbot cannot read",
}
SORTS = {
    "oldest": "Oldest first",
    "newest": "Newest first",
    "reason": "Reason",
    "sender": "Sender",
}
STATUSES = {"open": "Open", "assigned": "Assigned", "dismissed": "Dismissed", "all": "All"}


def reason_label(code: str) -> str:
    return REASONS.get(code, code.replace("_", " ").capitalize())


@dataclass(frozen=True)
class ChildCard:
    """A tracker entry, shown to confirm who a child is."""

    child_id: str
    name: str
    dob: date | None
    legal_status: str
    rag: str
    school: str
    social_worker: str
    score: float | None = None
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueueRow:
    item: casework.Item
    label: str
    received: datetime
    cards: tuple[ChildCard, ...] = field(default=())


def card(row: ChildRow, score: float | None = None, evidence: Sequence[str] = ()) -> ChildCard:
    return ChildCard(
        row.child_id,
        f"{row.first_name} {row.last_name}",
        row.dob,
        row.legal_status,
        row.rag,
        row.school,
        row.social_worker,
        score,
        tuple(evidence),
    )


def candidate_cards(
    session: Session, candidates: Sequence[dict[str, Any]]
) -> tuple[ChildCard, ...]:
    ids = [str(c.get("child_id", "")) for c in candidates]
    rows = {
        r.child_id: r for r in session.scalars(select(ChildRow).where(ChildRow.child_id.in_(ids)))
    }
    cards = []
    for c in candidates:
        row = rows.get(str(c.get("child_id", "")))
        if row is not None:
            cards.append(card(row, c.get("score"), c.get("evidence") or ()))
    return tuple(cards)


def queue(deps: Deps, *, status: str, code: str, sort: str) -> list[QueueRow]:
    items = casework.list_items(deps, None if status == "all" else status)
    if code:
        items = [i for i in items if i.code == code]
    with deps.sessions() as session:
        rows = [
            QueueRow(i, reason_label(i.code), datetime.fromisoformat(i.received_at),
                     candidate_cards(session, i.candidates))
            for i in items
        ]  # fmt: skip
    keys = {
        "oldest": lambda r: (r.received, r.item.id),
        "newest": lambda r: (r.received, r.item.id),
        "reason": lambda r: (r.label, r.received, r.item.id),
        "sender": lambda r: (r.item.sender, r.received, r.item.id),
    }
    rows.sort(key=keys.get(sort, keys["oldest"]), reverse=sort == "newest")  # type: ignore[arg-type]
    return rows


def codes_in_queue(session: Session) -> list[str]:
    return sorted(set(session.scalars(select(ExceptionRow.code).distinct())))


@dataclass(frozen=True)
class Counts:
    open_exceptions: int = 0
    flagged_unreviewed: int = 0
    not_uploaded: int = 0


def _record_ids_for(user: User) -> Any:
    """A subquery of record ids about children the user may see (None: every record)."""
    from store.models import RecordChild

    cond = child_condition(user)
    if cond is None:
        return None
    return (
        select(RecordChild.record_id)
        .join(ChildRow, ChildRow.child_id == RecordChild.child_id)
        .where(cond)
    )


def counts(session: Session, user: User) -> Counts:
    open_n = 0
    if user.works_queue:
        open_n = (
            session.scalar(
                select(func.count()).select_from(ExceptionRow).where(ExceptionRow.status == "open")
            )
            or 0
        )
    mine = _record_ids_for(user)
    flagged = select(func.count(func.distinct(RiskFlagRow.record_id))).where(
        RiskFlagRow.reviewed_at.is_(None)
    )
    waiting = (
        select(func.count())
        .select_from(RecordRow)
        .where(RecordRow.forwarded_at.is_not(None), RecordRow.uploaded_at.is_(None))
    )
    if mine is not None:
        flagged = flagged.where(RiskFlagRow.record_id.in_(mine))
        waiting = waiting.where(RecordRow.id.in_(mine))
    return Counts(open_n, session.scalar(flagged) or 0, session.scalar(waiting) or 0)


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


def _as_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def search_children(session: Session, query: str, limit: int = 20) -> list[ChildCard]:
    """Children by ID, date of birth, or any part of the name (case-insensitive)."""
    text = query.strip()
    if not text:
        return []
    stmt = select(ChildRow)
    born = _as_date(text)
    if born is not None:
        stmt = stmt.where(ChildRow.dob == born)
    else:
        words = [w for w in re.split(r"[\s,]+", text.lower()) if w]
        for word in words:
            like = f"%{word}%"
            stmt = stmt.where(
                or_(
                    func.lower(ChildRow.child_id) == word,
                    func.lower(ChildRow.first_name).like(like),
                    func.lower(ChildRow.last_name).like(like),
                )
            )
    rows = session.scalars(stmt.order_by(ChildRow.last_name, ChildRow.first_name).limit(limit))
    return [card(r) for r in rows]


@dataclass(frozen=True)
class TrailLine:
    at: datetime
    actor: str
    action: str
    detail: str


VIEW_ACTIONS = frozenset({"viewed", "downloaded"})


def _detail(row: AuditRow) -> str:
    d = row.detail or {}
    parts = []
    for key in ("reason", "children", "to", "note", "outcome", "file", "flags"):
        value = d.get(key)
        if value:
            text = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
            parts.append(f"{key.replace('_', ' ')}: {text}")
    return "; ".join(parts)


def trail(session: Session, subjects: Sequence[tuple[str, object]]) -> list[TrailLine]:
    rows: list[AuditRow] = []
    for subject_type, subject_id in subjects:
        if subject_id is not None:
            rows.extend(audit.trail(session, subject_type, subject_id))
    rows.sort(key=lambda r: (r.at, r.id))
    return [TrailLine(r.at, r.actor, r.action.replace("_", " "), _detail(r)) for r in rows]


def record_of(session: Session, record_id: int | None) -> RecordRow | None:
    return session.get(RecordRow, record_id) if record_id else None
