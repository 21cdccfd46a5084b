"""The outbox worker: the only thing that sends. Claims due rows, sends, records the result.

Exactly once: a row is marked ``sending`` (with a lease) and committed before the send,
and ``sent`` after it. If the process dies between the provider accepting a message and
the row being marked, the lease runs out and the row is claimed again; before sending it
again the worker asks the provider whether that Message-ID is already there
(``Sender.already_sent``: exact for the Maildir, Graph and EWS senders). SMTP cannot tell,
so that one window (a crash within milliseconds after the server's 250) can resend.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from sqlalchemy.orm import Session

from mailbot.context import Deps
from mailbot.ops import metrics
from outbound.sender import Envelope, Sender, SendError
from store import audit, outbox, queue
from store.models import OutboxRow, RecordRow

log = logging.getLogger(__name__)


class OutboxWorker:
    def __init__(self, deps: Deps, sender: Sender, worker: str = "worker") -> None:
        self.deps = deps
        self.sender = sender
        self.worker = worker

    def run_once(self, limit: int = 10) -> int:
        """Send what is due now; returns how many were sent."""
        sent = 0
        with self.deps.sessions() as session:
            rows = outbox.claim(
                session,
                worker=self.worker,
                now=self.deps.clock.now(),
                lease=timedelta(seconds=self.deps.settings.workers.outbox_lease_seconds),
                limit=limit,
            )
            session.commit()
            for row in rows:
                sent += self._send(session, row)
                session.commit()
        return sent

    def drain(self) -> int:
        total = 0
        while True:
            n = self.run_once()
            total += n
            if n == 0:
                return total

    def _send(self, session: Session, row: OutboxRow) -> int:
        now = self.deps.clock.now()
        envelope = Envelope(row.mail_from, tuple(row.recipients))
        try:
            if row.attempts > 1 and self.sender.already_sent(row.message_id):
                log.info("outbox %s: already with the provider; marked sent", row.id)
            else:
                self.sender.send(row.raw, envelope, row.message_id)
        except SendError as exc:
            self._failed(session, row, exc)
            return 0
        outbox.mark_sent(row, now)
        metrics.observe_send(row.kind, True, (now - row.created_at).total_seconds())
        audit.record(
            session,
            at=now,
            actor="mailbot",
            action="sent",
            subject_type="outbox",
            subject_id=row.id,
            kind=row.kind,
            to=list(row.recipients),
        )
        return 1

    def _failed(self, session: Session, row: OutboxRow, exc: SendError) -> None:
        now = self.deps.clock.now()
        metrics.observe_send(row.kind, False)
        max_attempts = self.deps.settings.outbound.max_attempts
        if exc.permanent or row.attempts >= max_attempts:
            outbox.mark_failed(row, str(exc), retry_at=None)
            message_row_id = None
            if row.record_id is not None:
                record = session.get(RecordRow, row.record_id)
                message_row_id = record.message_row_id if record else None
            who = f" to {exc.recipient}" if exc.recipient else ""
            queue.open_item(
                session,
                message_row_id=message_row_id,
                record_id=row.record_id,
                code="send_failed",
                reason=f"the {row.kind} email could not be sent{who}: {exc}",
                candidates=[],
                now=now,
                outbox_id=row.id,
            )
            log.warning("outbox %s: failed for good (%s)", row.id, row.kind)
        else:
            delay = min(60 * 2 ** (row.attempts - 1), 3600) * (0.8 + 0.4 * random.random())
            outbox.mark_failed(row, str(exc), retry_at=now + timedelta(seconds=delay))
            log.info("outbox %s: temporary failure, retry in %.0fs", row.id, delay)
