"""The scheduler: a scan that queues what is due (``run_due``), run by APScheduler on the
one process that holds the ``scheduler`` lease, and ``preview`` of what would be sent.

Every email is an outbox row with a unique key per (visit, kind, due date), so a reminder
is queued at most once across restarts, races and two daemons. APScheduler only times the
scan; its job store is memory and never shared.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session

from mailbot.context import Deps, load_children
from mailbot.model import Child, Plan
from mailbot.ops.jobs import periodic
from mailbot.schedule.emails import compose_due
from mailbot.schedule.planner import (
    DueEmail,
    PastVisit,
    Sent,
    VisitState,
    due_emails,
    next_visit,
    simulate,
)
from mailbot.schedule.policy import Policy, load_policy
from mailbot.schedule.visits import sync_visits, to_plan
from mailbot.schedule.workdays import Calendar
from store import audit, outbox
from store import leases as lease
from store import visits as store

log = logging.getLogger(__name__)

LEASE = "scheduler"


@dataclass(frozen=True)
class State:
    visits: list[VisitState]
    children: dict[str, Child]
    plans: dict[int, Plan]  # by visit id


def policy_of(deps: Deps) -> Policy:
    return load_policy(deps.settings.schedule.policy)


def calendar_of(deps: Deps) -> Calendar:
    s = deps.settings.schedule
    return Calendar.from_settings(s.region, s.closure_days)


def zone_of(deps: Deps) -> ZoneInfo:
    return ZoneInfo(deps.settings.service.timezone)


def in_working_hours(deps: Deps, at: datetime, calendar: Calendar) -> bool:
    local = at.astimezone(zone_of(deps))
    s = deps.settings.schedule
    start, end = time.fromisoformat(s.working_hours_start), time.fromisoformat(s.working_hours_end)
    return calendar.is_working(local.date()) and start <= local.time().replace(tzinfo=None) < end


def load_state(session: Session, zone: ZoneInfo) -> State:
    pairs = store.open_visits(session)
    emails = store.emails_about(session, [v.id for v, _ in pairs])
    visits = [
        VisitState(
            visit_id=v.id,
            plan=to_plan(p),
            due_date=v.due_date,
            reference=v.reference,
            responded=v.responded_at is not None,
            sent=tuple(Sent(kind, at.astimezone(zone).date()) for kind, at in emails[v.id]),
        )
        for v, p in pairs
    ]
    children = {c.child_id: c for c in load_children(session)}
    return State(visits, children, {v.visit_id: v.plan for v in visits})


def _digest_to(deps: Deps) -> str | None:
    return deps.settings.service.business_support_email if deps.settings.schedule.digest else None


def as_json(day: date, item: DueEmail) -> dict[str, Any]:
    """The preview's contract: one object per email."""
    return {
        "send_on": day.isoformat(),
        "kind": item.kind,
        "child_ids": list(item.child_ids),
        "visit_due": item.visit_due.isoformat() if item.visit_due else None,
        "to": list(dict.fromkeys((*item.to, *item.cc))),
    }


def run_due(deps: Deps, at: datetime) -> list[dict[str, Any]]:
    """One scan at ``at``: make visits for new plans, then queue every email due now (only in
    working hours on working days). Returns what it queued."""
    policy, calendar, zone = policy_of(deps), calendar_of(deps), zone_of(deps)
    prefix = deps.settings.matching.reference_prefix
    with deps.sessions() as session:
        sync_visits(session, policy=policy, now=at, zone=zone.key, prefix=prefix)
        session.commit()
    if not in_working_hours(deps, at, calendar):
        return []
    today = at.astimezone(zone).date()
    with deps.sessions() as session:
        state = load_state(session, zone)
        due = due_emails(
            today=today,
            visits=state.visits,
            children=state.children,
            policy=policy,
            calendar=calendar,
            digest_to=_digest_to(deps),
        )
        done = store.existing_keys(session, [d.key for d in due])
    queued: list[dict[str, Any]] = []
    for item in due:
        if item.key in done:
            continue
        with deps.sessions() as session:
            if store.key_exists(session, item.key):
                continue
            composed = compose_due(
                deps, session, item, at=at, today=today, children=state.children,
                plans=state.plans, policy=policy, calendar=calendar,
            )  # fmt: skip
            row_id = outbox.enqueue(
                session,
                key=item.key,
                kind=item.kind,
                message_id=composed.message_id,
                mail_from=composed.envelope.mail_from,
                recipients=composed.envelope.recipients,
                raw=composed.raw,
                now=at,
                visit_id=item.visit_id,
                child_ids=item.child_ids,
                reference=item.reference,
            )
            if row_id is None:  # another scheduler queued it a moment ago
                session.rollback()
                continue
            audit.record(
                session, at=at, actor="mailbot", action="queued", subject_type="outbox",
                subject_id=row_id, kind=item.kind, key=item.key, why=item.why,
            )  # fmt: skip
            session.commit()
        log.info("queued %s", item.key)
        queued.append({**as_json(today, item), "key": item.key})
    return queued


