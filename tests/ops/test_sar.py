"""Subject access export: every record, original, email and audit entry about one child, in a zip."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from mailbot.cli import main
from mailbot.errors import UsageError
from mailbot.ops.retention import run_retention
from mailbot.ops.sar import export_child
from mailbot.demo_data import samples
from mailbot import casework
from store.models import AuditRow, MessageRow, RawMessage, RecordRow
from tests.ops.conftest import Service, process_demo

ORIGINALS = {s.name: s.raw for s in samples()}


def test_export_holds_everything_about_the_child(sqlite_service: Service) -> None:
    svc = sqlite_service
    results = process_demo(svc)
    out = svc.root / "sar.zip"
    # E1000001 has its own record (01), a duplicate delivery of it (17) and a siblings form (10)
    summary = export_child(svc.deps, "E1000001", out, actor="dpo@example.gov.uk")
    assert summary.records == 2 and summary.originals == 2
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        child = json.loads(zf.read("child.json"))
        assert child["child"]["child_id"] == "E1000001"
        assert child["plans"] and all(p["child_id"] == "E1000001" for p in child["plans"])
        records = sorted(n for n in names if n.endswith("/fields.json"))
        assert len(records) == 2
        fields = [json.loads(zf.read(n)) for n in records]
        assert all("E1000001" in f["children"] for f in fields)
        assert any(set(f["children"]) == {"E1000001", "E1000002"} for f in fields)
        originals = {zf.read(n) for n in names if n.endswith("/original.eml")}
        assert ORIGINALS["01-plain-body.eml"] in originals
        assert ORIGINALS["10-siblings.eml"] in originals
        emails = [n for n in names if n.startswith("emails/") and n.endswith(".eml")]
        assert summary.emails == len(emails) >= 2
        assert any(n.endswith("-forward.eml") for n in emails)
        listed = json.loads(zf.read("emails.json"))
        assert all("raw" not in e for e in listed)
        trail = json.loads(zf.read("audit.json"))
        actions = {a["action"] for a in trail}
        assert {"forwarded", "sent"} <= actions
        # nothing about a child with nothing to do with E1000001
        assert all("E1000004" not in json.dumps(f) for f in fields)
        assert b"subject access" in zf.read("README.txt").lower()
    assert results["04-typed-pdf.eml"].child_ids == ("E1000004",)  # type: ignore[attr-defined]
    with svc.deps.sessions() as session:
        entry = session.scalar(select(AuditRow).where(AuditRow.action == "subject_access_export"))
    assert entry is not None and entry.subject_id == "E1000001"
    assert entry.actor == "dpo@example.gov.uk" and entry.detail["records"] == 2


def test_export_after_retention_says_the_original_is_gone(sqlite_service: Service) -> None:
    svc = sqlite_service
    results = process_demo(svc)
    with svc.deps.sessions() as session:
        record = session.scalar(
            select(RecordRow).where(RecordRow.message_row_id == results["04-typed-pdf.eml"].row_id)  # type: ignore[attr-defined]
        )
        assert record is not None
    casework.mark_uploaded(svc.deps, record.id, "bs@example.gov.uk")
    svc.clock.advance(days=100)
    run_retention(svc.deps)
    summary = export_child(svc.deps, "E1000004", svc.root / "sar.zip", actor="dpo")
    assert summary.records == 1 and summary.originals == 0
    with zipfile.ZipFile(svc.root / "sar.zip") as zf:
        assert not [n for n in zf.namelist() if n.endswith(".eml") and n.startswith("records/")]
        assert f"rules: {record.id}" in zf.read("README.txt").decode()


def test_unknown_child(sqlite_service: Service) -> None:
    process_demo(sqlite_service)
    with pytest.raises(UsageError):
        export_child(sqlite_service.deps, "E9999999", sqlite_service.root / "x.zip", actor="dpo")
    assert not (sqlite_service.root / "x.zip").exists()


def test_export_command(sqlite_service: Service, capsys: pytest.CaptureFixture[str]) -> None:
    svc = sqlite_service
    process_demo(svc)
    config = str(svc.root / "mailbot.toml")
    out = svc.root / "out" / "E1000002.zip"
    assert main(["--config", config, "export", "--child", "E1000002", "--out", str(out), "--by", "dpo"]) == 0
    assert str(out) in capsys.readouterr().out
    assert zipfile.ZipFile(out).testzip() is None
    assert main(["--config", config, "export", "--child", "E0000000"]) == 2
    assert "E0000000" in capsys.readouterr().err
    with svc.deps.sessions() as session:
        first = session.scalar(select(MessageRow).order_by(MessageRow.id))
        assert first is not None and session.get(RawMessage, first.sha256) is not None
