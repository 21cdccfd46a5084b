"""The web page on a real uvicorn server (a thread, a free loopback port) over a seeded
SQLite workspace, and a real headless Chromium driven by Playwright.

The workspace is seeded once per session (tracker, the demo mail and a hostile HTML email,
users) and copied for each test, so every test starts from the same store.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import select

from mailbot.app import build
from mailbot.clock import FixedClock
from mailbot.context import Deps
from mailbot.daemon import Daemon
from mailbot.registry import import_tracker
from mailbot.settings import Settings, load
from mailbot.web.app import create_app
from mailbot.web.security import hash_password
from store import users
from store.models import ExceptionRow, MessageRow, RecordChild
from tests.conftest import need_server, write_settings
from tests.web import seed

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
PASSWORD = "correct horse battery staple"
# A Friday in the demo tracker's season: visits fall due within the next 7 working days.
TODAY = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _settings(root: Path) -> Settings:
    write_settings(root, web={"secure_cookies": False})
    return load(root / "mailbot.toml", {})


def _dispose(deps: Deps) -> None:
    deps.sessions.kw["bind"].dispose()


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("seeded")
    settings = _settings(root)
    clock = FixedClock(datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    daemon = Daemon.from_settings(settings, clock)
    (root / "tracker.csv").write_text(seed.tracker(), encoding="utf-8")
    import_tracker(daemon.deps, root / "tracker.csv")
    seed.put_mail(root)
    daemon.process_mailbox()
    with daemon.deps.sessions() as session, session.begin():
        for email, role in seed.USERS:
            users.upsert(
                session,
                email=email,
                role=role,
                password_hash=hash_password(PASSWORD),
                now=clock.now(),
            )
    _dispose(daemon.deps)
    return root


@dataclass
class Site:
    url: str
    root: Path
    deps: Deps
    clock: FixedClock

    def exception_id(self, subject: str) -> int:
        with self.deps.sessions() as session:
            found = session.scalar(
                select(ExceptionRow.id)
                .join(MessageRow, MessageRow.id == ExceptionRow.message_row_id)
                .where(MessageRow.subject == subject)
            )
        assert found is not None, f"no exception for {subject!r}"
        return int(found)

    def record_id(self, child_id: str) -> int:
        with self.deps.sessions() as session:
            found = session.scalar(
                select(RecordChild.record_id).where(RecordChild.child_id == child_id)
            )
        assert found is not None, f"no record for {child_id}"
        return int(found)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: object, port: int) -> Iterator[str]:
    """Serve an ASGI app with uvicorn in a thread on a loopback port; yields its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")  # type: ignore[arg-type]
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def make_site(seeded: Path, root: Path, **web: object) -> Iterator[Site]:
    shutil.copytree(seeded, root)
    port = int(str(web.pop("port", 0))) or free_port()
    write_settings(root, web={"secure_cookies": False, **web})
    settings = load(root / "mailbot.toml", {})
    clock = FixedClock(TODAY)
    deps = build(settings, clock)
    with serving(create_app(deps), port) as url:
        yield Site(url, root, deps, clock)
    _dispose(deps)


@pytest.fixture
def site(seeded: Path, tmp_path: Path) -> Iterator[Site]:
    yield from make_site(seeded, tmp_path / "ws")


@pytest.fixture(scope="session")
def chromium() -> str:
    return need_server("MAILTEST_CHROMIUM", "headless Chromium (Debian's chromium package)")


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = os.environ.get("MAILTEST_AXE") or str(
        ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
    )
    if not Path(path).is_file():
        need_server("MAILTEST_AXE", "axe-core (npm install --prefix .cache/npm axe-core@4)")
    return Path(path).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()
