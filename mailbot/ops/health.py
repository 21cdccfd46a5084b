"""Is mailbot healthy? The readiness checks, shared by /readyz, ``mailbot status`` and the alerts.

``readiness(session, settings, now)`` reads the store only: the database answers, each
configured mailbox was fetched within its expected interval (``mailbox_state``), and the
outbox is not stuck (nothing due long ago still unsent, failures not piling up). Each mailbox
also says whether it is connected (its last fetch succeeded, after any error, and in time) and
its backlog (messages waiting in the folder after the last fetch; None: the mailbox cannot
tell). It never names a person: mailbox names, counts and times only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from mailbot.settings import Settings
from store.models import ExceptionRow, MailboxStateRow, OutboxRow

FAILURE_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class MailboxCheck:
    name: str
    ok: bool
    last_fetch_at: datetime | None
    late_after_seconds: float
    last_error: str | None
    last_error_at: datetime | None
    connected: bool = False  # the last fetch succeeded (after any error) and is not late
    backlog: int | None = None  # waiting in the folder after the last fetch; None: unknown

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "connected": self.connected,
            "backlog": self.backlog,
            "last_fetch_at": _iso(self.last_fetch_at),
            "late_after_seconds": self.late_after_seconds,
            "last_error": self.last_error,
            "last_error_at": _iso(self.last_error_at),
        }


@dataclass(frozen=True)
class OutboxCheck:
    ok: bool
    pending: int
    stuck: int
    retrying: int
    failed_recently: int
    failed_total: int
    oldest_due_at: datetime | None
    stuck_since: datetime | None  # when the oldest stuck or failing email was first due

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "pending": self.pending,
            "stuck": self.stuck,
            "retrying": self.retrying,
            "failed_last_hour": self.failed_recently,
            "failed_total": self.failed_total,
            "oldest_due_at": _iso(self.oldest_due_at),
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def expected_mailboxes(settings: Settings) -> list[tuple[str, float]]:
    """(name, poll seconds) of every mailbox the settings ask mailbot to watch."""
    return [(settings.mailbox.name, settings.mailbox.poll_seconds)]


def late_after(settings: Settings, poll_seconds: float) -> timedelta:
    ops = settings.ops
    return timedelta(
        seconds=max(poll_seconds * ops.fetch_stale_factor, ops.fetch_stale_min_minutes * 60)
    )


def database_ok(session: Session) -> tuple[bool, str | None]:
    try:
        session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not reachable"
        return False, type(exc).__name__
    return True, None


def check_mailboxes(
    session: Session, settings: Settings, now: datetime, *, late: timedelta | None = None
) -> list[MailboxCheck]:
    """Each configured mailbox: fetched within ``late`` (default: its expected interval)?

    Connected: fetched in time, and the last fetch came after the last error (a good fetch
    clears ``last_error``, so one still there was recorded after it)."""
    checks = []
    for name, poll in expected_mailboxes(settings):
        row = session.get(MailboxStateRow, name)
        limit = late if late is not None else late_after(settings, poll)
        last = row.last_fetch_at if row else None
        in_time = last is not None and now - last <= limit
        error = row.last_error if row else None
        checks.append(
            MailboxCheck(
                name=name,
                ok=in_time,
                last_fetch_at=last,
                late_after_seconds=limit.total_seconds(),
                last_error=error,
                last_error_at=row.last_error_at if row else None,
                connected=in_time and error is None,
                backlog=row.backlog if row else None,
            )
        )
    return checks


def check_outbox(session: Session, settings: Settings, now: datetime) -> OutboxCheck:
    ops = settings.ops
    stuck_before = now - timedelta(minutes=ops.outbox_stuck_minutes)
    waiting = OutboxRow.status.in_(("pending", "sending"))
    pending = session.scalar(select(func.count()).where(waiting)) or 0
    oldest = session.scalar(select(func.min(OutboxRow.not_before)).where(waiting))
    is_stuck = ((OutboxRow.status == "pending") & (OutboxRow.not_before < stuck_before)) | (
        (OutboxRow.status == "sending") & (OutboxRow.claimed_until < stuck_before)
    )
    stuck = session.scalar(select(func.count()).where(is_stuck)) or 0
    is_retrying = (OutboxRow.status == "pending") & OutboxRow.last_error.is_not(None)
    retrying = session.scalar(select(func.count()).where(is_retrying)) or 0
    # A failed row's not_before is the time of its last attempt: near enough to when it failed.
    is_recent_failure = (OutboxRow.status == "failed") & (
        OutboxRow.not_before >= now - FAILURE_WINDOW
    )
    failed_recently = session.scalar(select(func.count()).where(is_recent_failure)) or 0
    failed_total = session.scalar(select(func.count()).where(OutboxRow.status == "failed")) or 0
    failing = retrying + failed_recently >= ops.outbox_failing_count
    since = None
    if stuck or failing:
        trouble = is_stuck | is_retrying | is_recent_failure
        since = session.scalar(select(func.min(OutboxRow.created_at)).where(trouble))
    return OutboxCheck(
        ok=not stuck and not failing,
        pending=pending,
        stuck=stuck,
        retrying=retrying,
        failed_recently=failed_recently,
        failed_total=failed_total,
        oldest_due_at=oldest,
        stuck_since=since,
    )


def exceptions_waiting(session: Session) -> tuple[int, datetime | None]:
    """How many items wait on the exceptions queue, and since when the oldest."""
    row = session.execute(
        select(func.count(), func.min(ExceptionRow.created_at)).where(ExceptionRow.status == "open")
    ).one()
    return int(row[0] or 0), row[1]


def readiness(session: Session, settings: Settings, now: datetime) -> tuple[bool, dict[str, Any]]:
    """(ready?, the checks as JSON-able values): what /readyz answers and ``status`` prints."""
    db_ok, db_error = database_ok(session)
    checks: dict[str, Any] = {"database": {"ok": db_ok, "error": db_error}}
    if not db_ok:
        session.rollback()
        return False, checks
    mailboxes = check_mailboxes(session, settings, now)
    outbox = check_outbox(session, settings, now)
    checks["mailboxes"] = {m.name: m.to_json() for m in mailboxes}
    checks["outbox"] = outbox.to_json()
    ok = db_ok and outbox.ok and all(m.ok for m in mailboxes)
    return ok, checks
