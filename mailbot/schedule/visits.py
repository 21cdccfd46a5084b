"""Visit rows from plans, and the pipeline's hooks: a record completes a visit, a reply counts
as a response. Plain functions taking a Session; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailbot.context import load_children
from mailbot.model import Child, Plan
from mailbot.schedule.planner import PastVisit, next_visit
from mailbot.schedule.policy import Policy
from outbound.ids import make_reference
from store import visits as store
from store.models import PlanRow, VisitRow

DEFAULT_ZONE = "Europe/London"


def to_plan(row: PlanRow) -> Plan:
    return Plan(
        child_id=row.child_id,
        visitor_name=row.visitor_name,
        visitor_email=row.visitor_email,
        visitor_org=row.visitor_org,
        visitor_role=row.visitor_role,
        visit_method=row.visit_method,
        frequency_days=row.frequency_days,
        next_visit_due=row.next_visit_due,
    )


def local_day(at: datetime, zone: str = DEFAULT_ZONE) -> date:
    return at.astimezone(ZoneInfo(zone)).date()


def reference_for(plan_id: int, due: date, prefix: str = "MECC") -> str:
    return make_reference(f"visit:{plan_id}:{due.isoformat()}", prefix)


def sync_visits(
    session: Session,
    *,
    policy: Policy,
    now: datetime,
    zone: str = DEFAULT_ZONE,
    prefix: str = "MECC",
) -> int:
    """Give every plan its next visit (after a tracker import and on each scan); returns how
    many visits were made or moved."""
    today = local_day(now, zone)
    children = {c.child_id: c for c in load_children(session)}
    plan_rows = store.plans(session)
    histories = store.history(session, [p.id for p in plan_rows])
    emailed = store.emails_about(
        session, [v.id for rows in histories.values() for v in rows if v.status == "due"]
    )
    changed = 0
    for row in plan_rows:
        child = children.get(row.child_id)
        if child is None:
            continue
        changed += _sync_plan(
            session, row, child, histories[row.id], emailed, policy, today, prefix
        )
    session.flush()
    return changed


def _sync_plan(
    session: Session,
    row: PlanRow,
    child: Child,
    rows: list[VisitRow],
    emailed: dict[int, list[tuple[str, datetime]]],
    policy: Policy,
    today: date,
    prefix: str,
) -> int:
    past = [
        PastVisit(v.id, v.due_date, v.status, v.visit_date, bool(emailed.get(v.id))) for v in rows
    ]
    last = None if rows else store.last_record_visit(session, row.child_id, row.visitor_email)
    change = next_visit(to_plan(row), child, past, policy, today, last)
    if change.create is None:
        return 0
    for v in rows:
        if v.id in change.cancel:
            v.status = "cancelled"
    same_day = next((v for v in rows if v.due_date == change.create), None)
    if same_day is not None:
        if same_day.status == "cancelled":
            same_day.status = "due"
            return 1
        return 0
    made = store.add_visit(
        session,
        plan_id=row.id,
        child_id=row.child_id,
        due_date=change.create,
        reference=reference_for(row.id, change.create, prefix),
    )
    return 1 if made is not None else 0


def _plans_for(session: Session, child_id: str, sender: str) -> list[PlanRow]:
    """The child's plans with this visitor; failing that, with a visitor at the same domain."""
    sender = sender.strip().lower()
    rows = list(session.scalars(select(PlanRow).where(PlanRow.child_id == child_id)))
    exact = [p for p in rows if p.visitor_email == sender]
    if exact:
        return exact
    domain = sender.rpartition("@")[2]
    return [p for p in rows if domain and p.visitor_email.rpartition("@")[2] == domain]


def on_record(
    session: Session,
    *,
    child_ids: Sequence[str],
    sender: str,
    visit_date: date | None,
    record_id: int,
    now: datetime,
    policy: Policy | None = None,
    zone: str = DEFAULT_ZONE,
    prefix: str = "MECC",
    children: Sequence[Child] | None = None,
) -> list[int]:
    """A record arrived: complete the sender's open visit nearest its visit date, and (with
    ``policy``; else at the next scan) schedule the next. Returns the visits completed.

    ``children`` are the record's children as the caller has them (else they are loaded)."""
    day = visit_date or local_day(now, zone)
    done: list[int] = []
    known = children if children is not None or not policy else load_children(session, child_ids)
    by_id = {c.child_id: c for c in known or ()}
    for child_id in dict.fromkeys(child_ids):
        for plan in _plans_for(session, child_id, sender):
            rows = store.history(session, [plan.id])[plan.id]
            finished = [v.visit_date or v.due_date for v in rows if v.status == "done"]
            if finished and day <= max(finished):
                continue  # an older record sent again: it completes nothing new
            open_rows = [v for v in rows if v.status == "due"]
            if open_rows:
                visit = min(open_rows, key=lambda v: (abs((v.due_date - day).days), v.due_date))
            else:
                made = store.add_visit(
                    session,
                    plan_id=plan.id,
                    child_id=child_id,
                    due_date=day,
                    reference=reference_for(plan.id, day, prefix),
                )
                if made is None:
                    continue
                visit = made
            visit.status = "done"
            visit.visit_date = day
            visit.record_id = record_id
            visit.responded_at = visit.responded_at or now
            done.append(visit.id)
            session.flush()
            child = by_id.get(child_id)
            if policy is not None and child is not None:
                rows = store.history(session, [plan.id])[plan.id]
                emailed = store.emails_about(session, [v.id for v in rows if v.status == "due"])
                today = local_day(now, zone)
                _sync_plan(session, plan, child, rows, emailed, policy, today, prefix)
    session.flush()
    return done


def on_reply(session: Session, *, child_ids: Sequence[str], sender: str, now: datetime) -> int:
    """The visitor wrote back about these children: their open visits count as answered."""
    marked = 0
    for child_id in dict.fromkeys(child_ids):
        for plan in _plans_for(session, child_id, sender):
            query = select(VisitRow).where(VisitRow.plan_id == plan.id, VisitRow.status == "due")
            for visit in session.scalars(query):
                if visit.responded_at is None:
                    visit.responded_at = now
                    marked += 1
    session.flush()
    return marked


def mark_responded(
    session: Session,
    *,
    message_ids: Sequence[str | None],
    references: Sequence[str],
    now: datetime,
) -> list[int]:
    """A message replying to one of our alerts (In-Reply-To/References name its Message-ID)
    or quoting a visit's reference token counts as a response; returns the visits marked."""
    bare = [m.strip().strip("<>") for m in message_ids if m]
    marked: list[int] = []
    for visit in store.visits_for_messages(session, bare, references):
        if visit.responded_at is None:
            visit.responded_at = now
        marked.append(visit.id)
    session.flush()
    return marked
