"""Retention: purge raw messages and attachments once they are no longer needed; age out the audit.

A received message's raw bytes (and so its attachments) are purged when every message
that shares them is done with:

* each of its records was marked uploaded to the case system ``raw_days_after_upload``
  days ago, or
* its exception was dismissed ``raw_days_after_dismissal`` days ago (and no forwarded
  record of it still waits for upload), or
* it was ignored (an automatic reply, a bounce) ``raw_days_ignored`` days ago, or
* it is a duplicate of a message that is done with;

never while an exception about it is open. The forwards (outbox copies, which carry the
attachments) of those records are emptied too. The ledger rows, records, flags and
exceptions are kept. Audit entries older than ``audit_days`` are deleted. Every purge is
audited with counts and ids only, never content.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from mailbot.context import Deps
from mailbot.settings import Retention
from store import audit
from store.models import AuditRow, ExceptionRow, MessageRow, OutboxRow, RawMessage, RecordRow

log = logging.getLogger(__name__)

CHUNK = 500
T = TypeVar("T")


@dataclass(frozen=True)
class Cutoffs:
    uploaded_before: datetime
    dismissed_before: datetime
    ignored_before: datetime
    audit_before: datetime

    @classmethod
    def of(cls, rules: Retention, now: datetime) -> Cutoffs:
        return cls(
            now - timedelta(days=rules.raw_days_after_upload),
            now - timedelta(days=rules.raw_days_after_dismissal),
            now - timedelta(days=rules.raw_days_ignored),
            now - timedelta(days=rules.audit_days),
        )


@dataclass(frozen=True)
class RetentionSummary:
    dry_run: bool
    raw_messages: int  # raw blobs emptied
    raw_bytes: int
    message_ids: tuple[int, ...]  # ledger rows whose raw message is gone
    outbox_ids: tuple[int, ...]  # sent emails emptied
    audit_deleted: int
    reasons: dict[str, int] = field(default_factory=dict)  # why, per message

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        verb = "would purge" if self.dry_run else "purged"
        why = ", ".join(f"{k} {v}" for k, v in sorted(self.reasons.items())) or "none due"
        return (
            f"retention {verb}: {self.raw_messages} raw messages ({self.raw_bytes} bytes; {why}), "
            f"{len(self.outbox_ids)} sent emails, {self.audit_deleted} audit entries"
        )


@dataclass
class _Message:
    id: int
    sha256: str
    outcome: str
    duplicate_of: int | None
    received_at: datetime
    records: list[tuple[datetime | None, datetime | None]] = field(default_factory=list)
    exceptions: list[tuple[str, datetime | None]] = field(default_factory=list)


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _candidates(session: Session) -> dict[int, _Message]:
    """Ledger rows whose raw bytes are still kept, with their records and exceptions."""
    rows = session.execute(
        select(
            MessageRow.id,
            MessageRow.sha256,
            MessageRow.outcome,
            MessageRow.duplicate_of,
            MessageRow.received_at,
        )
        .join(RawMessage, RawMessage.sha256 == MessageRow.sha256)
        .where(RawMessage.data.is_not(None))
    ).all()
    found = {r[0]: _Message(r[0], r[1], r[2], r[3], r[4]) for r in rows}
    ids = list(found)
    for chunk in _chunks(ids):
        for mid, uploaded, forwarded in session.execute(
            select(RecordRow.message_row_id, RecordRow.uploaded_at, RecordRow.forwarded_at).where(
                RecordRow.message_row_id.in_(chunk)
            )
        ):
            found[mid].records.append((uploaded, forwarded))
        for xid, status, resolved in session.execute(
            select(
                ExceptionRow.message_row_id, ExceptionRow.status, ExceptionRow.resolved_at
            ).where(ExceptionRow.message_row_id.in_(chunk))
        ):
            if xid is not None:
                found[xid].exceptions.append((status, resolved))
    return found


def _reason(m: _Message, found: dict[int, _Message], cut: Cutoffs, depth: int = 0) -> str | None:
    """Why this message's raw bytes may go, or None while they are still needed."""
    if any(status == "open" for status, _ in m.exceptions):
        return None
    if m.records and all(up is not None and up <= cut.uploaded_before for up, _ in m.records):
        return "uploaded"
    waiting = any(fw is not None and up is None for up, fw in m.records)
    dismissed = any(
        status == "dismissed" and at is not None and at <= cut.dismissed_before
        for status, at in m.exceptions
    )
    if dismissed and not waiting:
        return "dismissed"
    if m.outcome == "ignored" and m.received_at <= cut.ignored_before:
        return "ignored"
    if m.outcome == "duplicate" and m.duplicate_of is not None and depth < 5:
        original = found.get(m.duplicate_of)
        if original is None:  # its own raw bytes are gone already
            return "duplicate" if m.received_at <= cut.ignored_before else None
        return "duplicate" if _reason(original, found, cut, depth + 1) else None
    return None


