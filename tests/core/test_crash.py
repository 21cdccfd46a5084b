"""SIGKILL in the middle of a batch, then a restart: nothing lost, nothing forwarded twice."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from mailbot.app import build
from mailbot.demo_data import Sample, samples
from mailbot.registry import import_tracker
from mailbot.settings import load
from store.models import MessageRow
from tests.core.helpers import put_mail, sent_mail, write_tracker


def _batch(copies: int) -> list[Sample]:
    """Many distinct forwardable records (each with its own Message-ID)."""
    base = [s for s in samples() if s.expect == "forwarded" and len(s.children) == 1]
    out: list[Sample] = []
    for i in range(copies):
        for s in base:
            raw = s.raw.replace(
                b"@partners.example.org>", f".{i}@partners.example.org>".encode(), 1
            )
            out.append(Sample(f"{i:03d}-{s.name}", raw, s.expect, s.children))
    return out


def test_sigkill_mid_batch_then_restart(workspace: Path) -> None:
    settings = load(workspace / "mailbot.toml", {})
    import_tracker(build(settings), write_tracker(workspace))
    batch = _batch(6)
    put_mail(workspace, batch)
    cmd = [sys.executable, "-m", "mailbot.cli", "--config", str(workspace / "mailbot.toml"), "run"]
    proc = subprocess.Popen(cmd, cwd=workspace, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deps = build(settings)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline:
        with deps.sessions() as s:
            done = s.scalar(select(func.count()).select_from(MessageRow)) or 0
        if done >= len(batch) // 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert 0 < done < len(batch), "the kill did not land in the middle of the batch"
    again = subprocess.run(
        [*cmd, "--once"], cwd=workspace, capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stderr
    with deps.sessions() as s:
        rows = list(s.scalars(select(MessageRow)))
    # Every message processed exactly once (one ledger row per position) and forwarded.
    positions = [r.position for r in rows]
    assert sorted(positions) == sorted(s.name for s in batch)
    forwarded = [r for r in rows if r.outcome == "forwarded"]
    assert len(forwarded) >= len(batch) * 0.8
    # Every forward sent exactly once.
    forwards = [m for m in sent_mail(workspace) if m["X-Mailbot-Kind"] == "forward"]
    assert len(forwards) == len(forwarded)
    assert len({m["Message-ID"] for m in forwards}) == len(forwarded)
    inbox_new = list((workspace / "var" / "mailbox" / "new").iterdir())
    assert inbox_new == []
