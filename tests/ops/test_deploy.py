"""The deployment files: systemd accepts the units, and they keep their sandboxing and health check."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted(DEPLOY.glob("*.service")) + sorted(DEPLOY.glob("*.timer"))
SANDBOX = (
    "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
    "ReadWritePaths=/var/lib/mailbot", "CapabilityBoundingSet=", "SystemCallFilter=@system-service",
)  # fmt: skip


@pytest.mark.parametrize("unit", [u for u in UNITS if u.suffix == ".service"], ids=lambda u: u.name)
def test_services_are_sandboxed_and_unprivileged(unit: Path) -> None:
    lines = set(unit.read_text(encoding="utf-8").splitlines())
    assert {"User=mailbot", *SANDBOX} <= lines
    assert any(line.startswith("ExecStart=/opt/mailbot/bin/mailbot --config ") for line in lines)


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="needs systemd-analyze")
@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_systemd_accepts_the_units(unit: Path) -> None:
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", unit.name],
        cwd=DEPLOY, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    complaints = [
        line for line in (done.stdout + done.stderr).splitlines()
        if line.strip() and "/opt/mailbot/bin/mailbot" not in line  # not installed here
    ]  # fmt: skip
    assert not complaints, complaints


def test_container_runs_unprivileged_with_a_health_check() -> None:
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11-slim" in text
    assert "USER mailbot" in text and 'VOLUME ["/var/lib/mailbot"]' in text
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert "tesseract-ocr" in text and "antiword" in text
