"""Answers to senders: an acknowledgement and a "could not read" reply, each once, never to automatic mail."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from mailbot.daemon import Daemon
from mailbot.demo_data import samples
from mailbot.registry import import_tracker
from mailbot.settings import load
from tests.conftest import write_settings
from tests.core.helpers import put_mail, sent_mail, write_tracker

SAMPLES = {s.name: s for s in samples()}


def _run(root: Path, names: list[str], **forwarding: object) -> Daemon:
    write_settings(root, forwarding=dict(forwarding)) if forwarding else None
    daemon = Daemon.from_settings(load(root / "mailbot.toml", {}))
    import_tracker(daemon.deps, write_tracker(root))
    put_mail(root, [SAMPLES[n] for n in names])
    daemon.process_mailbox()
    daemon.send_outbox()
    return daemon


def _kind(root: Path, kind: str) -> list[EmailMessage]:
    return [m for m in sent_mail(root) if m["X-Mailbot-Kind"] == kind]  # type: ignore[misc]


def test_acknowledgement_once_naming_only_our_reference(workspace: Path) -> None:
    daemon = _run(workspace, ["01-plain-body.eml", "17-duplicate.eml"])
    acks = _kind(workspace, "acknowledgement")
    assert len(acks) == 1
    ack = acks[0]
    assert ack["To"] == "jenny.cole@health.example.nhs.uk"
    assert ack["Auto-Submitted"] == "auto-generated"
    assert ack["In-Reply-To"] == "<demo-001@partners.example.org>"
    text = ack.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert ack["X-Mailbot-Ref"] in text
    assert "Thomas" not in text and "Hartley" not in text and "E1000001" not in text
    daemon.process_mailbox()
    daemon.send_outbox()
    assert len(_kind(workspace, "acknowledgement")) == 1


def test_could_not_read_reply_says_what_is_needed(workspace: Path) -> None:
    _run(workspace, ["15-corrupt-pdf.eml", "21-secure-mail.eml"])
    replies = _kind(workspace, "cannot_read")
    assert len(replies) == 2
    texts = " ".join(r.get_body(("plain",)).get_content() for r in replies)  # type: ignore[union-attr]
    assert "portal" in texts.lower()
    assert (
        "damaged" in texts.lower()
        or "corrupt" in texts.lower()
        or "could not be opened" in texts.lower()
    )


def test_never_answers_automatic_mail(workspace: Path) -> None:
    _run(workspace, ["13-out-of-office.eml", "14-bounce.eml", "16-newsletter.eml"])
    assert sent_mail(workspace) == []


def test_a_record_without_visit_date_waits_and_the_sender_is_asked(workspace: Path) -> None:
    msg = EmailMessage()
    msg["From"] = "Jenny Cole <jenny.cole@health.example.nhs.uk>"
    msg["To"] = "mecc@example.gov.uk"
    msg["Subject"] = "Visit"
    msg["Message-ID"] = "<nodate@partners.example.org>"
    msg.set_content("Child's name: Thomas Hartley\nDate of birth: 12/03/2014\nSeen: yes\n")
    from mailbot.demo_data import Sample

    SAMPLES["x-nodate.eml"] = Sample("x-nodate.eml", msg.as_bytes(), "exception")
    daemon = _run(workspace, ["x-nodate.eml"])
    replies = _kind(workspace, "cannot_read")
    assert len(replies) == 1
    assert "date" in replies[0].get_body(("plain",)).get_content().lower()  # type: ignore[union-attr]
    assert _kind(workspace, "forward") == []
    from mailbot import casework

    assert casework.list_items(daemon.deps)[0].code == "incomplete"


def test_daily_cap_on_automatic_mail_to_one_address(tmp_path: Path) -> None:
    write_settings(tmp_path, forwarding={"max_auto_per_address_per_day": 1})
    daemon = Daemon.from_settings(load(tmp_path / "mailbot.toml", {}))
    import_tracker(daemon.deps, write_tracker(tmp_path))
    put_mail(tmp_path, [SAMPLES["01-plain-body.eml"], SAMPLES["06-name-only-known-sender.eml"]])
    daemon.process_mailbox()
    daemon.send_outbox()
    assert len(_kind(tmp_path, "acknowledgement")) == 1
    assert len(_kind(tmp_path, "forward")) == 2
