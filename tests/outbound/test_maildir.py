"""The Maildir sender: the embedded default outbox."""

from __future__ import annotations

import mailbox
from pathlib import Path

from outbound.factory import make_sender
from outbound.maildir import MaildirSender
from outbound.sender import Envelope

RAW = b"From: mecc@x.gov.uk\r\nTo: sw@x.gov.uk\r\nSubject: hello\r\nMessage-ID: <a1@x>\r\n\r\nBody.\r\n"
ENV = Envelope("mecc@x.gov.uk", ("sw@x.gov.uk",))


def _messages(path: Path) -> list[mailbox.MaildirMessage]:
    return list(mailbox.Maildir(path, create=False))


def test_writes_a_readable_message(tmp_path: Path) -> None:
    sender = MaildirSender(tmp_path / "outbox")
    assert sender.already_sent("a1@x") is False
    sender.send(RAW, ENV, "a1@x")
    [msg] = _messages(tmp_path / "outbox")
    assert msg["Subject"] == "hello"
    assert msg.get_payload() == "Body.\n"
    assert sender.already_sent("<a1@x>") is True


def test_sending_twice_writes_once_even_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "outbox"
    MaildirSender(path).send(RAW, ENV, "a1@x")
    again = make_sender("maildir", path=str(path))  # a new process after a crash
    assert again.already_sent("a1@x") is True
    again.send(RAW, ENV, "a1@x")
    again.send(RAW, ENV, "a2@x")
    assert len(_messages(path)) == 2


def test_a_crash_before_the_index_is_written_does_not_send_twice(tmp_path: Path) -> None:
    path = tmp_path / "outbox"
    MaildirSender(path).send(RAW, ENV, "a1@x")
    (path / ".mailbot-sent").unlink()  # as if the process died after delivering
    fresh = MaildirSender(path)
    assert fresh.already_sent("a1@x") is True
    fresh.send(RAW, ENV, "a1@x")
    assert len(_messages(path)) == 1


def test_remembers_messages_a_reader_has_taken_away(tmp_path: Path) -> None:
    path = tmp_path / "outbox"
    MaildirSender(path).send(RAW, ENV, "a1@x")
    box = mailbox.Maildir(path, create=False)
    for key in list(box.keys()):
        box.remove(key)
    fresh = MaildirSender(path)
    fresh.send(RAW, ENV, "a1@x")
    assert _messages(path) == []
