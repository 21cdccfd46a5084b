"""Upserting the team tracker: children and visit plans, keyed on child_id and visitor_email."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import ChildRow, PlanRow, TrackerRevision

CHILD_FIELDS = [
    "first_name",
    "last_name",
    "dob",
    "legal_status",
    "rag",
    "rag_date",
    "school",
    "social_worker",
    "social_worker_email",
    "team_manager_email",
]
PLAN_FIELDS = [
    "visitor_name",
    "visitor_org",
    "visitor_role",
    "visit_method",
    "frequency_days",
    "next_visit_due",
]
COUNTS = [
    "children_added",
    "children_updated",
    "children_removed",
    "plans_added",
    "plans_updated",
    "plans_removed",
]


def apply_tracker(
    session: Session,
    children: Sequence[Mapping[str, Any]],
    plans: Sequence[Mapping[str, Any]],
    *,
    source: str,
    now: datetime,
) -> dict[str, int]:
    """Make the stored tracker equal to the given one; returns counts of what changed."""
    counts = dict.fromkeys(COUNTS, 0)
    existing = {c.child_id: c for c in session.scalars(select(ChildRow))}
    wanted = {c["child_id"]: c for c in children}
    for child_id, values in wanted.items():
        row = existing.get(child_id)
        if row is None:
            session.add(ChildRow(child_id=child_id, updated_at=now, **_pick(values, CHILD_FIELDS)))
            counts["children_added"] += 1
        elif _changed(row, values, CHILD_FIELDS):
            for name in CHILD_FIELDS:
                setattr(row, name, values[name])
            row.updated_at = now
            counts["children_updated"] += 1
    for child_id, row in existing.items():
        if child_id not in wanted:
            session.delete(row)
            counts["children_removed"] += 1
    session.flush()
    current = {(p.child_id, p.visitor_email): p for p in session.scalars(select(PlanRow))}
    wanted_plans = {(p["child_id"], p["visitor_email"]): p for p in plans}
    for key, values in wanted_plans.items():
        plan = current.get(key)
        if plan is None:
            session.add(
                PlanRow(child_id=key[0], visitor_email=key[1], **_pick(values, PLAN_FIELDS))
            )
            counts["plans_added"] += 1
        elif _changed(plan, values, PLAN_FIELDS):
            for field in PLAN_FIELDS:
                setattr(plan, field, values[field])
            counts["plans_updated"] += 1
    for key, plan in current.items():
        if key not in wanted_plans and key[0] in wanted:
            session.delete(plan)
            counts["plans_removed"] += 1
        elif key[0] not in wanted:
            counts["plans_removed"] += 1  # removed with its child
    session.add(TrackerRevision(imported_at=now, source=source, summary=counts))
    session.flush()
    return counts


_LATEST = select(TrackerRevision.id).order_by(TrackerRevision.id.desc()).limit(1)


def tracker_revision(session: Session) -> int:
    """The latest import's number (asked for every message: the statement is built once)."""
    return session.scalar(_LATEST) or 0


def _pick(values: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    return {k: values[k] for k in fields}


def _changed(row: object, values: Mapping[str, Any], fields: Sequence[str]) -> bool:
    return any(getattr(row, k) != values[k] for k in fields)
