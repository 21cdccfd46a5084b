"""The daemon against real servers: Dovecot IMAP in, an aiosmtpd SMTP receiver out."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from mailbot.demo_data import Sample, samples
from tests.e2e.conftest import Imap, Receiver, daemon, run_once

SAMPLES = {s.name: s for s in samples()}


def _distinct(n: int) -> list[bytes]:
    """n forwardable records, each with its own Message-ID."""
    names = ("01-plain-body.eml", "04-typed-pdf.eml", "09-forward.eml", "19-negated.eml")
    base = [SAMPLES[n] for n in names]
    out = []
    for i in range(n):
        s: Sample = base[i % len(base)]
        out.append(
            s.raw.replace(b"@partners.example.org>", f".e{i}@partners.example.org>".encode(), 1)
        )
    return out


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err


def test_appended_message_is_picked_up_through_idle_and_forwarded(
    workspace_e2e: Callable[..., Path], imap: Imap, receiver: tuple[Receiver, int]
) -> None:
    root = workspace_e2e()
    proc = daemon(root)
    try:
        time.sleep(2)  # let it connect and enter IDLE
        imap.append([SAMPLES["01-plain-body.eml"].raw, SAMPLES["13-out-of-office.eml"].raw])
        forwards = receiver[0].wait_for("forward", 1, timeout=60)
        assert len(forwards) == 1
        assert forwards[0]["To"] == "priya.shah@example.gov.uk"
        assert forwards[0]["From"].addresses[0].addr_spec == "mecc@example.gov.uk"
        deadline = time.monotonic() + 30
        while imap.count() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert imap.count() == 0  # moved out of the inbox after commit
        assert imap.count(f"{imap.folder}/Processed") == 2
    finally:
        err = _stop(proc)
    assert "Traceback" not in err


def test_sigkill_at_random_points_then_restart_sends_each_forward_once(
    workspace_e2e: Callable[..., Path], imap: Imap, receiver: tuple[Receiver, int]
) -> None:
    root = workspace_e2e()
    batch = _distinct(500)
    imap.append(batch)
    rng = random.Random(7)
    kills = 0
    for _ in range(3):
        proc = daemon(root)
        time.sleep(rng.uniform(1.5, 6.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        kills += 1
    done = run_once(root)
    assert done.returncode == 0, done.stderr
    forwards = receiver[0].of_kind("forward")
    per_id = Counter(m["Message-ID"] for m in forwards)
    assert [mid for mid, n in per_id.items() if n > 1] == []
    assert len(forwards) == 500
    assert imap.count() == 0
    assert kills == 3


def test_dovecot_restart_while_idling_misses_nothing(
    workspace_e2e: Callable[..., Path], imap: Imap, receiver: tuple[Receiver, int]
) -> None:
    root = workspace_e2e()
    proc = daemon(root)
    try:
        imap.append(_distinct(1))
        assert len(receiver[0].wait_for("forward", 1)) == 1
        restart = subprocess.run(
            ["bash", "scripts/servers/start-dovecot.sh"],
            capture_output=True,
            text=True,
            env={**__import__("os").environ, "MAILTEST_KEEP_MAIL": "1"},
            timeout=120,
            cwd=Path(__file__).parents[2],
        )
        assert restart.returncode == 0, restart.stderr
        imap.append(_distinct(3)[1:])
        assert len(receiver[0].wait_for("forward", 3, timeout=90)) == 3
    finally:
        err = _stop(proc)
    assert "Traceback" not in err


def test_wrong_password_is_a_clear_error_and_the_daemon_keeps_going(
    workspace_e2e: Callable[..., Path], imap: Imap
) -> None:
    root = workspace_e2e(password="not-the-password")
    proc = daemon(root)
    time.sleep(4)
    assert proc.poll() is None, "the daemon stopped on a wrong password"
    err = _stop(proc)
    assert "not-the-password" not in err
    assert "Traceback" not in err
    assert "authentication" in err.lower() or "login" in err.lower()
    out = run_once(root)
    assert out.returncode == 0
    assert "not-the-password" not in out.stderr


@pytest.mark.parametrize("n", [1])
def test_pipeline_store_on_postgresql_with_imap(
    tmp_path: Path,
    n: int,
    imap: Imap,
    receiver: tuple[Receiver, int],
    workspace_e2e: Callable[..., Path],
    db_url: str,
) -> None:
    root = workspace_e2e(db_url=db_url)
    imap.append(_distinct(5))
    out = run_once(root)
    assert out.returncode == 0, out.stderr
    assert len(receiver[0].of_kind("forward")) == 5
