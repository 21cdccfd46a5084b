"""``mailbot users add`` and ``mailbot serve`` as a person runs them."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from mailbot.app import build
from mailbot.cli import main
from mailbot.settings import load
from mailbot.web.security import check_password
from store import users
from tests.web.conftest import free_port
from tests.web.helpers import http_sign_in


def test_users_add_with_a_password_file(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(workspace / "mailbot.toml")
    secret = workspace / "pw.txt"
    secret.write_text("a long enough password\n", encoding="utf-8")
    assert main(["--config", config, "users", "add", "Bea.Support@Example.gov.uk",
                 "--role", "business_support", "--password-file", str(secret)]) == 0  # fmt: skip
    assert "user added: bea.support@example.gov.uk" in capsys.readouterr().out
    deps = build(load(workspace / "mailbot.toml", {}))
    with deps.sessions() as session:
        row = users.by_email(session, "bea.support@example.gov.uk")
        assert row is not None and row.role == "business_support"
        assert row.password_hash and "a long enough password" not in row.password_hash
        assert check_password(row.password_hash, "a long enough password")
        assert not check_password(row.password_hash, "a long enough passwore")
    assert main(["--config", config, "users", "add", "bea.support@example.gov.uk",
                 "--role", "admin", "--no-password"]) == 0  # fmt: skip
    assert "user updated" in capsys.readouterr().out


def test_users_add_refuses_a_short_password(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = workspace / "pw.txt"
    secret.write_text("short\n", encoding="utf-8")
    code = main(["--config", str(workspace / "mailbot.toml"), "users", "add", "x@example.gov.uk",
                 "--role", "admin", "--password-file", str(secret)])  # fmt: skip
    assert code == 2
    assert "at least 12 characters" in capsys.readouterr().err


def test_serve_starts_the_page_on_loopback(workspace: Path) -> None:
    config = str(workspace / "mailbot.toml")
    secret = workspace / "pw.txt"
    secret.write_text("a long enough password\n", encoding="utf-8")
    main(["--config", config, "users", "add", "bs@example.gov.uk", "--role", "business_support",
          "--password-file", str(secret)])  # fmt: skip
    port = free_port()
    env = {"MAILBOT_WEB_SECURE_COOKIES": "false", "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailbot.cli", "--config", config, "serve", "--port", str(port)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/login", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "mailbot serve did not start"
                time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=10) as client:
            assert (
                http_sign_in(client, "bs@example.gov.uk", "a long enough password").status_code
                == 303
            )
            assert "Exceptions queue" in client.get("/exceptions").text
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
