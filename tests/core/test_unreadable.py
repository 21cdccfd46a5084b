"""Unreadable records through the whole pipeline: kept, queued with a specific reason, sender asked."""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path

from msoffcrypto.format.ooxml import OOXMLFile
from sqlalchemy import select

from mailbot.app import build
from mailbot.demo_data import docx_form
from mailbot.pipeline import Pipeline
from mailbot.registry import import_tracker
from mailbot.settings import load
from store import ledger
from store.models import ExceptionRow, MessageRow, OutboxRow
from tests.core.helpers import write_tracker

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _with_attachment(data: bytes, name: str, mime: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Jenny Cole <jenny.cole@health.example.nhs.uk>"
    msg["To"] = "mecc@example.gov.uk"
    msg["Subject"] = "Visit record"
    msg["Message-ID"] = f"<{name}@health.example.nhs.uk>"
    msg.set_content("Record attached.")
    maintype, subtype = mime.split("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def test_password_protected_docx_is_kept_and_queued_with_a_clear_reason(workspace: Path) -> None:
    deps = build(load(workspace / "mailbot.toml", {}))
    import_tracker(deps, write_tracker(workspace))
    form = docx_form(
        [
            ("Child's name", "Thomas Hartley"),
            ("Date of birth", "12/03/2014"),
            ("Date of visit", "18/11/2026"),
            ("Child seen", "Yes"),
        ]
    )
    locked = io.BytesIO()
    OOXMLFile(io.BytesIO(form)).encrypt("secret", locked)
    raw = _with_attachment(locked.getvalue(), "record.docx", DOCX)
    result = Pipeline(deps).process(raw, mailbox="test", position="locked")
    assert result.outcome.value == "exception"
    assert result.reason is not None and "password" in result.reason.lower()
    with deps.sessions() as s:
        row = s.scalars(select(MessageRow)).one()
        assert ledger.raw_bytes(s, row.sha256) == raw  # the original is kept, byte for byte
        item = s.scalars(select(ExceptionRow)).one()
        assert item.code == "encrypted" and item.status == "open"
        kinds = {r.kind for r in s.scalars(select(OutboxRow))}
        assert kinds == {"cannot_read"}  # the sender is asked, nobody else is sent anything