def preview_items(deps: Deps, start: date, days: int) -> list[tuple[date, DueEmail]]:
    """(day, email) for what would be sent over ``days`` days from ``start`` if no reply or
    record arrived; plans still without a visit get the one the next scan would make."""
    policy, calendar, zone = policy_of(deps), calendar_of(deps), zone_of(deps)
    with deps.sessions() as session:
        state = load_state(session, zone)
        visits = {v.visit_id: v for v in state.visits}
        made = 0
        plan_rows = store.plans(session)
        histories = store.history(session, [p.id for p in plan_rows])
        for row in plan_rows:
            child = state.children.get(row.child_id)
            if child is None:
                continue
            past = [
                PastVisit(v.id, v.due_date, v.status, v.visit_date, bool(visits[v.id].sent))
                if v.id in visits
                else PastVisit(v.id, v.due_date, v.status, v.visit_date)
                for v in histories[row.id]
            ]
            change = next_visit(to_plan(row), child, past, policy, start)
            if change.create is None or any(p.due_date == change.create for p in past):
                continue
            for cancelled in change.cancel:
                visits.pop(cancelled, None)
            made += 1
            visits[-made] = VisitState(-made, to_plan(row), change.create, "(new visit)")
        args: dict[str, Any] = {
            "start": start, "days": days, "visits": list(visits.values()),
            "children": state.children, "policy": policy, "calendar": calendar,
            "digest_to": _digest_to(deps),
        }  # fmt: skip
        found = simulate(**args)
        queued = store.existing_keys(session, [item.key for _, item in found])
    return simulate(**args, queued=queued) if queued else found


def preview(deps: Deps, start: date, days: int) -> list[dict[str, Any]]:
    """What would be sent: ``{"send_on","kind","child_ids","visit_due","to"}`` per email."""
    return [as_json(day, item) for day, item in preview_items(deps, start, days)]


class SchedulerRunner:
    """APScheduler 3.x BackgroundScheduler: a scan every ``schedule.scan_minutes`` and once at
    start; only the holder of the ``scheduler`` lease scans."""

    def __init__(self, deps: Deps, holder: str) -> None:
        self.deps = deps
        self.holder = holder
        minutes = max(deps.settings.schedule.scan_minutes, 0.1)
        self.interval = timedelta(minutes=minutes)
        self.ttl = max(self.interval * 3, timedelta(minutes=2))
        self._scheduler = BackgroundScheduler(timezone=UTC)
        self.scans = 0

    def start(self) -> None:
        job = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
        self._scheduler.add_job(self.scan, id="scan-at-start", **job)
        self._scheduler.add_job(
            self.scan, "interval", seconds=self.interval.total_seconds(), id="scan", **job
        )
        self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        with self.deps.sessions() as session:
            lease.release(session, LEASE, self.holder, self.deps.clock.now())
            session.commit()

    def is_leader(self) -> bool:
        """Take or renew the lease now."""
        with self.deps.sessions() as session:
            held = lease.acquire(session, LEASE, self.holder, self.deps.clock.now(), self.ttl)
            session.commit()
        return held

    def scan(self) -> list[dict[str, Any]]:
        """One scan, if this process holds the lease; never raises (logged instead)."""
        try:
            if not self.is_leader():
                return []
            queued = run_due(self.deps, self.deps.clock.now())
            periodic(self.deps)
        except Exception:
            log.exception("scheduler scan failed")
            return []
        finally:
            self.scans += 1
        return queued
