"""A subject access request: everything mailbot holds about one child, in one zip.

``export_child(deps, child_id, out, actor)`` writes::

    README.txt                  what is inside, and what was already purged
    child.json                  the child's tracker row and visiting plans
    visits.json                 the visits planned and their outcomes
    records/<id>/fields.json    each record read about the child (fields, flags, match)
    records/<id>/original.eml   the message it came in (when not yet purged by retention)
    emails/<id>-<kind>.eml      each email sent or queued about the child (forwards, alerts...)
    exceptions.json             queue items about the child's messages, or naming it a candidate
    audit.json                  every audit entry about any of the above

The export itself is audited (counts and the file name, never content).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from mailbot.context import Deps
from mailbot.errors import UsageError
from store import audit
from store.models import (
    AuditRow,
    ChildRow,
    ExceptionRow,
    MessageRow,
    OutboxRow,
    PlanRow,
    RawMessage,
    RecordChild,
    RecordRow,
    RiskFlagRow,
    VisitRow,
)


@dataclass(frozen=True)
class ExportSummary:
    child_id: str
    path: Path
    records: int
    originals: int
    emails: int
    exceptions: int
    audit_entries: int


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return value


def _row(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {c.key: _plain(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in skip}


def _mentions(column: Any, child_id: str) -> Any:
    """A coarse SQL filter on a JSON column's text (checked exactly afterwards)."""
    return cast(column, String).like(f'%"{child_id}"%')


def _names_child(value: Any, child_id: str) -> bool:
    if isinstance(value, str):
        return value == child_id
    if isinstance(value, dict):
        return any(_names_child(v, child_id) for v in value.values())
    if isinstance(value, list):
        return any(_names_child(v, child_id) for v in value)
    return False


@dataclass
class _Found:
    child: ChildRow | None
    records: list[RecordRow]
    messages: dict[int, MessageRow]
    emails: list[OutboxRow]
    exceptions: list[ExceptionRow]
    visits: list[VisitRow]
    audit: list[AuditRow]


def _gather(session: Session, child_id: str) -> _Found:
    child = session.get(ChildRow, child_id)
    record_ids = list(
        session.scalars(select(RecordChild.record_id).where(RecordChild.child_id == child_id))
    )
    records = list(
        session.scalars(
            select(RecordRow).where(RecordRow.id.in_(record_ids)).order_by(RecordRow.id)
        )
    )
    message_ids = sorted({r.message_row_id for r in records})
    visits = list(session.scalars(select(VisitRow).where(VisitRow.child_id == child_id)))
    visit_ids = [v.id for v in visits]
    emails = [
        row
        for row in session.scalars(
            select(OutboxRow)
            .where(
                OutboxRow.record_id.in_(record_ids)
                | OutboxRow.visit_id.in_(visit_ids)
                | _mentions(OutboxRow.child_ids, child_id)
            )
            .order_by(OutboxRow.id)
        )
        if row.record_id in record_ids or row.visit_id in visit_ids or child_id in row.child_ids
    ]
    exceptions = [
        row
        for row in session.scalars(
            select(ExceptionRow)
            .where(
                ExceptionRow.message_row_id.in_(message_ids)
                | ExceptionRow.record_id.in_(record_ids)
                | _mentions(ExceptionRow.candidates, child_id)
            )
            .order_by(ExceptionRow.id)
        )
        if row.message_row_id in message_ids
        or row.record_id in record_ids
        or _names_child(row.candidates, child_id)
    ]
    message_ids = sorted(
        {*message_ids, *(e.message_row_id for e in exceptions if e.message_row_id)}
    )
    messages = {
        m.id: m for m in session.scalars(select(MessageRow).where(MessageRow.id.in_(message_ids)))
    }
    subjects = {
        ("child", child_id),
        *(("record", str(i)) for i in record_ids),
        *(("message", str(i)) for i in message_ids),
        *(("outbox", str(e.id)) for e in emails),
        *(("exception", str(e.id)) for e in exceptions),
        *(("visit", str(i)) for i in visit_ids),
    }
    ids = sorted({sid for _, sid in subjects})
    trail = [
        row
        for row in session.scalars(
            select(AuditRow)
            .where(AuditRow.subject_id.in_(ids) | _mentions(AuditRow.detail, child_id))
            .order_by(AuditRow.id)
        )
        if (row.subject_type, row.subject_id) in subjects or _names_child(row.detail, child_id)
    ]
    return _Found(child, records, messages, emails, exceptions, visits, trail)


