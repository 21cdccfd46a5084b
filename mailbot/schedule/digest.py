"""The daily digest for business support: what needs doing, oldest first (initials and IDs only)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from mailbot.model import Child
from mailbot.schedule.planner import dates_for
from mailbot.schedule.policy import Policy
from mailbot.schedule.workdays import Calendar
from outbound.values import DigestItem, DigestSection
from store import visits as store

BOUNCE = "delivery failure"


def _label(children: Mapping[str, Child], child_id: str) -> str:
    child = children.get(child_id)
    return f"{child.initials} {child_id}" if child else child_id


def _day(at: datetime) -> date:
    return at.date()


def sections(
    session: Session,
    *,
    today: date,
    children: Mapping[str, Child],
    policy: Policy,
    calendar: Calendar,
) -> list[DigestSection]:
    horizon = calendar.add(today, policy.timings.tracker_highlight_working_days)
    soon: list[DigestItem] = []
    overdue: list[DigestItem] = []
    chased = store.emails_about(session, [v.id for v, _ in store.open_visits(session)])
    for visit, plan in store.open_visits(session):
        who = f"{plan.visitor_name}" + (f", {plan.visitor_org}" if plan.visitor_org else "")
        label = _label(children, visit.child_id)
        record_due = dates_for(visit.due_date, policy, calendar).record_due
        if today <= visit.due_date <= horizon:
            soon.append(
                DigestItem(visit.due_date, f"{label}: visit due, {who} [{visit.reference}]")
            )
        elif record_due < today:
            chases = sum(1 for kind, _ in chased.get(visit.id, []) if kind == "record_chase")
            overdue.append(
                DigestItem(
                    record_due,
                    f"{label}: record of the visit due {visit.due_date:%d/%m/%Y} not received, "
                    f"{who}; chased {chases} time(s) [{visit.reference}]",
                )
            )
    upload = [
        DigestItem(
            _day(r.forwarded_at or r.created_at),
            f"{', '.join(_label(children, c) for c in ids)}: record {r.id} "
            "to upload to the case system",
        )
        for r, ids in store.records_awaiting_upload(session)
    ]
    waiting: list[DigestItem] = []
    bounces: list[DigestItem] = []
    for item in store.open_exceptions(session):
        line = DigestItem(_day(item.created_at), f"exception {item.id}: {item.reason[:160]}")
        (bounces if item.reason.lower().startswith(BOUNCE) else waiting).append(line)
    for row in store.failed_sends(session):
        bounces.append(
            DigestItem(_day(row.created_at), f"the {row.kind} email {row.id} could not be sent")
        )
    week = timedelta(days=7)
    return [
        DigestSection("Visits due within 7 working days", tuple(soon)),
        DigestSection("Records overdue", tuple(overdue)),
        DigestSection("Exceptions waiting", tuple(waiting)),
        DigestSection("Bounces and failed emails", tuple(bounces)),
        DigestSection(
            "Records to upload to the case system",
            tuple(upload),
            note="" if not upload or today - upload[0].when < week else "some are over a week old",
        ),
    ]
