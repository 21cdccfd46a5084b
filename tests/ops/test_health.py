"""Readiness: ready, then a mailbox not fetched in time, then a stuck outbox; over real HTTP too."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from mailbot.ops.health import readiness
from mailbot.ops.server import HealthServer, health_routes, start_health_server
from store import outbox
from store.models import OutboxRow
from tests.ops.conftest import Service


def _queue(svc: Service, key: str) -> None:
    with svc.deps.sessions() as session, session.begin():
        outbox.enqueue(
            session, key=key, kind="alert", message_id=f"{key}@example.gov.uk",
            mail_from="mecc@example.gov.uk", recipients=["someone@example.org"],
            raw=b"Subject: test\r\n\r\nbody\r\n", now=svc.clock.now(),
        )  # fmt: skip


def _ready(svc: Service) -> tuple[bool, dict[str, Any]]:
    with svc.deps.sessions() as session:
        return readiness(session, svc.settings, svc.clock.now())


def test_never_fetched_is_not_ready(service: Service) -> None:
    ok, checks = _ready(service)
    assert not ok
    assert checks["database"]["ok"]
    assert checks["mailboxes"]["mecc"]["ok"] is False
    assert checks["mailboxes"]["mecc"]["last_fetch_at"] is None


def test_ready_then_late_mailbox(service: Service) -> None:
    service.daemon.process_mailbox()  # an empty Maildir: fetched fine
    ok, checks = _ready(service)
    assert ok, checks
    # poll 30 s x 4 is under the 5 minute floor: late after 5 minutes
    service.clock.advance(minutes=4, seconds=59)
    assert _ready(service)[0]
    service.clock.advance(seconds=2)
    ok, checks = _ready(service)
    assert not ok
    assert checks["mailboxes"]["mecc"]["ok"] is False
    assert checks["outbox"]["ok"] is True


def test_a_mailbox_error_is_shown(service: Service) -> None:
    service.daemon.process_mailbox()
    service.daemon.cursors.fetched("mecc", "connection refused by imap.example.gov.uk")
    ok, checks = _ready(service)
    assert ok  # the last good fetch is recent
    assert checks["mailboxes"]["mecc"]["last_error"] == "connection refused by imap.example.gov.uk"
    assert checks["mailboxes"]["mecc"]["connected"] is False  # the error came after the fetch


def test_stuck_outbox_is_not_ready(service: Service) -> None:
    _queue(service, "a")
    service.clock.advance(minutes=14)
    service.daemon.process_mailbox()
    assert _ready(service)[0]  # due 14 minutes ago: not yet stuck (15)
    service.clock.advance(minutes=2)
    service.daemon.process_mailbox()
    ok, checks = _ready(service)
    assert not ok
    assert checks["outbox"]["stuck"] == 1 and checks["outbox"]["pending"] == 1
    assert all(m["ok"] for m in checks["mailboxes"].values())
    service.daemon.send_outbox()
    assert _ready(service)[0]


def test_failures_piling_up_are_not_ready(service: Service) -> None:
    service.daemon.process_mailbox()
    for key in "abc":
        _queue(service, key)
    with service.deps.sessions() as session, session.begin():
        rows = outbox.claim(
            session, worker="w", now=service.clock.now(), lease=timedelta(minutes=5)
        )
        for row in rows[:2]:
            outbox.mark_failed(
                row, "421 try later", retry_at=service.clock.now() + timedelta(hours=1)
            )
        outbox.mark_sent(rows[2], service.clock.now())
    assert _ready(service)[0]  # two retrying: under the limit of three
    with service.deps.sessions() as session, session.begin():
        last = session.get(OutboxRow, rows[2].id)
        assert last is not None
        last.status = "failed"
        last.last_error = "550 no such user"
    ok, checks = _ready(service)
    assert not ok
    assert checks["outbox"]["retrying"] == 2 and checks["outbox"]["failed_last_hour"] == 1


@pytest.fixture
def server(service: Service) -> Iterator[HealthServer]:
    handle = start_health_server(service.deps, "127.0.0.1", 0)
    yield handle
    handle.stop()


def _get(port: int, path: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def test_endpoints_over_http(service: Service, server: HealthServer) -> None:
    assert _get(server.port, "/healthz")[:2] == (200, "application/json")
    status, _, body = _get(server.port, "/readyz")
    assert status == 503 and json.loads(body)["status"] == "not ready"
    service.daemon.process_mailbox()
    status, _, body = _get(server.port, "/readyz")
    assert status == 200, body
    answer = json.loads(body)
    assert answer["status"] == "ready" and answer["database"]["ok"]
    assert answer["mailboxes"]["mecc"]["connected"] is True
    assert answer["mailboxes"]["mecc"]["backlog"] == 0
    service.clock.advance(minutes=6)
    status, _, body = _get(server.port, "/readyz")
    assert status == 503 and json.loads(body)["mailboxes"]["mecc"]["ok"] is False
    status, ctype, body = _get(server.port, "/metrics")
    assert status == 200 and ctype.startswith("text/plain")
    assert b"mailbot_outbox_rows" in body
    assert _get(server.port, "/nothing")[0] == 404


def test_stopped_server_frees_its_port(service: Service) -> None:
    handle = start_health_server(service.deps, "127.0.0.1", 0)
    port = handle.port
    handle.stop()
    again = start_health_server(service.deps, "127.0.0.1", port)
    assert _get(port, "/healthz")[0] == 200
    again.stop()


def test_web_page_routes_answer_the_same(service: Service) -> None:
    app = Starlette(routes=health_routes(service.deps))

    async def get(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://web") as client:
            return await client.get(path)

    assert asyncio.run(get("/healthz")).json() == {"status": "alive"}
    assert asyncio.run(get("/readyz")).status_code == 503
    service.daemon.process_mailbox()
    assert asyncio.run(get("/readyz")).status_code == 200
    assert "mailbot_exceptions_open" in asyncio.run(get("/metrics")).text


def test_serve_health_follows_the_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import socket

    from mailbot.ops.server import serve_health
    from tests.ops.conftest import make_service

    with serve_health(make_service(tmp_path / "off").deps) as handle:
        assert handle is None  # health_port = 0: off
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    svc = make_service(tmp_path / "on", ops={"health_port": port})
    with serve_health(svc.deps) as handle:
        assert handle is not None and handle.port == port
        assert _get(port, "/healthz")[0] == 200
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
