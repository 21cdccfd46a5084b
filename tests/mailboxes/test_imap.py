"""The IMAP mailbox against the real loopback Dovecot (started by scripts/servers/start-dovecot.sh)."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from mailbot.errors import MailboxError
from mailbot.mailboxes.factory import make_mailbox
from mailbot.mailboxes.imap import ImapMailbox
from mailbot.mailboxes.retry import BackoffPolicy
from tests.mailboxes.conftest import Dovecot, MemoryCursors, make_message

pytestmark = pytest.mark.servers
SCRIPTS = Path(__file__).resolve().parents[2] / "scripts" / "servers"


def _mailbox(dovecot: Dovecot, folder: str, cursors: MemoryCursors, **options: Any) -> ImapMailbox:
    settings: dict[str, Any] = {
        "host": dovecot.host,
        "port": dovecot.port,
        "tls": "starttls",
        "cafile": dovecot.cafile,
        "username": "alice",
        "password": "alicepw",
        "folder": folder,
        "processed_folder": f"{folder}/Processed",
        "exceptions_folder": f"{folder}/Exceptions",
        "backoff": BackoffPolicy(base=0.1, cap=1.0, attempts=5),
    }
    settings.update(options)
    box = make_mailbox("imap", "mecc", cursors, **settings)
    assert isinstance(box, ImapMailbox)
    return box


def _append(dovecot: Dovecot, folder: str, *subjects: str) -> None:
    with dovecot.admin() as admin:
        for subject in subjects:
            admin.append(folder, make_message(subject))


def _subjects(items: list[Any]) -> list[str]:
    out = []
    for item in items:
        for line in item.raw.splitlines():
            if line.startswith(b"Subject: "):
                out.append(line[9:].decode())
    return out


def _count(dovecot: Dovecot, folder: str) -> int:
    with dovecot.admin() as admin:
        return int(admin.folder_status(folder, [b"MESSAGES"])[b"MESSAGES"])


def test_appended_message_is_fetched_then_moved_after_acknowledge(
    dovecot: Dovecot, folder: str, cursors: MemoryCursors
) -> None:
    _append(dovecot, folder, "visit one", "visit two")
    box = _mailbox(dovecot, folder, cursors)
    try:
        items = list(box.fetch())
        assert _subjects(items) == ["visit one", "visit two"]
        box.acknowledge(items[0].position, "forwarded")
        box.acknowledge(items[1].position, "exception")
        assert list(box.fetch()) == []
    finally:
        box.close()
    assert _count(dovecot, folder) == 0
    assert _count(dovecot, f"{folder}/Processed") == 1
    assert _count(dovecot, f"{folder}/Exceptions") == 1
    assert cursors.states["mecc"]["folder"] == folder


def test_nothing_is_fetched_twice_across_restarts_and_unacknowledged_mail_comes_back(
    dovecot: Dovecot, folder: str, cursors: MemoryCursors
) -> None:
    _append(dovecot, folder, "acknowledged", "left unacknowledged")
    first = _mailbox(
        dovecot, folder, cursors, acknowledge="flag", tls="tls", port=dovecot.imaps_port
    )
    items = list(first.fetch())
    first.acknowledge(items[0].position, "forwarded")
    assert list(first.fetch()) == []  # within a session, nothing is offered twice
    first.close()

    second = _mailbox(dovecot, folder, cursors, acknowledge="flag")
    try:
        again = list(second.fetch())
        assert _subjects(again) == ["left unacknowledged"]
        second.acknowledge(again[0].position, "exception")
    finally:
        second.close()
    with dovecot.admin() as admin:
        admin.select_folder(folder)
        flags = sorted(tuple(sorted(v)) for v in admin.get_flags(admin.search()).values())
    assert flags == [(b"$MailbotProcessed",), (b"$MailbotProcessed", b"\\Flagged")]


def test_idle_wakes_the_wait_when_mail_arrives_from_another_connection(
    dovecot: Dovecot, folder: str, cursors: MemoryCursors
) -> None:
    box = _mailbox(dovecot, folder, cursors, poll_interval=3600)
    try:
        assert list(box.fetch()) == []
        timer = threading.Timer(0.3, _append, args=(dovecot, folder, "arrived while idle"))
        timer.start()
        try:
            assert box.wait(60) is True
        finally:
            timer.join()
        assert _subjects(list(box.fetch())) == ["arrived while idle"]
        assert box.connections == 1
    finally:
        box.close()


def test_wait_returns_false_when_nothing_arrives(
    dovecot: Dovecot, folder: str, cursors: MemoryCursors
) -> None:
    box = _mailbox(dovecot, folder, cursors)
    try:
        assert box.wait(0.3) is False
    finally:
        box.close()


def test_uidvalidity_change_offers_every_message_again(
    dovecot: Dovecot, folder: str, cursors: MemoryCursors, caplog: pytest.LogCaptureFixture
) -> None:
    _append(dovecot, folder, "before the rebuild")
    box = _mailbox(dovecot, folder, cursors, acknowledge="flag")
    try:
        (item,) = box.fetch()
        box.acknowledge(item.position, "forwarded")
        old_validity = cursors.states["mecc"]["uidvalidity"]
        with dovecot.admin() as admin:  # the folder is rebuilt: same mail, new UIDs
            admin.delete_folder(folder)
            admin.create_folder(folder)
            admin.append(folder, item.raw)
            admin.append(folder, make_message("after the rebuild"))
        with caplog.at_level(logging.WARNING, logger="mailbot.mailboxes.imap"):
            again = list(box.fetch())
        assert _subjects(again) == ["before the rebuild", "after the rebuild"]
        assert again[0].raw == item.raw  # the ledger recognises it by Message-ID and hash
        assert cursors.states["mecc"]["uidvalidity"] != old_validity
        assert "UIDVALIDITY" in caplog.text
    finally:
        box.close()


@pytest.mark.slow
def test_dovecot_restart_while_idling_reconnects_and_misses_nothing(
    dovecot: Dovecot, folder: str, cursors: MemoryCursors
) -> None:
    box = _mailbox(dovecot, folder, cursors, backoff=BackoffPolicy(base=0.2, cap=1.0, attempts=30))
    env = {**os.environ, "MAILTEST_KEEP_MAIL": "1"}

    def restart_then_deliver() -> None:
        subprocess.run(
            ["bash", str(SCRIPTS / "start-dovecot.sh")], env=env, check=True, capture_output=True
        )
        _append(dovecot, folder, "sent during the outage")

    try:
        assert list(box.fetch()) == []
        worker = threading.Thread(target=restart_then_deliver)
        worker.start()
        try:
            woke = box.wait(120)
        finally:
            worker.join()
        assert woke is True
        items = list(box.fetch())
        while not items and box.wait(30):  # woke on the reconnect just before the APPEND
            items = list(box.fetch())
        assert _subjects(items) == ["sent during the outage"]
        assert box.connections >= 2
    finally:
        box.close()


def test_wrong_password_is_a_clear_error_without_the_password(
    dovecot: Dovecot, folder: str, cursors: MemoryCursors
) -> None:
    box = _mailbox(dovecot, folder, cursors, password="Wr0ng-Secret-42")
    for _ in range(2):  # a second try is refused the same way: no crash, no hidden state
        with pytest.raises(MailboxError) as caught:
            list(box.fetch())
        message = str(caught.value)
        assert "refused" in message and "alice" in message
        assert "Wr0ng-Secret-42" not in message
        assert "Wr0ng-Secret-42" not in repr(caught.value.__cause__)
    box.close()


def test_password_file_and_plain_on_loopback(
    dovecot: Dovecot, folder: str, cursors: MemoryCursors, tmp_path: Path
) -> None:
    secret = tmp_path / "imap-password"
    secret.write_text("alicepw\n")
    _append(dovecot, folder, "plain text login")
    box = _mailbox(dovecot, folder, cursors, tls="plain", password=None, password_file=str(secret))
    try:
        assert _subjects(list(box.fetch())) == ["plain text login"]
    finally:
        box.close()


def test_certificate_not_trusted_is_refused(
    dovecot: Dovecot, folder: str, cursors: MemoryCursors
) -> None:
    box = _mailbox(dovecot, folder, cursors, cafile=None)
    with pytest.raises(MailboxError, match="certificate"):
        list(box.fetch())


def test_plain_connection_to_a_remote_host_is_refused(cursors: MemoryCursors) -> None:
    with pytest.raises(MailboxError, match="unencrypted"):
        ImapMailbox(
            "mecc", cursors, host="imap.council.example", username="u", password="p", tls="plain"
        )


def test_unreachable_server_backs_off_exponentially_with_jitter_then_fails(
    cursors: MemoryCursors,
) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    slept: list[float] = []
    box = ImapMailbox(
        "mecc",
        cursors,
        host="127.0.0.1",
        port=port,
        tls="plain",
        username="alice",
        password="alicepw",
        backoff=BackoffPolicy(base=1.0, cap=4.0, attempts=5),
        sleep=slept.append,
        rand=lambda: 1.0,
    )
    with pytest.raises(MailboxError, match="unreachable after 5 attempts"):
        list(box.fetch())
    assert slept == [1.0, 2.0, 4.0, 4.0]
    with pytest.raises(MailboxError):  # the next call waits the capped delay first
        box.wait(1)
    assert slept[4] == 4.0


@pytest.mark.parametrize("acknowledge", ["move", "flag"])
def test_backlog_comes_from_the_search_a_fetch_already_makes(
    dovecot: Dovecot, folder: str, cursors: MemoryCursors, acknowledge: str
) -> None:
    _append(dovecot, folder, "one", "two", "three", "four")
    box = _mailbox(dovecot, folder, cursors, acknowledge=acknowledge)
    try:
        assert box.backlog() is None  # not fetched yet
        for item in box.fetch(limit=1):
            box.acknowledge(item.position, "forwarded")
        assert box.backlog() == 3
        items = list(box.fetch(limit=2))  # the acknowledgement above is sent first
        assert _subjects(items) == ["two", "three"]
        box.acknowledge(items[0].position, "forwarded")  # "three" fails: never acknowledged
        assert box.backlog() == 2
        _append(dovecot, folder, "five")
        assert _subjects(list(box.fetch())) == ["four", "five"]
        assert box.backlog() == 3  # "three" is still in the folder, and "four" and "five"
    finally:
        box.close()
    if acknowledge == "move":
        assert _count(dovecot, folder) == 3
