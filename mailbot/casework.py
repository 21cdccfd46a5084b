"""What people do with the exceptions queue: assign to children (which forwards), dismiss.

Used by the command line and the web page alike; every action is audited with who did it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

import parsers
from mailbot import routing
from mailbot.context import Deps
from mailbot.errors import UsageError
from mailbot.matching import decide
from mailbot.model import MatchContext, Outcome, RiskFlag
from mailbot.pipeline import BLOCKING
from mailbot.risk import flags as risk_flags
from outbound import compose
from outbound.ids import domain_of, make_message_id, make_reference
from outbound.values import ChildSummary, Stamp
from store import audit, ledger, outbox, queue
from store.models import ExceptionRow, MessageRow, RecordChild, RecordRow, RiskFlagRow

# Items that matching left undecided: worth matching again after a tracker update.
REPROCESSABLE = frozenset({"no_match", "uncertain_match", "several_social_workers"})
SEVERAL_WORKERS = (
    "the record names children with different social workers: "
    "forward it to each by hand or split it"
)


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
        row = _open(session, exception_id)
        how = f"assigned by {by} from the exceptions queue"
        return _forward(session, deps, row, child_ids, by, how, now, action="assigned")


def _open(session: Session, exception_id: int) -> ExceptionRow:
    row = _get(session, exception_id)
    if row.status != "open":
        raise UsageError(f"exception {exception_id} is already {row.status}")
    return row


def _message(session: Session, row: ExceptionRow) -> tuple[MessageRow, bytes]:
    message = session.get(MessageRow, row.message_row_id) if row.message_row_id else None
    if message is None:
        raise UsageError(f"exception {row.id} has no message")
    raw = ledger.raw_bytes(session, message.sha256)
    if raw is None:
        raise UsageError(f"the original of exception {row.id} was purged")
    return message, raw


def _forward(
    session: Session,
    deps: Deps,
    row: ExceptionRow,
    child_ids: list[str],
    by: str,
    how: str,
    now: datetime,
    *,
    action: str,
) -> tuple[str, ...]:
    message, raw = _message(session, row)
    roster = deps.rosters.get(session)
    wanted = list(dict.fromkeys(c.strip().upper() for c in child_ids if c.strip()))
    if not wanted:
        raise UsageError("choose at least one child")
    children = [roster.child(c) for c in wanted]
    missing = [c for c, found in zip(wanted, children, strict=True) if found is None]
    if missing:
        raise UsageError(f"not in the tracker: {', '.join(missing)}")
    reading = parsers.read(raw, deps.read_options)
    flags: tuple[RiskFlag, ...] = risk_flags(reading.record, deps.rules)
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
    record_row.children = [RecordChild(child_id=c) for c in wanted]
    sent = routing.forward(
        session,
        deps,
        row=message,
        record_id=record_row.id,
        reading=reading,
        children=[c for c in children if c is not None],
        flags=flags,
        how_matched=how,
        now=now,
        actor=by,
        raw=raw,
        key=f"forward:{message.id}:exception:{row.id}",
    )
    record_row.forwarded_at = now
    message.outcome = Outcome.FORWARDED.value
    queue.resolve(row, status="assigned", by=by, at=now, resolution=", ".join(wanted))
    audit.record(
        session,
        at=now,
        actor=by,
        action=action,
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


def resend_request(
    deps: Deps, exception_id: int, child_id: str, note: str, by: str
) -> tuple[str, str]:
    """Ask the sender to send the record again (a templated email in the outbox).

    The email quotes a new reference for ``child_id``, so the reply is matched to that
    child. Returns (recipient, reference). Each request has its own outbox key.
    """
    now = deps.clock.now()
    with deps.sessions() as session, session.begin():
        row = _open(session, exception_id)
        message, _ = _message(session, row)
        if not message.sender:
            raise UsageError(f"exception {exception_id} has no sender to ask")
        child = deps.rosters.get(session).child(child_id.strip().upper())
        if child is None:
            raise UsageError("choose the child the record is about (from the tracker)")
        asked = sum(
            1 for a in audit.trail(session, "exception", row.id) if a.action == "resend_requested"
        )
        key = f"resend:exception:{row.id}:{asked + 1}"
        reference = make_reference(key, deps.settings.matching.reference_prefix)
        record = session.get(RecordRow, row.record_id) if row.record_id else None
        composed = compose.resend_request(
            deps.templates,
            stamp=Stamp(message_id=make_message_id(domain_of(deps.mailbox_address), key), date=now),
            to=[message.sender],
            child=ChildSummary(
                child.initials, child.child_id, child.first_name, child.last_name, child.dob
            ),
            visitor_name=(record.visitor_name if record else None) or message.sender,
            reference=reference,
            visit_date=record.visit_date if record else None,
            received=message.received_at.date(),
            note=note,
        )
        outbox.enqueue(
            session,
            key=key,
            kind="resend_request",
            message_id=composed.message_id,
            mail_from=composed.envelope.mail_from,
            recipients=composed.envelope.recipients,
            raw=composed.raw,
            now=now,
            child_ids=[child.child_id],
            reference=reference,
        )
        audit.record(
            session,
            at=now,
            actor=by,
            action="resend_requested",
            subject_type="exception",
            subject_id=row.id,
            to=[message.sender],
            children=[child.child_id],
            note=note.strip(),
        )
        return message.sender, reference


def reprocess(deps: Deps, exception_id: int, by: str) -> str:
    """Match the message again against the tracker as it is now (after a tracker update).

    Forwards it when mailbot is now certain; otherwise the item stays open with the new
    reason and candidates. Returns the outcome in plain words.
    """
    now = deps.clock.now()
    with deps.sessions() as session, session.begin():
        row = _open(session, exception_id)
        if row.code not in REPROCESSABLE:
            raise UsageError(
                f"exception {exception_id} is not about matching: assign or dismiss it instead"
            )
        _, raw = _message(session, row)
        reading = parsers.read(raw, deps.read_options)
        record, parsed = reading.record, reading.message
        context = MatchContext(
            parsed.sender,
            routing.children_for_references(session, record.references),
            routing.children_for_replies(session, (parsed.in_reply_to, *parsed.references)),
        )
        roster = deps.rosters.get(session)
        decision = decide(record, context, roster, deps.id_pattern)
        blocking = [p for p in reading.problems if p.kind in BLOCKING]
        known = [roster.child(c) for c in decision.child_ids]
        workers = {c.social_worker_email for c in known if c is not None}
        if decision.certain and decision.child_ids and not blocking and len(workers) == 1:
            how = f"{decision.reason} (reprocessed by {by})"
            _forward(
                session, deps, row, list(decision.child_ids), by, how, now, action="reprocessed"
            )
            return f"forwarded to {', '.join(sorted(workers))}"
        if not blocking and len(workers) > 1:
            row.code, row.reason = "several_social_workers", SEVERAL_WORKERS
        elif not blocking:
            row.code = "uncertain_match" if decision.candidates else "no_match"
            row.reason = decision.reason
        row.candidates = [
            {"child_id": c.child_id, "score": round(c.score, 1), "evidence": list(c.evidence)}
            for c in decision.candidates
        ]
        outcome = "still not certain: " + row.reason
        audit.record(
            session,
            at=now,
            actor=by,
            action="reprocessed",
            subject_type="exception",
            subject_id=row.id,
            outcome=outcome,
        )
        return outcome


def mark_uploaded(deps: Deps, record_id: int, by: str) -> None:
    """Business support attached the record to the child's case file (seed 000 step 10)."""
    now = deps.clock.now()
    with deps.sessions() as session, session.begin():
        record = session.get(RecordRow, record_id)
        if record is None:
            raise UsageError(f"no record with ID {record_id}")
        if record.uploaded_at is None:
            record.uploaded_at, record.uploaded_by = now, by
            audit.record(session, at=now, actor=by, action="uploaded",
                         subject_type="record", subject_id=record_id)  # fmt: skip


def mark_reviewed(deps: Deps, record_id: int, by: str) -> int:
    """The record's risk flags were reviewed (the RAG decision stays in the case system)."""
    now = deps.clock.now()
    with deps.sessions() as session, session.begin():
        record = session.get(RecordRow, record_id)
        if record is None:
            raise UsageError(f"no record with ID {record_id}")
        fresh = [f for f in record.flags if f.reviewed_at is None]
        for flag in fresh:
            flag.reviewed_at, flag.reviewed_by = now, by
        if fresh:
            audit.record(session, at=now, actor=by, action="flags_reviewed",
                         subject_type="record", subject_id=record_id,
                         flags=[f.indicator for f in fresh])  # fmt: skip
        return len(fresh)
