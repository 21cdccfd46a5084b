"""What is due, and when: pure functions over frozen values (no clock, no database).

``due_emails`` answers "which emails should have gone by ``today``", given each open
visit and what was already queued for it; ``next_visit`` answers "which visit should a
plan have next". The runner feeds them from the store; ``simulate`` feeds them its own
days for ``schedule preview``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from mailbot.model import Child, Plan
from mailbot.schedule.policy import Policy
from mailbot.schedule.workdays import Calendar

KINDS = ("alert", "follow_up", "record_chase", "escalation", "rag_review", "digest")


@dataclass(frozen=True)
class Sent:
    kind: str
    day: date  # the local day it was queued


@dataclass(frozen=True)
class VisitState:
    visit_id: int
    plan: Plan
    due_date: date
    reference: str
    responded: bool = False
    sent: tuple[Sent, ...] = ()

    def days(self, kind: str) -> list[date]:
        return sorted(s.day for s in self.sent if s.kind == kind)


@dataclass(frozen=True)
class DueEmail:
    kind: str
    key: str  # unique per (visit, kind, due date): the outbox key
    send_on: date  # the day the rules give (an email found late goes on the day it is found)
    child_ids: tuple[str, ...]
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    visit_id: int | None = None
    visit_due: date | None = None
    reference: str | None = None
    chase: int = 0  # which chase this is (1, 2, ...)
    why: str = ""


@dataclass(frozen=True)
class Dates:
    """The days the rules give for one visit due on ``due``."""

    alert: date
    follow_up: date
    record_due: date
    first_chase: date


def dates_for(due: date, policy: Policy, cal: Calendar) -> Dates:
    t = policy.timings
    record_due = due + timedelta(days=math.ceil(t.record_due_hours / 24))
    return Dates(
        alert=cal.on_or_before(due - timedelta(days=t.alert_days_before)),
        follow_up=cal.add(due, -t.follow_up_working_days_before),
        record_due=record_due,
        first_chase=cal.on_or_after(record_due + timedelta(days=t.chase_days_after_record_due)),
    )


def due_emails(
    *,
    today: date,
    visits: Iterable[VisitState],
    children: Mapping[str, Child],
    policy: Policy,
    calendar: Calendar,
    digest_to: str | None = None,
) -> list[DueEmail]:
    """Every email whose day has come by ``today`` and that still makes sense today.

    Emails already queued (``VisitState.sent``) are not repeated; for RAG reviews and the
    digest the caller drops keys already in the outbox. Never an alert or follow-up for a
    visit whose date has passed; chases only after an alert asked for the record.
    """
    out: list[DueEmail] = []
    for visit in visits:
        child = children.get(visit.plan.child_id)
        if child is None or visit.plan.visitor_role not in policy.timings.email_roles:
            continue
        out.extend(_visit_emails(today, visit, child, policy, calendar))
    for child in children.values():
        review = _rag_review(today, child, policy, calendar)
        if review is not None:
            out.append(review)
    if digest_to and calendar.is_working(today):
        out.append(DueEmail("digest", f"digest:{today}", today, (), (digest_to,), why="daily"))
    return out


def _visit_emails(
    today: date, v: VisitState, child: Child, policy: Policy, cal: Calendar
) -> list[DueEmail]:
    t = policy.timings
    d = dates_for(v.due_date, policy, cal)
    partner = (v.plan.visitor_email,)

    def email(
        kind: str,
        on: date,
        why: str,
        chase: int = 0,
        to: tuple[str, ...] = partner,
        cc: tuple[str, ...] = (),
    ) -> DueEmail:
        key = f"{kind}:{v.visit_id}:{v.due_date}" + (f":{chase}" if kind == "record_chase" else "")
        return DueEmail(
            kind, key, on, (child.child_id,), to, cc, v.visit_id, v.due_date, v.reference,
            chase=chase, why=why,
        )  # fmt: skip

    alerts = v.days("alert")
    if not alerts:
        if d.alert <= today <= v.due_date:
            return [email("alert", d.alert, f"visit due {v.due_date}")]
        return []
    if (
        not v.days("follow_up")
        and not v.responded
        and d.follow_up <= today <= v.due_date
        and alerts[0] < d.follow_up
    ):
        return [email("follow_up", d.follow_up, "no response to the alert")]
    chases = v.days("record_chase")
    next_day = cal.add(chases[-1], t.chase_gap_working_days) if chases else d.first_chase
    if today < next_day:
        return []
    if len(chases) < t.escalate_after_chases:
        n = len(chases) + 1
        return [email("record_chase", next_day, f"record due {d.record_due}", chase=n)]
    if t.escalate and not v.days("escalation"):
        manager = child.team_manager_email
        return [
            email(
                "escalation",
                next_day,
                f"no record after {len(chases)} chase(s)",
                chase=len(chases),
                to=(child.social_worker_email,),
                cc=(manager,) if manager and manager != child.social_worker_email else (),
            )
        ]
    return []


def _rag_review(today: date, child: Child, policy: Policy, cal: Calendar) -> DueEmail | None:
    level = policy.level(child.rag)
    if level is None or not level.rag_review_days or child.rag_date is None:
        return None
    review_due = child.rag_date + timedelta(days=level.rag_review_days)
    send_on = cal.on_or_before(review_due)
    if today < send_on:
        return None
    return DueEmail(
        "rag_review",
        f"rag_review:{child.child_id}:{child.rag_date}",
        send_on,
        (child.child_id,),
        (child.social_worker_email,),
        visit_due=None,
        why=f"review due {review_due}",
    )


# ---- visits from plans --------------------------------------------------------------------


@dataclass(frozen=True)
class PastVisit:
    visit_id: int
    due_date: date
    status: str  # due | done | cancelled
    visit_date: date | None = None
    emailed: bool = False  # an email was queued about it


@dataclass(frozen=True)
class VisitChange:
    create: date | None  # a visit to make (or reopen) with this due date
    cancel: tuple[int, ...] = ()


NO_CHANGE = VisitChange(None)


def next_visit(
    plan: Plan,
    child: Child,
    history: Sequence[PastVisit],
    policy: Policy,
    today: date,
    last_record: date | None = None,
) -> VisitChange:
    """The plan's next visit: the tracker's ``next_visit_due`` (once), else the last visit
    plus the frequency, else the policy's first visit. A missed visit stays open (its record
    is still chased) and the next one is made when its date has passed."""
    freq = policy.frequency(child, plan)
    level = policy.level(child.rag)
    if freq is None or level is None:
        return NO_CHANGE
    step = timedelta(days=freq)
    live = sorted((h for h in history if h.status != "cancelled"), key=lambda h: h.due_date)
    done = [h.visit_date or h.due_date for h in live if h.status == "done"]
    tracker = plan.next_visit_due
    if (
        tracker is not None
        and all(h.due_date != tracker for h in history)
        and (not done or tracker > max(done))
    ):
        stale = tuple(h.visit_id for h in live if h.status == "due" and h.due_date >= today)
        return VisitChange(tracker, stale)
    if not live:
        if last_record is not None:
            return VisitChange(last_record + step)
        return VisitChange(today + timedelta(days=level.first_visit_days or freq))
    latest = live[-1]
    if latest.status == "done":
        return VisitChange((latest.visit_date or latest.due_date) + step)
    if latest.due_date < today:  # missed: the next cycle's visit
        cycles = max(1, math.ceil((today - latest.due_date) / step))
        return VisitChange(latest.due_date + cycles * step)
    if latest.emailed or latest.due_date == tracker or len(live) < 2:
        return NO_CHANGE
    prev = live[-2]
    base = (prev.visit_date or prev.due_date) if prev.status == "done" else prev.due_date
    wanted = max(base + step, today)
    if wanted == latest.due_date:
        return NO_CHANGE
    return VisitChange(wanted, (latest.visit_id,))  # the frequency or RAG changed


# ---- preview ------------------------------------------------------------------------------


def simulate(
    *,
    start: date,
    days: int,
    visits: Sequence[VisitState],
    children: Mapping[str, Child],
    policy: Policy,
    calendar: Calendar,
    digest_to: str | None = None,
    queued: Iterable[str] = (),
) -> list[tuple[date, DueEmail]]:
    """(day it goes, email) for each email over ``days`` days from ``start``, assuming each
    goes on its day and no reply or record arrives."""
    state = {v.visit_id: v for v in visits}
    keys = set(queued)
    out: list[tuple[date, DueEmail]] = []
    for offset in range(max(days, 0)):
        day = start + timedelta(days=offset)
        _next_cycles(state, children, policy, day)
        if not calendar.is_working(day):
            continue
        due = due_emails(
            today=day,
            visits=list(state.values()),
            children=children,
            policy=policy,
            calendar=calendar,
            digest_to=digest_to,
        )
        for item in due:
            if item.key in keys:
                continue
            keys.add(item.key)
            out.append((day, item))
            if item.visit_id is not None and item.visit_id in state:
                v = state[item.visit_id]
                state[item.visit_id] = replace(v, sent=(*v.sent, Sent(item.kind, day)))
    return out


def _next_cycles(
    state: dict[int, VisitState], children: Mapping[str, Child], policy: Policy, day: date
) -> None:
    """As the scans do: a visit whose date passed without a record gets its plan's next."""
    latest: dict[tuple[str, str], VisitState] = {}
    for v in state.values():
        key = (v.plan.child_id, v.plan.visitor_email)
        if key not in latest or v.due_date > latest[key].due_date:
            latest[key] = v
    for v in latest.values():
        child = children.get(v.plan.child_id)
        freq = policy.frequency(child, v.plan) if child else None
        if freq is None or v.due_date >= day:
            continue
        step = timedelta(days=freq)
        due = v.due_date + max(1, math.ceil((day - v.due_date) / step)) * step
        new_id = min(0, *state) - 1
        state[new_id] = VisitState(new_id, v.plan, due, "(new visit)")
