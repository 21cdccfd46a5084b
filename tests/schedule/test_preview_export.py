"""``schedule preview``, ``schedule run-due`` and ``tracker export`` as a user runs them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from mailbot.cli import main
from mailbot.schedule.policy import load_policy
from mailbot.schedule.runner import preview
from mailbot.schedule.visits import on_record
from mailbot.tracker_export import HEADER, export_tracker
from store.models import MessageRow, RawMessage, RecordChild, RecordRow, VisitRow
from tests.schedule.helpers import NURSE, SCHOOL, YOUTH, emails, row, setup, walk

D = date
ROWS = [
    row("E3200001", "Ada", "Vine", rag="Green", rag_date="2026-04-20", visitor=YOUTH, next_due="2026-06-08"),
    row("E3200002", "Bo", "Vine", rag="Amber", visitor=NURSE, next_due="2026-06-02"),
    row("E3200003", "Cy", "Vine", rag="Red", visitor=SCHOOL),  # no date: the policy's first visit
]  # fmt: skip


def test_preview_is_what_the_scans_then_send(tmp_path: Path) -> None:
    deps, clock = setup(tmp_path, ROWS, digest=True)
    with deps.sessions() as session:
        before = session.scalar(select(func.count()).select_from(VisitRow))
    planned = preview(deps, D(2026, 5, 18), 20)
    with deps.sessions() as session:  # a preview changes nothing
        assert session.scalar(select(func.count()).select_from(VisitRow)) == before
    assert all(set(p) == {"send_on", "kind", "child_ids", "visit_due", "to"} for p in planned)
    assert {"kind": "record_chase", "send_on": "2026-06-04", "child_ids": ["E3200002"],
            "visit_due": "2026-06-02", "to": [NURSE]} in planned  # fmt: skip
    assert sum(p["kind"] == "digest" for p in planned) == 14  # 20 days, one bank holiday
    walk(deps, clock, D(2026, 5, 18), D(2026, 6, 6), hours=(9,))
    sent = [
        {"send_on": e.day.isoformat(), "kind": e.kind, "child_ids": list(e.child_ids), "to": list(e.to)}
        for e in emails(deps)
    ]  # fmt: skip
    assert sorted(sent, key=json.dumps) == sorted(
        ({k: v for k, v in p.items() if k != "visit_due"} for p in planned), key=json.dumps
    )


def test_preview_json_command(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.schedule.helpers import write_tracker

    config = str(workspace / "mailbot.toml")
    tracker = write_tracker(workspace / "tracker.csv", ROWS)
    assert main(["--config", config, "registry", "import", str(tracker)]) == 0
    capsys.readouterr()
    assert (
        main(
            [
                "--config",
                config,
                "schedule",
                "preview",
                "--from",
                "2026-05-18",
                "--days",
                "7",
                "--json",
            ]
        )
        == 0
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines and all(
        list(x) == ["send_on", "kind", "child_ids", "visit_due", "to"] for x in lines
    )
    assert {"send_on": "2026-05-19", "kind": "alert", "child_ids": ["E3200002"],
            "visit_due": "2026-06-02", "to": [NURSE]} in lines  # fmt: skip
    assert {x["kind"] for x in lines} == {"alert", "follow_up", "digest"}


def test_run_due_command_queues_and_sends(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.schedule.helpers import write_tracker

    config = str(workspace / "mailbot.toml")
    main(["--config", config, "registry", "import", str(write_tracker(workspace / "t.csv", ROWS))])
    assert main(["--config", config, "schedule", "run-due", "--at", "2026-05-19T10:00"]) == 0
    out = capsys.readouterr().out
    assert "queued alert" in out and "E3200002" in out and "sent 3" in out
    assert len(list((workspace / "var" / "outbox" / "new").iterdir())) == 3
    assert main(["--config", config, "schedule", "run-due", "--at", "2026-05-19T11:00"]) == 0
    assert "nothing due" in capsys.readouterr().out
    assert main(["--config", config, "schedule", "run-due", "--at", "tomorrow"]) == 2


def _record(deps, child_id: str, sender: str, visit: date) -> int:  # type: ignore[no-untyped-def]
    now = datetime(2026, 6, 3, 9, tzinfo=UTC)
    with deps.sessions() as session:
        session.add(RawMessage(sha256="a" * 64, size=1, data=b"x", stored_at=now))
        session.flush()
        message = MessageRow(mailbox="mecc", position="1", sha256="a" * 64, sender=sender,
                             received_at=now, outcome="forwarded")  # fmt: skip
        session.add(message)
        session.flush()
        record = RecordRow(message_row_id=message.id, visit_date=visit, created_at=now,
                           forwarded_at=now, fields={})  # fmt: skip
        record.children = [RecordChild(child_id=child_id)]
        session.add(record)
        session.flush()
        on_record(session, child_ids=[child_id], sender=sender, visit_date=visit,
                  record_id=record.id, now=now, policy=load_policy("default"))  # fmt: skip
        session.commit()
        return record.id


def test_export_highlights_due_overdue_and_awaiting_upload(tmp_path: Path) -> None:
    deps, clock = setup(tmp_path, [*ROWS, row("E3200004", "Di", "Vine", rag="Green",
                        rag_date="2026-05-01", visitor=NURSE, next_due="2026-06-01")])  # fmt: skip
    walk(deps, clock, D(2026, 5, 18), D(2026, 6, 3), hours=(9,))
    _record(deps, "E3200004", NURSE, D(2026, 6, 1))
    path = tmp_path / "out" / "tracker.xlsx"
    summary = export_tracker(deps, path, today=D(2026, 6, 4))
    sheet = load_workbook(path)["Tracker"]
    assert [c.value for c in sheet[1]] == list(HEADER)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:V{sheet.max_row}"
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    col = {name: i for i, name in enumerate(HEADER)}
    assert rows["E3200002"][col["Status"]].value == "Overdue"  # due 2 June, no record
    assert rows["E3200002"][0].fill.start_color.rgb == "00F4CCCC"
    assert rows["E3200001"][col["Status"]].value == "Due within 7 working days"  # due 8 June
    assert rows["E3200001"][0].fill.start_color.rgb == "00FFF2CC"
    assert rows["E3200004"][col["Record awaiting upload"]].value == "Yes"
    assert rows["E3200004"][col["Status"]].value == "Planned"  # next visit in six weeks
    assert rows["E3200003"][col["Policy"]].value.startswith("(Red, CIN) must be seen face to face")
    assert (summary.overdue, summary.due_soon, summary.awaiting_upload) == (2, 1, 1)  # Cy too
    with deps.sessions() as session:
        record = session.get(RecordRow, 1)
        assert record is not None
        record.uploaded_at = datetime(2026, 6, 4, tzinfo=UTC)
        session.commit()
    export_tracker(deps, path, today=D(2026, 6, 4))
    rows = {r[0].value: r for r in load_workbook(path)["Tracker"].iter_rows(min_row=2)}
    assert rows["E3200004"][col["Record awaiting upload"]].value in (None, "")


def test_tracker_export_command(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(workspace / "mailbot.toml")
    assert main(["--config", config, "tracker", "export", str(workspace / "t.xlsx")]) == 0
    assert load_workbook(workspace / "t.xlsx")["Tracker"].max_row == 1
    assert main(["--config", config, "tracker", "export", str(workspace / "t.csv")]) == 2
    with pytest.raises(SystemExit):
        main(["--config", config, "schedule", "preview", "--from", "18/05/2026"])
