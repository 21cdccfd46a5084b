"""``mailbot status``: each mailbox connected or not, and its backlog after the last fetch.

What an administrator reads: the report (``--json``) and its text, after real fetches from a
Maildir, the loopback Dovecot and the fake Graph, and after each of them failed.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from imapclient import IMAPClient
from sqlalchemy import inspect

from mailbot.mailboxes.factory import make_mailbox
from mailbot.ops.health import readiness
from mailbot.ops.status import format_status, status_report
from store import db
from tests.fakes.graph_server import GraphState, running_graph
from tests.mailboxes.conftest import make_message
from tests.ops.conftest import Service, make_service


def _deliver(svc: Service, count: int) -> None:
    new = svc.root / "var" / "mailbox" / "new"
    new.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        path = new / f"{uuid.uuid4().hex}.eml"
        path.write_bytes(make_message(f"record {n}"))
        os.utime(path, (1_700_000_000 + n, 1_700_000_000 + n))


def _status(svc: Service) -> tuple[dict[str, Any], str]:
    _, report = status_report(svc.deps)
    return report["mailboxes"]["mecc"], format_status(report)


def _mailbox_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("mailbox mecc:"))


def test_never_fetched_is_not_connected_and_its_backlog_unknown(service: Service) -> None:
    box, text = _status(service)
    assert box["connected"] is False and box["backlog"] is None
    assert _mailbox_line(text) == (
        "mailbox mecc: LATE; not connected (never fetched); backlog unknown; last fetch never"
    )


def test_a_fetch_that_leaves_messages_shows_connected_and_the_backlog(service: Service) -> None:
    _deliver(service, 5)
    assert len(service.daemon.process_mailbox(limit=2)) == 2
    box, text = _status(service)
    assert box["connected"] is True and box["backlog"] == 3
    assert _mailbox_line(text).startswith("mailbox mecc: ok; connected; backlog 3; last fetch ")
    service.daemon.process_mailbox()
    box, text = _status(service)
    assert box["backlog"] == 0 and "; connected; backlog 0;" in text
    service.clock.advance(minutes=6)  # no fetch since: late, so no longer called connected
    box, text = _status(service)
    assert box["connected"] is False and box["backlog"] == 0
    assert "mailbox mecc: LATE; not connected (no fetch for over 5 min); backlog 0;" in text


def test_readyz_carries_connected_and_backlog(service: Service) -> None:
    _deliver(service, 3)
    service.daemon.process_mailbox(limit=1)
    with service.deps.sessions() as session:
        ok, checks = readiness(session, service.settings, service.clock.now())
    assert ok
    assert checks["mailboxes"]["mecc"]["connected"] is True
    assert checks["mailboxes"]["mecc"]["backlog"] == 2


def test_an_error_after_a_good_fetch_shows_not_connected_with_the_error(
    service: Service,
) -> None:
    _deliver(service, 2)
    service.daemon.process_mailbox(limit=1)
    service.clock.advance(seconds=30)
    service.daemon.cursors.fetched("mecc", "connection refused by imap.example.gov.uk")
    box, text = _status(service)
    assert box["ok"] is True  # the last good fetch is recent: still ready
    assert box["connected"] is False and box["backlog"] == 1  # the last backlog known
    lines = text.splitlines()
    at = lines.index(_mailbox_line(text))
    assert "not connected (see the last error); backlog 1;" in lines[at]
    assert lines[at + 1] == (
        "  last error 2026-11-20T12:00:30Z (0s ago): connection refused by imap.example.gov.uk"
    )
    service.daemon.process_mailbox()  # reachable again
    box, text = _status(service)
    assert box["connected"] is True and box["backlog"] == 0 and "last error" not in text


# -- a real IMAP server (the loopback Dovecot) ---------------------------------------------------


@pytest.fixture
def imap_folder() -> Iterator[tuple[int, str]]:
    """(port, a fresh folder of alice's) on the loopback Dovecot; removed afterwards."""
    port = os.environ.get("MAILTEST_IMAP_PORT")
    if not port:
        if os.environ.get("CI"):
            pytest.fail("MAILTEST_IMAP_PORT is not set: the CI run must start Dovecot")
        pytest.skip("needs Dovecot: run scripts/test")
    name = f"S{uuid.uuid4().hex[:10]}"
    with IMAPClient("127.0.0.1", int(port), ssl=False, timeout=30) as admin:
        admin.login("alice", "alicepw")
        admin.create_folder(name)
        for n in range(4):
            admin.append(name, make_message(f"imap record {n}"))
    yield int(port), name
    with IMAPClient("127.0.0.1", int(port), ssl=False, timeout=30) as admin:
        admin.login("alice", "alicepw")
        for existing in admin.list_folders(pattern=f"{name}*"):
            admin.delete_folder(existing[2])


def _imap_service(root: Path, port: int, folder: str, password: str) -> Service:
    secret = root / "imap-password"
    root.mkdir(parents=True, exist_ok=True)
    secret.write_text(password + "\n", encoding="utf-8")
    mailbox = {
        "kind": "imap", "host": "127.0.0.1", "port": port, "security": "none",
        "username": "alice", "password_file": str(secret), "folder": folder,
        "processed_folder": f"{folder}/Processed", "exceptions_folder": f"{folder}/Exceptions",
    }  # fmt: skip
    return make_service(root, mailbox=mailbox)


@pytest.mark.servers
def test_imap_backlog_then_a_refused_login_shows_not_connected(
    tmp_path: Path, imap_folder: tuple[int, str]
) -> None:
    port, folder = imap_folder
    good = _imap_service(tmp_path, port, folder, "alicepw")
    try:
        assert len(good.daemon.process_mailbox(limit=1)) == 1
    finally:
        good.daemon.close()
    box, text = _status(good)
    assert box["connected"] is True and box["backlog"] == 3
    assert "mailbox mecc: ok; connected; backlog 3;" in text

    refused = _imap_service(tmp_path, port, folder, "not-alices-password")
    refused.clock.advance(seconds=40)
    try:
        assert refused.daemon.process_mailbox() == []
    finally:
        refused.daemon.close()
    box, text = _status(refused)
    assert box["connected"] is False and box["backlog"] == 3
    assert "refused" in box["last_error"] and "not-alices-password" not in text
    assert "mailbox mecc: ok; not connected (see the last error); backlog 3;" in text
    assert "  last error 2026-11-20T12:00:40Z (0s ago): mailbox 'mecc': login to " in text


# -- the fake Microsoft Graph -------------------------------------------------------------------


def test_graph_backlog_then_a_revoked_token_shows_not_connected(sqlite_service: Service) -> None:
    svc = sqlite_service
    with running_graph(GraphState()) as (state, url):
        for n in range(3):
            state.deliver(make_message(f"graph record {n}"))
        box = make_mailbox(
            "graph", "mecc", svc.daemon.cursors, mailbox=state.user, base_url=url,
            token_provider=lambda force_refresh=False: "token-1", sleep=lambda s: None,
        )  # fmt: skip
        svc.daemon.mailbox.close()
        svc.daemon.mailbox = box
        try:
            assert len(svc.daemon.process_mailbox(limit=2)) == 2
            report, text = _status(svc)
            assert report["connected"] is True and report["backlog"] == 1
            assert "mailbox mecc: ok; connected; backlog 1;" in text
            state.valid_tokens = set()  # the tenant revoked the app's secret
            svc.clock.advance(seconds=10)
            assert svc.daemon.process_mailbox() == []
        finally:
            box.close()
    report, text = _status(svc)
    assert report["connected"] is False and report["backlog"] == 1
    assert "InvalidAuthenticationToken" in report["last_error"]
    assert "; not connected (see the last error); backlog 1;" in text
    assert "  last error 2026-11-20T12:00:10Z (0s ago): " in text


# -- the column behind it ------------------------------------------------------------------------


def test_migration_0004_adds_the_backlog_column_and_goes_back(db_url: str) -> None:
    engine = db.make_engine(db_url)
    try:
        db.upgrade(engine, "0003")
        assert "backlog" not in {c["name"] for c in inspect(engine).get_columns("mailbox_state")}
        db.upgrade(engine)
        assert db.current_revision(engine) == db.head_revision(engine)
        columns = {c["name"]: c for c in inspect(engine).get_columns("mailbox_state")}
        assert columns["backlog"]["nullable"] is True
        command.downgrade(db.alembic_config(engine), "0003")
        assert "backlog" not in {c["name"] for c in inspect(engine).get_columns("mailbox_state")}
        db.upgrade(engine)
        assert db.current_revision(engine) == db.head_revision(engine)
    finally:
        engine.dispose()
