"""The scheduler's periodic hook: alerts on every scan, retention once a day."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from mailbot.ops.jobs import periodic
from store.models import AuditRow
from tests.ops.conftest import Service


def _runs(svc: Service) -> int:
    with svc.deps.sessions() as session:
        return (
            session.scalar(
                select(func.count()).select_from(AuditRow).where(AuditRow.action == "retention_run")
            )
            or 0
        )


def test_retention_runs_once_a_day_after_two(sqlite_service: Service) -> None:
    svc = sqlite_service
    svc.clock.at = datetime(2026, 11, 21, 1, 30, tzinfo=UTC)
    svc.daemon.process_mailbox()
    assert "retention" not in periodic(svc.deps)  # before 02:00
    svc.clock.advance(minutes=40)
    svc.daemon.process_mailbox()
    done = periodic(svc.deps)
    assert str(done["retention"]).startswith("retention purged:") and done["alerts"] == []
    for _ in range(3):
        svc.clock.advance(hours=5)
        svc.daemon.process_mailbox()
        assert "retention" not in periodic(svc.deps)
    assert _runs(svc) == 1
    svc.clock.advance(hours=10)  # the next day, 03:10
    assert "retention" in periodic(svc.deps)
    assert _runs(svc) == 2


def test_alerts_on_each_scan(sqlite_service: Service) -> None:
    svc = sqlite_service
    svc.daemon.process_mailbox()
    svc.clock.advance(hours=1)
    assert len(periodic(svc.deps)["alerts"]) == 1  # type: ignore[arg-type]
    assert periodic(svc.deps)["alerts"] == []