def plan(session: Session, rules: Retention, now: datetime) -> tuple[dict[int, str], list[str]]:
    """(ledger id -> reason, raw sha256s to empty): blobs go only when every sharer may go."""
    cut = Cutoffs.of(rules, now)
    found = _candidates(session)
    reasons = {mid: r for mid, m in found.items() if (r := _reason(m, found, cut)) is not None}
    by_blob: dict[str, list[int]] = defaultdict(list)
    for mid, m in found.items():
        by_blob[m.sha256].append(mid)
    blobs = sorted(sha for sha, mids in by_blob.items() if all(i in reasons for i in mids))
    kept = {mid for sha, mids in by_blob.items() if sha not in blobs for mid in mids}
    return {mid: r for mid, r in reasons.items() if mid not in kept}, blobs


def _sent_copies(session: Session, message_ids: Iterable[int]) -> list[int]:
    ids: list[int] = []
    for chunk in _chunks(sorted(message_ids)):
        records = select(RecordRow.id).where(RecordRow.message_row_id.in_(chunk))
        ids += session.scalars(
            select(OutboxRow.id).where(
                OutboxRow.record_id.in_(records),
                OutboxRow.status.in_(("sent", "failed")),
                func.length(OutboxRow.raw) > 0,
            )
        )
    return sorted(ids)


def run_retention(deps: Deps, dry_run: bool = False, actor: str = "mailbot") -> RetentionSummary:
    """Purge what the retention rules allow (or, with ``dry_run``, only say what would go)."""
    now = deps.clock.now()
    rules = deps.settings.retention
    cut = Cutoffs.of(rules, now)
    with deps.sessions() as session, session.begin():
        reasons, blobs = plan(session, rules, now)
        size = 0
        for chunk in _chunks(blobs):
            size += (
                session.scalar(
                    select(func.coalesce(func.sum(RawMessage.size), 0)).where(
                        RawMessage.sha256.in_(chunk)
                    )
                )
                or 0
            )
        outbox_ids = _sent_copies(session, reasons)
        old_audit = (
            session.scalar(
                select(func.count()).select_from(AuditRow).where(AuditRow.at < cut.audit_before)
            )
            or 0
        )
        counts: dict[str, int] = defaultdict(int)
        for why in reasons.values():
            counts[why] += 1
        summary = RetentionSummary(
            dry_run=dry_run,
            raw_messages=len(blobs),
            raw_bytes=int(size),
            message_ids=tuple(sorted(reasons)),
            outbox_ids=tuple(outbox_ids),
            audit_deleted=int(old_audit),
            reasons=dict(counts),
        )
        if dry_run:
            return summary  # nothing was written
        _apply(session, blobs, outbox_ids, cut)
        for mid, why in sorted(reasons.items()):
            audit.record(
                session, at=now, actor=actor, action="raw_purged",
                subject_type="message", subject_id=mid, reason=why,
            )  # fmt: skip
        audit.record(
            session,
            at=now,
            actor=actor,
            action="retention_run",
            subject_type="retention",
            subject_id=now.date().isoformat(),
            raw_messages=summary.raw_messages,
            raw_bytes=summary.raw_bytes,
            message_ids=list(summary.message_ids),
            outbox_ids=list(summary.outbox_ids),
            audit_deleted=summary.audit_deleted,
            audit_before=cut.audit_before.isoformat(),
            reasons=summary.reasons,
        )
    log.info("%s", summary.describe())
    return summary


def _apply(session: Session, blobs: list[str], outbox_ids: list[int], cut: Cutoffs) -> None:
    for chunk in _chunks(blobs):
        session.execute(update(RawMessage).where(RawMessage.sha256.in_(chunk)).values(data=None))
    for ids in _chunks(outbox_ids):
        session.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(raw=b""))
    session.execute(delete(AuditRow).where(AuditRow.at < cut.audit_before))
