"""Writing a decision down: the record, its flags, the exception, and the forward in the outbox.

Shared by the pipeline (automatic forwards) and by people assigning an exception.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from mailbot.context import Deps
from mailbot.model import Child, Decision, RiskFlag
from mailbot.schedule import visits
from outbound import compose
from outbound.ids import domain_of, make_message_id
from outbound.values import (
    ChildSummary,
    Composed,
    FileAttachment,
    FlagLine,
    RecordSummary,
    Stamp,
)
from parsers.record import ParsedMessage, Reading, VisitRecord
from store import outbox, queue
from store.inserts import table
from store.models import MessageRow, OutboxRow, RecordChild, RecordRow, RiskFlagRow, VisitRow


def record_fields(record: VisitRecord) -> dict[str, Any]:
    """The record's values as JSON, for the store and the web page (no raw text)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        if f.name in {"text", "problems"}:
            continue
        value = getattr(record, f.name)
        out[f.name] = _jsonable(value)
    out["problems"] = [
        {"kind": p.kind.value, "part": p.part, "detail": p.detail} for p in record.problems
    ]
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value


def store_record(
    session: Session,
    row: MessageRow,
    record: VisitRecord,
    decision: Decision,
    flags: Sequence[RiskFlag],
    now: datetime,
) -> int:
    """Keep the record, its children and its flags; returns the record's ID. Plain inserts:
    the pipeline does this for every message, and the ORM's unit of work costs more."""
    values = {
        "message_row_id": row.id,
        "visit_date": record.visit_date,
        "visitor_name": record.visitor_name,
        "visitor_org": record.visitor_org,
        "fields": record_fields(record),
        "match_reason": decision.reason,
        "created_at": now,
    }
    record_id: int = session.execute(
        insert(table(RecordRow)).values(values).returning(table(RecordRow).c.id)
    ).scalar_one()
    children = [{"record_id": record_id, "child_id": c} for c in dict.fromkeys(decision.child_ids)]
    if children:
        session.execute(insert(table(RecordChild)), children)
    if flags:
        rows = [
            {"record_id": record_id, "indicator": f.indicator, "severity": f.severity,
             "evidence": f.evidence, "matched": f.matched}
            for f in flags
        ]  # fmt: skip
        session.execute(insert(table(RiskFlagRow)), rows)
    return record_id


def open_exception(
    session: Session,
    row: MessageRow,
    record_id: int | None,
    code: str,
    reason: str,
    decision: Decision | None,
    now: datetime,
) -> None:
    candidates = [
        {"child_id": c.child_id, "score": round(c.score, 1), "evidence": list(c.evidence)}
        for c in (decision.candidates if decision else ())
    ]
    queue.open_item(
        session,
        message_row_id=row.id,
        record_id=record_id,
        code=code,
        reason=reason,
        candidates=candidates,
        now=now,
    )


def children_for_references(session: Session, references: Iterable[str]) -> tuple[str, ...]:
    refs = [r.upper() for r in references]
    if not refs:
        return ()
    found = list(session.scalars(select(VisitRow.child_id).where(VisitRow.reference.in_(refs))))
    for ids in session.scalars(select(OutboxRow.child_ids).where(OutboxRow.reference.in_(refs))):
        found.extend(ids)
    return tuple(dict.fromkeys(found))


def children_for_replies(session: Session, message_ids: Iterable[str | None]) -> tuple[str, ...]:
    wanted = [m for m in message_ids if m]
    if not wanted:
        return ()
    found: list[str] = []
    for ids in session.scalars(select(OutboxRow.child_ids).where(OutboxRow.message_id.in_(wanted))):
        found.extend(ids)
    return tuple(dict.fromkeys(found))


def queue_composed(
    session: Session, key: str, composed: Composed, now: datetime, **extra: Any
) -> int | None:
    """Put a composed email in the outbox under ``key``; its row's ID, or None when that key
    was queued before."""
    return outbox.enqueue(
        session,
        key=key,
        kind=composed.kind,
        message_id=composed.message_id,
        mail_from=composed.envelope.mail_from,
        recipients=composed.envelope.recipients,
        raw=composed.raw,
        now=now,
        **extra,
    )


def summary_of(record: VisitRecord, message: ParsedMessage, how_matched: str) -> RecordSummary:
    return RecordSummary(
        visit_date=record.visit_date,
        visitor_name=record.visitor_name or message.sender_name or None,
        visitor_role=record.visitor_role,
        visitor_org=record.visitor_org,
        sender=message.sender,
        received=message.date,
        child_seen=record.child_seen,
        seen_alone=record.seen_alone,
        method=record.method,
        attending_school=record.attending_school,
        any_concerns=record.any_concerns,
        risk_changed=record.risk_changed,
        match_reason=how_matched,
        observations=record.observations,
        concerns=record.concerns,
        fields=record.fields,
    )


def attachments_of(message: ParsedMessage) -> list[FileAttachment]:
    files = [FileAttachment(a.filename, a.declared_type, a.data) for a in message.attachments]
    for inner in message.inner:
        files.extend(attachments_of(inner))
    return files


_FORWARDED = (
    update(table(RecordRow))
    .where(table(RecordRow).c.id == bindparam("record_id"))
    .values(forwarded_at=bindparam("at"))
)


def forward(
    session: Session,
    deps: Deps,
    *,
    row: MessageRow,
    record_id: int,
    reading: Reading,
    children: Sequence[Child],
    flags: Sequence[RiskFlag],
    how_matched: str,
    now: datetime,
    actor: str,
    raw: bytes | None = None,
    key: str | None = None,
) -> tuple[str, ...]:
    """Queue the forward of a record to the children's social worker(s); returns the recipients."""
    workers = tuple(dict.fromkeys(c.social_worker_email for c in children))
    managers: tuple[str, ...] = ()
    if flags and deps.settings.forwarding.copy_team_manager_on_flag:
        managers = tuple(
            m for m in dict.fromkeys(c.team_manager_email for c in children) if m not in workers
        )
    key = key or f"forward:{row.id}"
    domain = domain_of(deps.mailbox_address)
    link = (
        f"{deps.settings.service.web_base_url.rstrip('/')}/records/{record_id}"
        if deps.settings.service.web_base_url
        else None
    )
    composed = compose.forward(
        deps.templates,
        stamp=Stamp(message_id=make_message_id(domain, key), date=now),
        to=workers,
        cc=managers,
        children=tuple(
            ChildSummary(c.initials, c.child_id, c.first_name, c.last_name, c.dob) for c in children
        ),
        record=summary_of(reading.record, reading.message, how_matched),
        flags=tuple(FlagLine(f.indicator, f.severity, f.evidence, f.matched) for f in flags),
        attachments=tuple(attachments_of(reading.message)),
        original=raw,
        record_url=link,
    )
    queue_composed(
        session,
        key,
        composed,
        now,
        record_id=record_id,
        child_ids=[c.child_id for c in children],
    )
    visits.on_record(
        session,
        child_ids=[c.child_id for c in children],
        sender=reading.message.sender,
        visit_date=reading.record.visit_date,
        record_id=record_id,
        now=now,
        policy=deps.policy,
        zone=deps.settings.service.timezone,
        prefix=deps.settings.matching.reference_prefix,
        children=children,
    )
    session.execute(_FORWARDED, {"record_id": record_id, "at": now})
    return composed.envelope.recipients
