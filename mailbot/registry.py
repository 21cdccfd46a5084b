"""``mailbot registry import``: the team tracker into the store, all or nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from mailbot import tracker
from mailbot.context import Deps, load_children, load_plans
from mailbot.schedule.policy import check_plans
from store import audit
from store.tracker import apply_tracker


def import_tracker(deps: Deps, path: Path) -> dict[str, int]:
    """Import the tracker at ``path``; counts of what changed. The scheduler's next scan
    (``mailbot run``, or ``schedule run-due``) turns the plans into visits."""
    rows = tracker.parse(tracker.read_file(path))
    now = deps.clock.now()
    with deps.sessions() as session, session.begin():
        summary = apply_tracker(
            session,
            [dataclasses.asdict(c) for c in rows.children],
            [dataclasses.asdict(p) for p in rows.plans],
            source=path.name,
            now=now,
        )
        audit.record(
            session,
            at=now,
            actor="mailbot",
            action="tracker_imported",
            subject_type="tracker",
            subject_id=path.name,
            **summary,
        )
    return summary


def policy_warnings(deps: Deps) -> list[str]:
    """Plans that break the visiting policy (seed 000's must-be-seen-by-a-social-worker list)."""
    with deps.sessions() as session:
        return check_plans(load_children(session), load_plans(session), deps.policy)