def _record_json(session: Session, record: RecordRow, message: MessageRow | None) -> dict[str, Any]:
    flags = session.scalars(select(RiskFlagRow).where(RiskFlagRow.record_id == record.id))
    children = session.scalars(
        select(RecordChild.child_id).where(RecordChild.record_id == record.id)
    )
    return {
        "record": _row(record),
        "children": sorted(children),
        "risk_flags": [_row(f) for f in flags],
        "message": _row(message) if message else None,
    }


def export_child(deps: Deps, child_id: str, out: Path, actor: str) -> ExportSummary:
    """Write the zip for ``child_id`` to ``out``; UsageError when mailbot holds nothing on it."""
    now = deps.clock.now()
    with deps.sessions() as session, session.begin():
        found = _gather(session, child_id)
        if found.child is None and not (found.records or found.emails or found.exceptions):
            raise UsageError(f"no child {child_id!r} in the tracker and no record about them")
        originals = 0
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            child = {
                "child": _row(found.child) if found.child else None,
                "plans": [
                    _row(p)
                    for p in session.scalars(select(PlanRow).where(PlanRow.child_id == child_id))
                ],
            }
            zf.writestr("child.json", _dump(child))
            zf.writestr("visits.json", _dump([_row(v) for v in found.visits]))
            purged = []
            for record in found.records:
                message = found.messages.get(record.message_row_id)
                folder = f"records/{record.id}"
                zf.writestr(f"{folder}/fields.json", _dump(_record_json(session, record, message)))
                raw = session.get(RawMessage, message.sha256) if message else None
                if raw is not None and raw.data is not None:
                    zf.writestr(f"{folder}/original.eml", raw.data)
                    originals += 1
                else:
                    purged.append(record.id)
            emails = [e for e in found.emails if e.raw]
            for email in emails:
                zf.writestr(f"emails/{email.id}-{email.kind}.eml", email.raw)
            zf.writestr("emails.json", _dump([_row(e, skip=("raw",)) for e in found.emails]))
            zf.writestr("exceptions.json", _dump([_row(e) for e in found.exceptions]))
            zf.writestr("audit.json", _dump([_row(a) for a in found.audit]))
            zf.writestr("README.txt", _readme(child_id, now, found, purged, len(emails)))
        summary = ExportSummary(
            child_id, out, len(found.records), originals, len(emails),
            len(found.exceptions), len(found.audit),
        )  # fmt: skip
        audit.record(
            session, at=now, actor=actor, action="subject_access_export", subject_type="child",
            subject_id=child_id, file=out.name, records=summary.records,
            originals=summary.originals, emails=summary.emails,
            exceptions=summary.exceptions, audit_entries=summary.audit_entries,
        )  # fmt: skip
    return summary


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=_plain) + "\n"


def _readme(child_id: str, now: datetime, found: _Found, purged: list[int], emails: int) -> str:
    lines = [
        f"Subject access export for child {child_id}, made {now:%d/%m/%Y %H:%M} UTC by mailbot.",
        "",
        f"Records read about the child: {len(found.records)} (records/<id>/fields.json).",
        f"Original messages: {len(found.records) - len(purged)} (records/<id>/original.eml).",
        f"Emails sent or queued about the child: {emails} (emails/; list in emails.json).",
        f"Exceptions queue items: {len(found.exceptions)} (exceptions.json).",
        f"Audit entries: {len(found.audit)} (audit.json).",
    ]
    if purged:
        lines += [
            "",
            "The original message of these records was already deleted under the retention "
            "rules: " + ", ".join(str(i) for i in purged) + ".",
        ]
    lines += [
        "",
        "Before release, check this export for information about other people (other "
        "children, family members, professionals) and redact it as the law requires.",
    ]
    return "\n".join(lines) + "\n"
