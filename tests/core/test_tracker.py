"""Importing the team tracker: idempotent upsert, all or nothing, clear errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from mailbot.app import build
from mailbot.demo_data import HEADER, TRACKER_ROWS, tracker_csv
from mailbot.errors import ImportRowError
from mailbot.registry import import_tracker
from mailbot.settings import load
from store.models import ChildRow, PlanRow
from tests.conftest import write_settings


def _mailbot(workspace: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailbot.cli", "--config", str(workspace / "mailbot.toml"), *args],
        capture_output=True,
        text=True,
        cwd=workspace,
        timeout=120,
    )


def _counts(workspace: Path) -> tuple[int, int]:
    deps = build(load(workspace / "mailbot.toml", {}))
    with deps.sessions() as s:
        return (
            s.scalar(select(func.count()).select_from(ChildRow)) or 0,
            s.scalar(select(func.count()).select_from(PlanRow)) or 0,
        )


def test_import_prints_what_changed_and_is_idempotent(workspace: Path) -> None:
    (workspace / "t.csv").write_text(tracker_csv())
    first = _mailbot(workspace, "registry", "import", "t.csv")
    assert first.returncode == 0, first.stderr
    assert "children added 12" in first.stdout and "plans added 13" in first.stdout
    again = _mailbot(workspace, "registry", "import", "t.csv")
    assert "children added 0" in again.stdout and "children updated 0" in again.stdout
    assert _counts(workspace) == (12, 13)


def test_changes_and_removals_are_reported(workspace: Path) -> None:
    (workspace / "t.csv").write_text(tracker_csv())
    _mailbot(workspace, "registry", "import", "t.csv")
    rows = [
        r.replace("Green,2026-10-01", "Amber,2026-11-20") if r.startswith("E1000002") else r
        for r in TRACKER_ROWS
        if not r.startswith("E1000012")
    ]
    (workspace / "t2.csv").write_text("\n".join((HEADER, *rows)) + "\n")
    out = _mailbot(workspace, "registry", "import", "t2.csv").stdout
    assert "children updated 1" in out and "children removed 1" in out
    assert _counts(workspace) == (11, 12)


def test_a_bad_row_names_row_column_value_and_imports_nothing(workspace: Path) -> None:
    bad = [*TRACKER_ROWS]
    bad[4] = bad[4].replace(",CIN,", ",XYZ,")
    (workspace / "bad.csv").write_text("\n".join((HEADER, *bad)) + "\n")
    out = _mailbot(workspace, "registry", "import", "bad.csv")
    assert out.returncode == 2
    assert "row 6, column legal_status: value 'XYZ'" in out.stderr
    assert "Traceback" not in out.stderr
    assert _counts(workspace) == (0, 0)


@pytest.mark.parametrize(
    ("column_value", "message"),
    [
        (("dob", "31/02/2014"), "column dob"),
        (("social_worker_email", "not-an-email"), "column social_worker_email"),
        (("visit_frequency_days", "often"), "column visit_frequency_days"),
        (("rag", "Purple"), "column rag"),
    ],
)
def test_each_kind_of_bad_cell(tmp_path: Path, column_value: tuple[str, str], message: str) -> None:
    column, value = column_value
    names = HEADER.split(",")
    cells = TRACKER_ROWS[0].split(",")
    cells[names.index(column)] = value
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "\n" + ",".join(cells) + "\n")
    from mailbot import tracker

    with pytest.raises(ImportRowError, match=f"row 2, {message}"):
        tracker.parse(tracker.read_file(path))


def test_extra_columns_and_xlsx_and_uk_dates(tmp_path: Path) -> None:
    write_settings(tmp_path)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([*HEADER.split(","), "notes"])
    for row in TRACKER_ROWS:
        ws.append([*row.split(","), "an extra column never fails an import"])
    wb.save(tmp_path / "tracker.xlsx")
    deps = build(load(tmp_path / "mailbot.toml", {}))
    summary = import_tracker(deps, tmp_path / "tracker.xlsx")
    assert summary["children_added"] == 12
    with deps.sessions() as s:
        amelia = s.get(ChildRow, "E1000002")
        assert (
            amelia is not None and amelia.dob is not None and amelia.dob.isoformat() == "2016-07-16"
        )
