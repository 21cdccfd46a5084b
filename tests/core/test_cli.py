"""The command-line contract other tools depend on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mailbot.demo_data import samples
from tests.core.helpers import sent_mail, write_tracker

EXPECTED_KEYS = {
    "source",
    "message_id",
    "outcome",
    "child_ids",
    "forward_to",
    "risk_flags",
    "reason",
}


def mailbot(workspace: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailbot.cli", "--config", str(workspace / "mailbot.toml"), *args],
        capture_output=True,
        text=True,
        cwd=workspace,
        timeout=300,
    )


def _mail_folder(workspace: Path) -> Path:
    folder = workspace / "mail"
    folder.mkdir()
    for sample in samples():
        (folder / sample.name).write_bytes(sample.raw)
    (folder / "zz-empty.eml").write_bytes(b"")
    (folder / "zz-binary.eml").write_bytes(bytes(range(256)) * 8)
    return folder


def test_ingest_dry_run_json_prints_one_line_per_file_and_changes_nothing(workspace: Path) -> None:
    assert mailbot(workspace, "registry", "import", str(write_tracker(workspace))).returncode == 0
    folder = _mail_folder(workspace)
    files = sorted(folder.iterdir())
    out = mailbot(workspace, "ingest", "--dry-run", "--json", *map(str, files))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == len(files)
    objects = [json.loads(line) for line in lines]
    assert [o["source"] for o in objects] == [str(f) for f in files]
    for o in objects:
        assert set(o) == EXPECTED_KEYS
        assert o["outcome"] in {"forwarded", "exception", "duplicate", "ignored"}
    by_name = {Path(o["source"]).name: o for o in objects}
    assert by_name["01-plain-body.eml"]["forward_to"] == ["priya.shah@example.gov.uk"]
    assert by_name["zz-empty.eml"]["outcome"] == "exception"
    # dry run: nothing sent, nothing kept; a real run afterwards still forwards.
    assert sent_mail(workspace) == []
    again = mailbot(workspace, "ingest", "--json", str(folder / "01-plain-body.eml"))
    assert json.loads(again.stdout)["outcome"] == "forwarded"


def test_exceptions_list_show_assign_dismiss_are_audited(workspace: Path) -> None:
    mailbot(workspace, "registry", "import", str(write_tracker(workspace)))
    folder = _mail_folder(workspace)
    mailbot(
        workspace,
        "ingest",
        str(folder / "07-name-only-unknown-sender.eml"),
        str(folder / "12-unknown-child.eml"),
    )
    listed = [
        json.loads(x)
        for x in mailbot(workspace, "exceptions", "list", "--json").stdout.splitlines()
    ]
    assert len(listed) == 2
    jack = next(i for i in listed if "Jack" in i["subject"])
    shown = mailbot(workspace, "exceptions", "show", str(jack["id"])).stdout
    assert "E1000006" in shown and "E1000007" in shown  # both Jack Wilsons were considered
    assigned = mailbot(
        workspace, "exceptions", "assign", str(jack["id"]), "E1000006", "--by", "bs@example.gov.uk"
    )
    assert assigned.returncode == 0, assigned.stderr
    assert "priya.shah@example.gov.uk" in assigned.stdout
    other = next(i for i in listed if i["id"] != jack["id"])
    dismissed = mailbot(
        workspace,
        "exceptions",
        "dismiss",
        str(other["id"]),
        "--reason",
        "not ours",
        "--by",
        "bs@example.gov.uk",
    )
    assert dismissed.returncode == 0
    assert (
        mailbot(workspace, "exceptions", "list").stdout.strip() == "the exceptions queue is empty"
    )
    shown = mailbot(workspace, "exceptions", "show", str(jack["id"])).stdout
    assert "bs@example.gov.uk: assigned" in shown
    mailbot(workspace, "outbox", "send")
    forwards = [m for m in sent_mail(workspace) if m["X-Mailbot-Kind"] == "forward"]
    assert len(forwards) == 1 and forwards[0]["To"] == "priya.shah@example.gov.uk"
    again = mailbot(workspace, "exceptions", "assign", str(jack["id"]), "E1000006")
    assert again.returncode == 2 and "already assigned" in again.stderr


def test_user_mistakes_exit_2_without_a_traceback(workspace: Path) -> None:
    for args in (
        ["registry", "import", "missing.csv"],
        ["exceptions", "show", "999"],
        ["exceptions", "assign", "1", "E9999999"],
    ):
        out = mailbot(workspace, *args)
        assert out.returncode == 2, args
        assert "Traceback" not in out.stderr
    assert mailbot(workspace, "no-such-command").returncode == 2


def test_demo_runs_and_prints_a_table(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mailbot.cli", "demo", "--dir", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert "01-plain-body.eml" in out.stdout and "forwarded" in out.stdout
    assert "RISK FLAG: police" in out.stdout
    assert len(list((tmp_path / "demo" / "var" / "outbox" / "new").iterdir())) >= 10
