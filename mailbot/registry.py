"""``mailbot registry import``: the team tracker into the store, all or nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from mailbot import tracker
from mailbot.context import Deps
from store import audit
from store.tracker import apply_tracker


def import_tracker(deps: Deps, path: Path) -> dict[str, int]:
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
