"""The embedded Maildir mailbox: read oldest first, move after commit, wake on delivery."""

from __future__ import annotations

import mailbox as stdlib_mailbox
import os
import threading
from email.message import EmailMessage
from pathlib import Path

import pytest

from mailbot.errors import ConfigError
from mailbot.mailboxes.factory import make_mailbox
from mailbot.mailboxes.maildir import MaildirMailbox


class _NoCursors:
    def load(self, mailbox: str) -> dict[str, str]:
        return {}

    def save(self, mailbox: str, state: dict[str, str]) -> None:
        raise AssertionError("a Maildir keeps no cursor")


def _message(subject: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "nurse.example@school.example"
    msg["To"] = "mecc@council.example"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{subject.replace(' ', '-')}@school.example>"
    msg.set_content("Record of visit for Test Child.")
    return msg.as_bytes()


def _deliver(path: Path, subject: str, mtime: int | None = None) -> str:
    box = stdlib_mailbox.Maildir(path, create=True)
    key = box.add(_message(subject))
    if mtime is not None:
        file_path = path / "new" / key
        os.utime(file_path, (mtime, mtime))
    return key


def _subjects(box: MaildirMailbox) -> list[str]:
    return [
        line.split(b": ", 1)[1].decode()
        for item in box.fetch()
        for line in item.raw.splitlines()
        if line.startswith(b"Subject: ")
    ]


def test_fetch_yields_new_and_cur_messages_oldest_first(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    _deliver(inbox, "second", mtime=1_700_000_200)
    _deliver(inbox, "first", mtime=1_700_000_100)
    key = _deliver(inbox, "third", mtime=1_700_000_300)
    os.rename(inbox / "new" / key, inbox / "cur" / f"{key}:2,S")  # read by a person
    box = MaildirMailbox("mecc", inbox)
    assert _subjects(box) == ["first", "second", "third"]
    assert [i.position for i in box.fetch()][2] == key


def test_fetch_respects_limit(tmp_path: Path) -> None:
    for n in range(5):
        _deliver(tmp_path / "inbox", f"m{n}", mtime=1_700_000_000 + n)
    box = MaildirMailbox("mecc", tmp_path / "inbox")
    assert len(list(box.fetch(limit=2))) == 2


def test_acknowledge_moves_to_processed_or_exceptions_and_is_not_fetched_again(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    _deliver(inbox, "forwarded one", mtime=1_700_000_100)
    _deliver(inbox, "puzzling one", mtime=1_700_000_200)
    box = MaildirMailbox("mecc", inbox)
    first, second = list(box.fetch())
    box.acknowledge(first.position, "forwarded")
    box.acknowledge(second.position, "exception")
    assert list(box.fetch()) == []
    processed = stdlib_mailbox.Maildir(inbox, create=False).get_folder("Processed")
    exceptions = stdlib_mailbox.Maildir(inbox, create=False).get_folder("Exceptions")
    assert [m.get_payload(decode=True) for m in processed] == [b"Record of visit for Test Child.\n"]
    assert [m["Subject"] for m in processed] == ["forwarded one"]
    assert [m["Subject"] for m in exceptions] == ["puzzling one"]
    assert [m.get_flags() for m in exceptions] == ["S"]


def test_acknowledge_twice_is_harmless(tmp_path: Path) -> None:
    _deliver(tmp_path / "inbox", "once")
    box = MaildirMailbox("mecc", tmp_path / "inbox", processed_folder="Done")
    (item,) = box.fetch()
    box.acknowledge(item.position, "duplicate")
    box.acknowledge(item.position, "duplicate")
    assert len(os.listdir(tmp_path / "inbox" / ".Done" / "cur")) == 1


def test_wait_returns_false_when_nothing_arrives(tmp_path: Path) -> None:
    slept: list[float] = []
    now = [0.0]

    def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    box = MaildirMailbox(
        "mecc", tmp_path / "inbox", sleep=fake_sleep, monotonic=lambda: now[0], poll_interval=0.5
    )
    list(box.fetch())
    assert box.wait(2.0) is False
    assert sum(slept) == pytest.approx(2.0)


def test_wait_wakes_when_a_message_is_delivered(tmp_path: Path) -> None:
    box = MaildirMailbox("mecc", tmp_path / "inbox", poll_interval=0.05)
    assert list(box.fetch()) == []
    timer = threading.Timer(0.2, _deliver, args=(tmp_path / "inbox", "late arrival"))
    timer.start()
    try:
        assert box.wait(30.0) is True
    finally:
        timer.join()
    assert _subjects(box) == ["late arrival"]


def test_factory_makes_a_maildir_and_rejects_unknown_kinds_and_options(tmp_path: Path) -> None:
    box = make_mailbox("maildir", "mecc", _NoCursors(), path=tmp_path / "inbox")
    assert isinstance(box, MaildirMailbox)
    assert (tmp_path / "inbox" / "new").is_dir()
    with pytest.raises(ConfigError, match="unknown kind 'pop3'"):
        make_mailbox("pop3", "mecc", _NoCursors())
    with pytest.raises(ConfigError, match="mecc"):
        make_mailbox("maildir", "mecc", _NoCursors(), path=tmp_path, colour="blue")


def test_backlog_is_what_still_waits_after_a_fetch(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    box = MaildirMailbox("mecc", inbox)
    assert box.backlog() is None  # not fetched yet: cannot tell
    for n in range(5):
        _deliver(inbox, f"record {n}", mtime=1_700_000_000 + n)
    for item in box.fetch(limit=2):
        box.acknowledge(item.position, "forwarded")
    assert box.backlog() == 3
    assert len(os.listdir(inbox / "new")) + len(os.listdir(inbox / "cur")) == 3
    for item in box.fetch():
        box.acknowledge(item.position, "exception")
    assert box.backlog() == 0
