"""Subject access export: every record, original, email and audit entry about one child, in a zip."""

from __future__ import annotations

import json
import zipfile

import pytest
from sqlalchemy import select

from mailbot import casework
from mailbot.cli import main
from mailbot.demo_data import samples
from mailbot.errors import UsageError
from mailbot.ops.retention import run_retention
from mailbot.ops.sar import export_child
from store.models import AuditRow, MessageRow, RawMessage, RecordChild, RecordRow
from tests.ops.conftest import Service, process_demo

ORIGINALS = {s.name: s.raw for s in samples()}


def _forwarded(results: dict[str, object]) -> list[tuple[str, object]]:
    return [
        (name, r)
        for name, r in sorted(results.items())
        if r.outcome.value == "forwarded" and len(r.child_ids) == 1  # type: ignore[attr-defined]
    ]


def test_export_holds_everything_about_the_child(sqlite_service: Service) -> None:
    svc = sqlite_service
    results = process_demo(svc)
    (name, result), *others = _forwarded(results)
    child_id = result.child_ids[0]  # type: ignore[attr-defined]
    with svc.deps.sessions() as session:
        expected = session.scalars(
            select(RecordChild.record_id).where(RecordChild.child_id == child_id)
        ).all()
    out = svc.root / "sar.zip"
    summary = export_child(svc.deps, child_id, out, actor="dpo@example.gov.uk")
    assert summary.records == len(expected) >= 1 and summary.originals == len(expected)
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        child = json.loads(zf.read("child.json"))
        assert child["child"]["child_id"] == child_id
        assert child["plans"] and all(p["child_id"] == child_id for p in child["plans"])
        records = sorted(n for n in names if n.endswith("/fields.json"))
        assert records == sorted(f"records/{i}/fields.json" for i in expected)
        fields = [json.loads(zf.read(n)) for n in records]
        assert all(child_id in f["children"] for f in fields)
        originals = {zf.read(n) for n in names if n.endswith("/original.eml")}
        assert ORIGINALS[name] in originals
        emails = [n for n in names if n.startswith("emails/") and n.endswith(".eml")]
        assert summary.emails == len(emails) >= 1
        assert any(n.endswith("-forward.eml") for n in emails)
        listed = json.loads(zf.read("emails.json"))
        assert all("raw" not in e for e in listed)
        trail = json.loads(zf.read("audit.json"))
        assert {"forwarded", "sent"} <= {a["action"] for a in trail}
        # nothing about a child who shares no record with this one
        named = {c for f in fields for c in f["children"]}
        other_id = next(
            r.child_ids[0]  # type: ignore[attr-defined]
            for _, r in others
            if r.child_ids[0] not in named  # type: ignore[attr-defined]
        )
        for entry in names:
            assert other_id.encode() not in zf.read(entry), entry
        assert b"subject access" in zf.read("README.txt").lower()
    with svc.deps.sessions() as session:
        entry = session.scalar(select(AuditRow).where(AuditRow.action == "subject_access_export"))
    assert entry is not None and entry.subject_id == child_id
    assert entry.actor == "dpo@example.gov.uk" and entry.detail["records"] == len(expected)


def test_export_after_retention_says_the_original_is_gone(sqlite_service: Service) -> None:
    svc = sqlite_service
    results = process_demo(svc)
    _, result = _forwarded(results)[0]
    row_id: int = result.row_id  # type: ignore[attr-defined]
    with svc.deps.sessions() as session:
        record = session.scalar(select(RecordRow).where(RecordRow.message_row_id == row_id))
        assert record is not None
    casework.mark_uploaded(svc.deps, record.id, "bs@example.gov.uk")
    svc.clock.advance(days=100)
    run_retention(svc.deps)
    child_id = result.child_ids[0]  # type: ignore[attr-defined]
    summary = export_child(svc.deps, child_id, svc.root / "sar.zip", actor="dpo")
    assert summary.records >= 1 and summary.originals == summary.records - 1
    with zipfile.ZipFile(svc.root / "sar.zip") as zf:
        assert f"records/{record.id}/fields.json" in zf.namelist()
        assert f"records/{record.id}/original.eml" not in zf.namelist()
        assert f"rules: {record.id}" in zf.read("README.txt").decode()


def test_unknown_child(sqlite_service: Service) -> None:
    process_demo(sqlite_service)
    with pytest.raises(UsageError):
        export_child(sqlite_service.deps, "E9999999", sqlite_service.root / "x.zip", actor="dpo")
    assert not (sqlite_service.root / "x.zip").exists()


def test_export_command(sqlite_service: Service, capsys: pytest.CaptureFixture[str]) -> None:
    svc = sqlite_service
    process_demo_results = process_demo(svc)
    config = str(svc.root / "mailbot.toml")
    child_id = _forwarded(process_demo_results)[0][1].child_ids[0]  # type: ignore[attr-defined]
    out = svc.root / "out" / "sar.zip"
    args = ["--config", config, "export", "--child", child_id, "--out", str(out), "--by", "dpo"]
    assert main(args) == 0
    assert str(out) in capsys.readouterr().out
    assert zipfile.ZipFile(out).testzip() is None
    assert main(["--config", config, "export", "--child", "E0000000"]) == 2
    assert "E0000000" in capsys.readouterr().err
    with svc.deps.sessions() as session:
        first = session.scalar(select(MessageRow).order_by(MessageRow.id))
        assert first is not None and session.get(RawMessage, first.sha256) is not None
