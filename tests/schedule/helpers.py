"""A synthetic tracker (invented names) and a walk of the clock, scanning as a daemon would."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from mailbot.app import build, open_database
from mailbot.clock import FixedClock
from mailbot.context import Deps
from mailbot.registry import import_tracker
from mailbot.schedule.runner import run_due
from mailbot.settings import load
from mailbot.tracker import COLUMNS
from store.models import OutboxRow, VisitRow
from tests.conftest import write_settings

LONDON = ZoneInfo("Europe/London")
SW = "sam.rowe@example.gov.uk"
TM = "tess.moor@example.gov.uk"
SCHOOL = "pat.lane@hilltop.example.sch.uk"
NURSE = "nia.pell@health.example.nhs.uk"
YOUTH = "omar.vale@youth.example.org"


def row(
    child_id: str,
    first: str,
    last: str,
    *,
    rag: str,
    legal: str = "CIN",
    rag_date: str = "",
    school: str = "Hilltop Primary",
    visitor: str = SCHOOL,
    role: str = "partner",
    method: str = "face_to_face",
    every: str = "",
    next_due: str = "",
) -> dict[str, str]:
    return {
        "child_id": child_id, "first_name": first, "last_name": last, "dob": "2015-04-09",
        "legal_status": legal, "rag": rag, "rag_date": rag_date, "school": school,
        "social_worker": "Sam Rowe", "social_worker_email": SW, "team_manager_email": TM,
        "visitor_name": visitor.split("@")[0].replace(".", " ").title(), "visitor_email": visitor,
        "visitor_org": "Hilltop", "visitor_role": role, "visit_method": method,
        "visit_frequency_days": every, "next_visit_due": next_due,
    }  # fmt: skip


def write_tracker(path: Path, rows: Iterable[dict[str, str]]) -> Path:
    lines = [",".join(COLUMNS)] + [",".join(r[c] for c in COLUMNS) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_deps(root: Path, db_url: str | None = None, **schedule: object) -> tuple[Deps, FixedClock]:
    settings_path = write_settings(
        root,
        db_url,
        schedule={"digest": False, **schedule},
        service={"business_support_email": "mecc-support@example.gov.uk"},
    )
    clock = FixedClock(at(date(2026, 1, 5)))
    settings = load(settings_path, {})
    engine = open_database(settings, migrate=True)  # PostgreSQL is never migrated by itself
    return build(settings, clock, engine), clock


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A London wall-clock moment, in UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def days(first: date, last: date) -> Iterable[date]:
    while first <= last:
        yield first
        first += timedelta(days=1)


def walk(
    deps: Deps,
    clock: FixedClock,
    first: date,
    last: date,
    hours: tuple[int, ...] = (7, 9, 13, 19),
    skip: Iterable[date] = (),
) -> None:
    """Scan at each of ``hours`` on each day, as a daemon scanning all day would."""
    skipped = set(skip)
    for day in days(first, last):
        if day in skipped:
            continue
        for hour in hours:
            clock.at = at(day, hour)
            run_due(deps, clock.now())


@dataclass(frozen=True)
class Email:
    kind: str
    day: date
    to: tuple[str, ...]
    key: str
    child_ids: tuple[str, ...]


def emails(deps: Deps, child_id: str | None = None) -> list[Email]:
    with deps.sessions() as session:
        rows = session.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
    found = [
        Email(
            r.kind,
            r.created_at.astimezone(LONDON).date(),
            tuple(r.recipients),
            r.key,
            tuple(r.child_ids),
        )
        for r in rows
    ]
    return [e for e in found if child_id is None or child_id in e.child_ids]


def first_visit(deps: Deps, child_id: str) -> VisitRow:
    with deps.sessions() as session:
        visit = session.scalars(
            select(VisitRow).where(VisitRow.child_id == child_id).order_by(VisitRow.due_date)
        ).first()
    assert visit is not None
    return visit


def setup(
    root: Path, rows: Iterable[dict[str, str]], db_url: str | None = None, **kw: object
) -> tuple[Deps, FixedClock]:
    deps, clock = make_deps(root, db_url, **kw)
    import_tracker(deps, write_tracker(root / "tracker.csv", rows))
    return deps, clock
