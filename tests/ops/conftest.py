"""A workspace on SQLite or PostgreSQL, with the demo tracker and mail processed at a fixed time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mailbot.app import open_database
from mailbot.clock import FixedClock
from mailbot.context import Deps
from mailbot.daemon import Daemon
from mailbot.demo_data import samples
from mailbot.registry import import_tracker
from mailbot.settings import Settings, load
from tests.conftest import write_settings
from tests.core.helpers import put_mail, write_tracker

START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ADMIN = "it-admin@example.gov.uk"


@dataclass
class Service:
    root: Path
    settings: Settings
    clock: FixedClock
    daemon: Daemon

    @property
    def deps(self) -> Deps:
        return self.daemon.deps


def make_service(root: Path, db_url: str | None = None, **sections: dict[str, object]) -> Service:
    service = {"admin_emails": ADMIN, **sections.pop("service", {})}
    path = write_settings(root, db_url, service=service, **sections)
    settings = load(path, {})
    if settings.database.url.startswith("postgresql"):
        open_database(settings, migrate=True).dispose()
    clock = FixedClock(START)
    return Service(root, settings, clock, Daemon.from_settings(settings, clock))


@pytest.fixture
def service(tmp_path: Path, db_url: str) -> Service:
    """An empty service (no mail yet), on SQLite and on PostgreSQL."""
    return make_service(tmp_path, db_url)


@pytest.fixture
def sqlite_service(tmp_path: Path) -> Service:
    return make_service(tmp_path)


def process_demo(svc: Service) -> dict[str, object]:
    """Import the demo tracker, process the demo mail and send the outbox; results by name."""
    import_tracker(svc.deps, write_tracker(svc.root))
    put_mail(svc.root, samples())
    results = dict(svc.daemon.process_mailbox())
    svc.daemon.send_outbox()
    return results  # type: ignore[return-value]
