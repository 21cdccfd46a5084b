"""One message, one transaction: ledger -> screen -> read -> match -> flag -> route -> outbox.

The ledger row, the record, its flags, the exception and the outbox rows commit
together, so a crash at any point leaves either nothing (the message is processed again)
or everything (the message is recognised as done). Nothing here sends mail: the outbox
worker does.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

import parsers
from mailbot import replies, routing
from mailbot.context import Deps
from mailbot.matching import decide
from mailbot.model import Decision, MatchContext, Outcome, RiskFlag
from mailbot.ops import metrics
from mailbot.ops.logs import bind_message, current_correlation_id
from mailbot.risk import flags as risk_flags
from mailbot.schedule import visits
from mailbot.screening import screen
from parsers.mime import headers_only
from parsers.record import ParsedMessage, ProblemKind, Reading, VisitRecord
from store import audit, inbound, ledger
from store.models import MessageRow

log = logging.getLogger(__name__)

# Problems that mean the record could not be read with confidence: a person must look.
BLOCKING = frozenset(ProblemKind) - {ProblemKind.UNSUPPORTED}


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    message_id: str | None
    child_ids: tuple[str, ...] = ()
    forward_to: tuple[str, ...] = ()
    flags: tuple[RiskFlag, ...] = ()
    reason: str | None = None
    row_id: int | None = None

    def to_json(self, source: str) -> dict[str, Any]:
        return {
            "source": source,
            "message_id": self.message_id,
            "outcome": self.outcome.value,
            "child_ids": list(self.child_ids),
            "forward_to": list(self.forward_to),
            "risk_flags": [
                {"indicator": f.indicator, "severity": f.severity, "evidence": f.evidence}
                for f in self.flags
            ],
            "reason": self.reason,
        }


class Pipeline:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def process(
        self,
        raw: bytes,
        *,
        mailbox: str,
        position: str,
        dry_run: bool = False,
        reading: Reading | None = None,
    ) -> Result:
        """Process one raw message found at ``position`` in ``mailbox``; never raises for bad mail.

        ``reading`` is the message already read (by ``parsers.ahead``); else it is read here.
        """
        started = time.monotonic()
        with bind_message():
            reading = reading or self._read(raw)
            with self._transaction(commit=not dry_run) as session:
                known = ledger.seen_position(session, mailbox, position)
                if known is not None:
                    return self._seen(known)
                message = reading.message if reading else None
                row = self._new_row(
                    session, raw, message, mailbox, position, Outcome.EXCEPTION.value
                )
                result = self._handle(session, row, raw, reading)
        if not dry_run:
            metrics.observe_message(result.outcome.value, time.monotonic() - started)
        return result

    def receive(self, raw: bytes, *, mailbox: str, position: str) -> int | None:
        """Keep a message for any worker to process (several workers on PostgreSQL).

        Returns the ledger row's ID, or None when this position was received before.
        """
        message = headers_only(raw, self.deps.read_options)
        with self._transaction(commit=True) as session:
            if ledger.seen_position(session, mailbox, position) is not None:
                return None
            return self._new_row(session, raw, message, mailbox, position, inbound.RECEIVED).id

    def process_received(self, row_id: int, worker: str) -> Result | None:
        """Process a received message this worker has claimed; None if it is no longer ours."""
        started = time.monotonic()
        with self._transaction(commit=True) as session:
            row = inbound.lock_received(session, row_id, worker)
            if row is None:
                return None
            with bind_message(row.correlation_id):
                raw = ledger.raw_bytes(session, row.sha256) or b""
                reading = self._read(raw)
                row.claimed_until = None
                result = self._handle(session, row, raw, reading)
        metrics.observe_message(result.outcome.value, time.monotonic() - started)
        return result

    @contextmanager
    def _transaction(self, *, commit: bool) -> Iterator[Session]:
        session = self.deps.sessions()
        try:
            yield session
            if commit:
                session.commit()
            else:
                session.rollback()
        except Exception:
            session.rollback()
            raise
        finally:
            session.close()

    def _read(self, raw: bytes) -> Reading | None:
        try:
            return parsers.read(raw, self.deps.read_options)
        except Exception:  # a reader bug must not lose the message: it becomes an exception
            log.exception("reader failed")
            return None

    @staticmethod
    def _seen(known: MessageRow) -> Result:
        return Result(
            Outcome.DUPLICATE,
            known.message_id,
            reason=f"already processed as message {known.id}",
            row_id=known.id,
        )

    def _new_row(
        self,
        session: Session,
        raw: bytes,
        message: ParsedMessage | None,
        mailbox: str,
        position: str,
        outcome: str,
    ) -> MessageRow:
        now = self.deps.clock.now()
        row = MessageRow(
            mailbox=mailbox,
            position=position,
            sha256=ledger.keep_raw(session, raw, now),
            message_id=message.message_id if message else None,
            sender=message.sender if message else "",
            subject=(message.subject if message else "")[:2000],
            received_at=now,
            outcome=outcome,
            correlation_id=current_correlation_id() or str(uuid.uuid4()),
        )
        session.add(row)
        session.flush()
        return row

    def _handle(
        self, session: Session, row: MessageRow, raw: bytes, reading: Reading | None
    ) -> Result:
        now = self.deps.clock.now()
        earlier = ledger.earlier_copy(session, row.message_id, row.sha256, before=row.id)
        if earlier is not None:
            return self._finish(
                session,
                row,
                Outcome.DUPLICATE,
                f"a copy of message {earlier.id}",
                now,
                duplicate_of=earlier.id,
            )
        if reading is None:
            return self._exception(
                session,
                row,
                None,
                "internal_error",
                "mailbot could not read this message (an internal error); the original is kept",
                now,
            )
        message = reading.message
        verdict = screen(message, self.deps.own_addresses)
        if verdict.action == "ignore":
            return self._finish(session, row, Outcome.IGNORED, verdict.reason, now)
        if verdict.action == "exception":
            return self._exception(session, row, None, "not_a_record", verdict.reason or "", now)
        return self._route(session, row, reading, raw, now)

    def _route(
        self, session: Session, row: MessageRow, reading: Reading, raw: bytes, now: Any
    ) -> Result:
        record = reading.record
        message = reading.message
        flags = risk_flags(record, self.deps.rules)
        context = self._context(session, message, record)
        roster = self.deps.rosters.get(session)
        decision = decide(record, context, roster, self.deps.id_pattern)
        record_id = routing.store_record(session, row, record, decision, flags, now)
        visits.mark_responded(
            session,
            message_ids=(message.in_reply_to, *message.references),
            references=record.references,
            now=now,
        )
        blocking = [p for p in reading.problems if p.kind in BLOCKING]
        if blocking:
            reason = "; ".join(f"{p.part}: {p.detail}" for p in blocking)
            asks = [replies.CANNOT_READ[p.kind] for p in blocking if p.kind in replies.CANNOT_READ]
            replies.cannot_read(session, self.deps, row, message, asks, now)
            return self._exception(
                session,
                row,
                record_id,
                blocking[0].kind.value,
                reason,
                now,
                decision=decision,
                flags=flags,
            )
        if not decision.certain or not decision.child_ids:
            code = "no_match" if not decision.candidates else "uncertain_match"
            return self._exception(
                session,
                row,
                record_id,
                code,
                decision.reason,
                now,
                decision=decision,
                flags=flags,
            )
        children = [roster.child(cid) for cid in decision.child_ids]
        known = [c for c in children if c is not None]
        workers = {c.social_worker_email for c in known}
        if len(known) != len(children):
            return self._exception(
                session,
                row,
                record_id,
                "uncertain_match",
                "a matched child is no longer in the tracker",
                now,
                decision=decision,
                flags=flags,
            )
        missing = self._missing_answers(record)
        if missing:
            replies.cannot_read(session, self.deps, row, message, missing, now)
            return self._exception(
                session,
                row,
                record_id,
                "incomplete",
                "the record has no "
                + " and no ".join(
                    "visit date" if m == "no_visit_date" else "answer to 'was the child seen?'"
                    for m in missing
                )
                + "; the sender has been asked for it",
                now,
                decision=decision,
                flags=flags,
            )
        if len(workers) > 1:
            return self._exception(
                session,
                row,
                record_id,
                "several_social_workers",
                "the record names children with different social workers: "
                "forward it to each by hand or split it",
                now,
                decision=decision,
                flags=flags,
            )
        sent = routing.forward(
            session,
            self.deps,
            row=row,
            record_id=record_id,
            reading=reading,
            children=known,
            flags=flags,
            how_matched=decision.reason,
            now=now,
            actor="mailbot",
            raw=raw,
        )
        row.outcome = Outcome.FORWARDED.value
        row.reason = None
        replies.acknowledge(session, self.deps, row, message, now)
        audit.record(
            session,
            at=now,
            actor="mailbot",
            action="forwarded",
            subject_type="message",
            subject_id=row.id,
            to=list(sent),
            children=list(decision.child_ids),
            flags=[f.indicator for f in flags],
        )
        return Result(
            Outcome.FORWARDED, row.message_id, decision.child_ids, tuple(sent), flags, None, row.id
        )

    def _missing_answers(self, record: VisitRecord) -> list[str]:
        rules = self.deps.settings.forwarding
        missing = []
        if rules.require_visit_date and record.visit_date is None:
            missing.append("no_visit_date")
        if rules.require_child_seen and record.child_seen is None:
            missing.append("no_child_seen")
        return missing

    def _context(
        self, session: Session, message: ParsedMessage, record: VisitRecord
    ) -> MatchContext:
        references = routing.children_for_references(session, record.references)
        replies = routing.children_for_replies(session, (message.in_reply_to, *message.references))
        return MatchContext(message.sender, references, replies)

    def _exception(
        self,
        session: Session,
        row: MessageRow,
        record_id: int | None,
        code: str,
        reason: str,
        now: Any,
        *,
        decision: Decision | None = None,
        flags: tuple[RiskFlag, ...] = (),
    ) -> Result:
        routing.open_exception(session, row, record_id, code, reason, decision, now)
        self._finish(session, row, Outcome.EXCEPTION, reason, now)
        ids = decision.child_ids if decision else ()
        return Result(Outcome.EXCEPTION, row.message_id, ids, (), flags, reason, row.id)

    def _finish(
        self,
        session: Session,
        row: MessageRow,
        outcome: Outcome,
        reason: str | None,
        now: Any,
        *,
        duplicate_of: int | None = None,
    ) -> Result:
        row.outcome = outcome.value
        row.reason = reason
        row.duplicate_of = duplicate_of
        audit.record(
            session,
            at=now,
            actor="mailbot",
            action=outcome.value,
            subject_type="message",
            subject_id=row.id,
            reason=reason,
        )
        session.flush()
        log.info("message %s: %s", row.id, outcome.value)
        return Result(outcome, row.message_id, reason=reason, row_id=row.id)
