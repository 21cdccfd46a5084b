"""What people do with the exceptions queue: assign to children (which forwards), dismiss.

Used by the command line and the web page alike; every action is audited with who did it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

import parsers
from mailbot import routing
from mailbot.context import Deps
from mailbot.errors import UsageError
from mailbot.model import Outcome, RiskFlag
from mailbot.risk import flags as risk_flags
from store import audit, ledger, queue
from store.models import ExceptionRow, MessageRow, RecordChild, RecordRow, RiskFlagRow


@dataclass(frozen=True)
class Item:
    id: int
    status: str
    code: str
    reason: str
    sender: str
    subject: str
    received_at: str
    candidates: list[dict[str, Any]]
    record: dict[str, Any] | None
    history: list[str]


def _get(session: Session, exception_id: int) -> ExceptionRow:
    row = session.get(ExceptionRow, exception_id)
    if row is None:
        raise UsageError(f"no exception with ID {exception_id}")
    return row


def describe(session: Session, row: ExceptionRow) -> Item:
    message = session.get(MessageRow, row.message_row_id) if row.message_row_id else None
    record = session.get(RecordRow, row.record_id) if row.record_id else None
    history = [
        f"{a.at:%Y-%m-%d %H:%M} {a.actor}: {a.action}"
        + (f" ({a.detail.get('reason') or a.detail.get('children')})" if a.detail else "")
        for a in audit.trail(session, "exception", row.id)
    ]
    return Item(
        id=row.id,
        status=row.status,
        code=row.code,
        reason=row.reason,
        sender=message.sender if message else "",
        subject=message.subject if message else "",
        received_at=(message.received_at if message else row.created_at).isoformat(),
        candidates=list(row.candidates),
        record=record.fields if record else None,
        history=history,
    )


def list_items(deps: Deps, status: str | None = "open") -> list[Item]:
    with deps.sessions() as session:
        return [describe(session, r) for r in queue.items(session, status)]


def show(deps: Deps, exception_id: int) -> Item:
    with deps.sessions() as session:
        return describe(session, _get(session, exception_id))


def assign(deps: Deps, exception_id: int, child_ids: list[str], by: str) -> tuple[str, ...]:
    """Assign the record to these children and forward it; returns the recipients."""
    now = deps.clock.now()
    with deps.sessions() as session, session.begin():
        row = _get(session, exception_id)
        if row.status != "open":
            raise UsageError(f"exception {exception_id} is already {row.status}")
        message = session.get(MessageRow, row.message_row_id) if row.message_row_id else None
        if message is None:
            raise UsageError(f"exception {exception_id} has no message to forward")
        roster = deps.rosters.get(session)
        wanted = [c.strip().upper() for c in child_ids]
        children = [roster.child(c) for c in wanted]
        missing = [c for c, found in zip(wanted, children, strict=True) if found is None]
        if missing:
            raise UsageError(f"not in the tracker: {', '.join(missing)}")
        raw = ledger.raw_bytes(session, message.sha256)
        if raw is None:
            raise UsageError(f"the original of exception {exception_id} was purged")
        reading = parsers.read(raw, deps.read_options)
        flags: tuple[RiskFlag, ...] = risk_flags(reading.record, deps.rules)
        how = f"assigned by {by} from the exceptions queue"
        record_row = session.get(RecordRow, row.record_id) if row.record_id else None
        if record_row is None:
            record_row = RecordRow(
                message_row_id=message.id,
                visit_date=reading.record.visit_date,
                visitor_name=reading.record.visitor_name,
                visitor_org=reading.record.visitor_org,
                fields=routing.record_fields(reading.record),
                match_reason=how,
                created_at=now,
            )
            record_row.flags = [
                RiskFlagRow(
                    indicator=f.indicator,
                    severity=f.severity,
                    evidence=f.evidence,
                    matched=f.matched,
                )
                for f in flags
            ]
            session.add(record_row)
            session.flush()
            row.record_id = record_row.id
        record_row.match_reason = how
        record_row.children = [RecordChild(child_id=c) for c in dict.fromkeys(wanted)]
        sent = routing.forward(
            session,
            deps,
            row=message,
            record_row=record_row,
            reading=reading,
            children=[c for c in children if c is not None],
            flags=flags,
            how_matched=how,
            now=now,
            actor=by,
            raw=raw,
            key=f"forward:{message.id}:exception:{row.id}",
        )
        message.outcome = Outcome.FORWARDED.value
        queue.resolve(row, status="assigned", by=by, at=now, resolution=", ".join(wanted))
        audit.record(
            session,
            at=now,
            actor=by,
            action="assigned",
            subject_type="exception",
            subject_id=row.id,
            children=wanted,
            to=list(sent),
        )
        return sent


def dismiss(deps: Deps, exception_id: int, reason: str, by: str) -> None:
    if not reason.strip():
        raise UsageError("a dismissal needs a reason")
    now = deps.clock.now()
    with deps.sessions() as session, session.begin():
        row = _get(session, exception_id)
        if row.status != "open":
            raise UsageError(f"exception {exception_id} is already {row.status}")
        queue.resolve(row, status="dismissed", by=by, at=now, resolution=reason.strip())
        audit.record(
            session,
            at=now,
            actor=by,
            action="dismissed",
            subject_type="exception",
            subject_id=row.id,
            reason=reason.strip(),
        )
