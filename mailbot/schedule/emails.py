"""Turning a due email (planner.DueEmail) into a composed message, from the templates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from mailbot.context import Deps
from mailbot.model import Child, Plan
from mailbot.schedule import digest
from mailbot.schedule.planner import DueEmail, dates_for
from mailbot.schedule.policy import Policy
from mailbot.schedule.workdays import Calendar
from outbound import compose
from outbound.ids import domain_of, make_message_id
from outbound.values import Allowance, ChildSummary, Composed, OutstandingVisit, Stamp


def summary(child: Child) -> ChildSummary:
    return ChildSummary(
        child.initials, child.child_id, child.first_name, child.last_name, child.dob
    )


def compose_due(
    deps: Deps,
    session: Session,
    item: DueEmail,
    *,
    at: datetime,
    today: date,
    children: Mapping[str, Child],
    plans: Mapping[int, Plan],
    policy: Policy,
    calendar: Calendar,
) -> Composed:
    """The email for ``item``; follow-ups, chases and escalations thread under the alert."""
    domain = domain_of(deps.mailbox_address)
    stamp = Stamp(message_id=make_message_id(domain, item.key), date=at)
    web = deps.settings.service.web_base_url.rstrip("/") or None
    t = deps.templates
    if item.kind == "digest":
        found = digest.sections(
            session, today=today, children=children, policy=policy, calendar=calendar
        )
        return compose.digest(t, stamp=stamp, to=item.to, day=today, sections=found, web_url=web)
    child = children[item.child_ids[0]]
    if item.kind == "rag_review":
        level = policy.level(child.rag)
        days = level.rag_review_days if level and level.rag_review_days else 42
        last = child.rag_date or today
        return compose.rag_review(
            t,
            stamp=stamp,
            to=item.to,
            child=summary(child),
            rag=child.rag,
            review_due=last + timedelta(days=days),
            reason=f"every {child.rag} child's rating is reviewed at least every {days} days",
            last_reviewed=child.rag_date,
        )
    if item.visit_id is None or item.visit_due is None or not item.reference:
        raise ValueError(f"{item.kind} email without its visit")
    plan = plans[item.visit_id]
    alert_id = make_message_id(domain, f"alert:{item.visit_id}:{item.visit_due}")
    if item.kind != "alert":
        stamp = Stamp(stamp.message_id, at, in_reply_to=alert_id, references=(alert_id,))
    allowance = Allowance(dob=deps.settings.forwarding.include_dob_in_alerts)
    shown = summary(child)
    due = item.visit_due
    record_due = dates_for(due, policy, calendar).record_due
    if item.kind == "alert":
        return compose.alert(
            t, stamp=stamp, to=item.to, child=shown, visitor_name=plan.visitor_name,
            visit_due=due, reference=item.reference, allowance=allowance,
        )  # fmt: skip
    if item.kind == "follow_up":
        return compose.follow_up(
            t, stamp=stamp, to=item.to, child=shown, visitor_name=plan.visitor_name,
            visit_due=due, reference=item.reference, allowance=allowance,
        )  # fmt: skip
    if item.kind == "record_chase":
        return compose.record_chase(
            t, stamp=stamp, to=item.to, child=shown, visitor_name=plan.visitor_name,
            visit_due=due, record_due=record_due, reference=item.reference, allowance=allowance,
        )  # fmt: skip
    outstanding = OutstandingVisit(
        child=shown,
        visitor_name=plan.visitor_name,
        visitor_org=plan.visitor_org,
        visit_due=due,
        record_due=record_due,
        chases_sent=item.chase,
        reference=item.reference,
    )
    return compose.escalation(
        t, stamp=stamp, to=item.to, cc=item.cc, items=[outstanding], as_of=today, web_url=web
    )
