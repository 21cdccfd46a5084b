"""The service commands: config show (secrets masked), status, retention."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from mailbot.cli import main
from mailbot.ops.config_dump import show_settings
from mailbot.settings import load
from tests.conftest import write_settings
from tests.ops.conftest import Service, process_demo


def test_config_show_masks_every_secret(tmp_path: Path) -> None:
    secret_file = tmp_path / "smtp-password"
    secret_file.write_text("file-secret\n", encoding="utf-8")
    path = write_settings(
        tmp_path,
        outbound={"kind": "smtp", "host": "smtp.example.gov.uk", "password_file": str(secret_file)},
        web={"sign_in": "entra", "tenant_id": "t", "client_id": "c"},
    )
    env = {
        "MAILBOT_MAILBOX_PASSWORD": "env-secret-1",
        "MAILBOT_WEB_CLIENT_SECRET": "env-secret-2",
        "MAILBOT_WEB_SECRET_KEY": "env-secret-3",
        "MAILBOT_DATABASE_URL": "postgresql+psycopg://app:db-secret@db.example.gov.uk/mailbot",
        "MAILBOT_OPS_HEALTH_PORT": "9108",
    }
    settings = load(path, env)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    shown = show_settings(settings, data, env)
    for secret in ("env-secret-1", "env-secret-2", "env-secret-3", "db-secret", "file-secret"):
        assert secret not in shown
    parsed = tomllib.loads(shown)  # it is TOML
    assert parsed["mailbox"]["password"] == "****"
    assert parsed["web"]["client_secret"] == "****" and parsed["web"]["secret_key"] == "****"
    assert parsed["outbound"]["password"] == ""  # not set here: it comes from the file
    assert parsed["outbound"]["password_file"] == str(secret_file)
    assert parsed["database"]["url"] == "postgresql+psycopg://app:****@db.example.gov.uk/mailbot"
    assert parsed["ops"]["health_port"] == 9108
    assert parsed["retention"]["audit_days"] == 2555
    sections: dict[str, dict[str, str]] = {}
    for line in shown.splitlines():
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        elif " = " in line:
            current[line.split(" = ")[0]] = line.rsplit("# ", 1)[1]
    assert sections["ops"]["health_port"] == "environment MAILBOT_OPS_HEALTH_PORT"
    assert sections["outbound"]["host"] == str(path)
    assert sections["web"]["host"] == "default"
    assert sections["retention"]["audit_days"] == "default"


def test_config_show_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_settings(tmp_path, ops={"health_port": 9100})
    assert main(["--config", str(path), "config", "show"]) == 0
    out = capsys.readouterr().out
    assert "health_port = 9100" in out and f"# {path}" in out
    assert tomllib.loads(out)["ops"]["health_port"] == 9100


def test_status_command(sqlite_service: Service, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(sqlite_service.root / "mailbot.toml")
    assert main(["--config", config, "status", "--check"]) == 1  # never fetched
    assert "NOT READY" in capsys.readouterr().out
    results = process_demo(sqlite_service)
    exceptions = sum(r.outcome.value == "exception" for r in results.values())  # type: ignore[attr-defined]
    # the command runs on the system clock, long after the fixed one: it is late now
    assert main(["--config", config, "status", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["exceptions"]["open"] == exceptions
    assert report["tracker"]["source"].endswith("tracker.csv")
    assert report["outbox"]["pending"] == 0
    assert report["mailboxes"]["mecc"]["last_fetch_at"].startswith("2026-11-20T12:00")
    assert report["mailboxes"]["mecc"]["backlog"] == 0  # every message was moved out
    assert report["mailboxes"]["mecc"]["connected"] is False  # late by the system clock
    assert main(["--config", config, "status"]) == 0
    text = capsys.readouterr().out
    assert "mailbox mecc: LATE; not connected (no fetch for over 5 min); backlog 0;" in text
    assert f"exceptions waiting: {exceptions}" in text
    assert "@" not in text


def test_retention_command(sqlite_service: Service, capsys: pytest.CaptureFixture[str]) -> None:
    process_demo(sqlite_service)
    config = str(sqlite_service.root / "mailbot.toml")
    assert main(["--config", config, "retention", "run", "--dry-run", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["dry_run"] is True
    assert main(["--config", config, "retention", "run"]) == 0
    assert capsys.readouterr().out.startswith("retention purged:")
