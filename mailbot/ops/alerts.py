"""Alert the administrators by email when a mailbox is not being fetched or the outbox is failing.

Once per incident: an incident opens (an ``incident_opened`` audit entry) the first time
a check fails, and its alert is queued in the outbox under the key
``admin_alert:<incident>:<opened at>``; nothing more is sent while it stays open. When
the check passes again the incident is closed (``incident_closed``), so a new failure is
a new incident with a new alert. Call ``check_and_alert(deps)`` from one place only (the
scheduler's leader, every few minutes). The email names mailboxes and counts, never a
person. If the outbox itself cannot send, the alert waits in it like any other email:
/readyz and the metrics are the channel that still works then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailbot.context import Deps
from mailbot.ops.health import OutboxCheck, check_mailboxes, check_outbox
from mailbot.routing import queue_composed
from outbound import compose
from outbound.ids import domain_of, make_message_id
from outbound.values import Stamp
from store import audit
from store.models import AuditRow

log = logging.getLogger(__name__)

KIND = "admin_alert"  # config/templates/admin_alert.{subject,txt,html}.j2
SUBJECT_TYPE = "service_incident"
OPENED, CLOSED = "incident_opened", "incident_closed"


@dataclass(frozen=True)
class Problem:
    incident: str  # "mailbox:<name>" or "outbox"
    title: str
    lines: tuple[str, ...]
    since: datetime


def _when(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y %H:%M UTC") if value else "never"


def problems(session: Session, deps: Deps, now: datetime) -> tuple[list[Problem], list[str]]:
    """(what is wrong now, the incidents that are fine now)."""
    after = timedelta(minutes=deps.settings.ops.admin_alert_after_minutes)
    found: list[Problem] = []
    fine: list[str] = []
    for box in check_mailboxes(session, deps.settings, now, late=after):
        incident = f"mailbox:{box.name}"
        if box.ok:
            fine.append(incident)
            continue
        lines = [f"Mailbox '{box.name}': last fetched {_when(box.last_fetch_at)}."]
        if box.last_error:
            lines.append(f"Last error ({_when(box.last_error_at)}): {box.last_error[:300]}")
        found.append(
            Problem(
                incident,
                f"mailbox '{box.name}' not fetched for {int(after.total_seconds() // 60)} minutes",
                tuple(lines),
                box.last_fetch_at or box.last_error_at or now,
            )
        )
    check = check_outbox(session, deps.settings, now)
    if check.ok:
        fine.append("outbox")
    else:
        found.append(
            Problem(
                "outbox", "the outbox is failing", _outbox_lines(check), check.stuck_since or now
            )
        )
    return found, fine


def _outbox_lines(check: OutboxCheck) -> tuple[str, ...]:
    return (
        f"Emails waiting to be sent: {check.pending} (due since {_when(check.oldest_due_at)}).",
        f"Due but still unsent after the allowed time: {check.stuck}.",
        f"Retrying after an error: {check.retrying}; failed for good in the last hour: "
        f"{check.failed_recently} ({check.failed_total} in all, each on the exceptions queue).",
    )


def _open_incident(session: Session, incident: str) -> AuditRow | None:
    """The incident's opening entry while it is open, else None."""
    last = session.scalar(
        select(AuditRow)
        .where(
            AuditRow.subject_type == SUBJECT_TYPE,
            AuditRow.subject_id == incident,
            AuditRow.action.in_((OPENED, CLOSED)),
        )
        .order_by(AuditRow.id.desc())
        .limit(1)
    )
    return last if last is not None and last.action == OPENED else None


def _queue_alert(session: Session, deps: Deps, problem: Problem, now: datetime) -> str | None:
    key = f"{KIND}:{problem.incident}:{now.isoformat(timespec='seconds')}"
    composed = compose.admin_alert(
        deps.templates,
        stamp=Stamp(make_message_id(domain_of(deps.mailbox_address), key), now),
        to=deps.settings.service.admin_emails,
        title=problem.title,
        lines=problem.lines,
        since=problem.since,
    )
    return key if queue_composed(session, key, composed, now) is not None else None


def check_and_alert(deps: Deps) -> list[str]:
    """Open and close incidents; queue one alert per new incident. Returns the keys queued."""
    now = deps.clock.now()
    queued: list[str] = []
    with deps.sessions() as session, session.begin():
        found, fine = problems(session, deps, now)
        for incident in fine:
            if _open_incident(session, incident) is not None:
                audit.record(
                    session, at=now, actor="mailbot", action=CLOSED,
                    subject_type=SUBJECT_TYPE, subject_id=incident,
                )  # fmt: skip
                log.warning("incident %s has cleared", incident)
        for problem in found:
            if _open_incident(session, problem.incident) is not None:
                continue
            key = None
            if deps.settings.service.admin_emails:
                key = _queue_alert(session, deps, problem, now)
            else:
                log.warning("no [service] admin_emails: no alert email for %s", problem.incident)
            audit.record(
                session, at=now, actor="mailbot", action=OPENED, subject_type=SUBJECT_TYPE,
                subject_id=problem.incident, title=problem.title, alert=key,
            )  # fmt: skip
            log.error("incident %s: %s", problem.incident, problem.title)
            if key:
                queued.append(key)
    return queued
