"""At most once: across a restart, two schedulers racing, and two runners sharing one lease."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from mailbot.app import build
from mailbot.schedule.runner import SchedulerRunner, run_due
from store.models import OutboxRow
from tests.schedule.helpers import NURSE, SCHOOL, YOUTH, at, emails, row, setup

D = date
ROWS = [
    row("E3100001", "Ada", "Lowe", rag="Amber", visitor=NURSE, next_due="2026-03-20"),
    row("E3100002", "Ben", "Lowe", rag="Green", rag_date="2026-01-20", visitor=SCHOOL, next_due="2026-03-19"),
    row("E3100003", "Cal", "Lowe", rag="Red", visitor=YOUTH, next_due="2026-03-18"),
]  # fmt: skip


def count(deps) -> int:  # type: ignore[no-untyped-def]
    with deps.sessions() as session:
        return session.scalar(select(func.count()).select_from(OutboxRow)) or 0


def test_no_duplicate_after_a_restart(tmp_path: Path, db_url: str) -> None:
    deps, clock = setup(tmp_path, ROWS, db_url, digest=True)
    first = run_due(deps, at(D(2026, 3, 6)))
    assert sorted(q["kind"] for q in first) == ["alert", "alert", "alert", "digest", "rag_review"]
    again = build(deps.settings, clock)  # a new process over the same database
    assert run_due(again, at(D(2026, 3, 6), 9, 5)) == []
    assert run_due(again, at(D(2026, 3, 6), 15)) == []
    assert count(deps) == 5


def test_two_schedulers_racing_queue_each_email_once(tmp_path: Path, db_url: str) -> None:
    deps, clock = setup(tmp_path, ROWS, db_url, digest=True)
    others = [build(deps.settings, clock) for _ in range(3)]
    start = threading.Barrier(len(others) + 1)
    results: list[list[dict[str, object]]] = []
    errors: list[BaseException] = []

    def scan(d) -> None:  # type: ignore[no-untyped-def]
        start.wait()
        try:
            results.append(run_due(d, at(D(2026, 3, 6))))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=scan, args=(d,)) for d in (deps, *others)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    keys = [q["key"] for r in results for q in r]
    assert len(keys) == len(set(keys)) == 5  # each queued by exactly one of the four
    assert count(deps) == 5


def test_only_the_lease_holder_scans(tmp_path: Path, db_url: str) -> None:
    deps, clock = setup(tmp_path, ROWS, db_url)
    clock.at = at(D(2026, 3, 6))
    one = SchedulerRunner(deps, "host-a")
    two = SchedulerRunner(build(deps.settings, clock), "host-b")
    assert one.is_leader() and not two.is_leader()
    assert two.scan() == []
    assert count(deps) == 0
    assert len(one.scan()) == 4  # three alerts and a RAG review
    clock.advance(minutes=10)  # within the lease: host-a renews, host-b waits
    assert one.is_leader() and not two.is_leader()
    clock.advance(hours=1)  # host-a died: its lease runs out and host-b takes over
    assert two.is_leader() and not one.is_leader()
    assert two.scan() == []  # what host-a queued is not queued again
    two.shutdown()  # gives the lease up at once
    assert one.is_leader()
    assert count(deps) == 4


def test_the_runner_scans_once_at_start(tmp_path: Path) -> None:
    deps, clock = setup(tmp_path, ROWS)
    clock.at = at(D(2026, 3, 6))
    runner = SchedulerRunner(deps, "host-a")
    runner.start()
    try:
        done = threading.Event()
        for _ in range(600):
            if runner.scans >= 1:
                done.set()
                break
            threading.Event().wait(0.05)
        assert done.is_set(), "the start-up scan never ran"
    finally:
        runner.shutdown()
    assert sorted(e.kind for e in emails(deps)) == ["alert", "alert", "alert", "rag_review"]
    clock.advance(days=1)
    assert SchedulerRunner(deps, "host-b").is_leader()  # the lease was released on shutdown


def test_scan_minutes_sets_the_interval(tmp_path: Path) -> None:
    deps, _ = setup(tmp_path, ROWS, scan_minutes=2.5)
    assert SchedulerRunner(deps, "x").interval == timedelta(minutes=2.5)
