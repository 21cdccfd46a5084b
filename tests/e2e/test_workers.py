"""Several workers on one PostgreSQL and one Dovecot: each message processed once, each forward
sent once, also when a worker is killed mid-way; SQLite refuses a second process."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mailbot.app import build
from mailbot.settings import load
from store.models import MessageRow
from tests.e2e.conftest import Imap, Receiver, daemon, run_once
from tests.e2e.test_imap_smtp import _distinct


def _counts(root: Path) -> dict[str, int]:
    deps = build(load(root / "mailbot.toml", {}))
    with deps.sessions() as s:
        rows = s.execute(select(MessageRow.outcome, func.count()).group_by(MessageRow.outcome))
        return {outcome: n for outcome, n in rows}


@pytest.mark.slow
def test_three_workers_share_1000_messages_and_survive_a_kill(
    workspace_e2e: Callable[..., Path], imap: Imap, receiver: tuple[Receiver, int]
) -> None:
    from tests.conftest import need_server, reset_postgres

    url = need_server("MAILTEST_PG_URL", "PostgreSQL")
    reset_postgres(url)
    root = workspace_e2e(
        db_url=url,
        forwarding={"acknowledge_senders": False},
        workers={"claim_seconds": 10, "outbox_lease_seconds": 10, "mailbox_lease_seconds": 10},
    )
    imap.append(_distinct(1000))
    workers = [daemon(root) for _ in range(3)]
    try:
        started = time.monotonic()
        deadline = started + 300
        while time.monotonic() < deadline and sum(_counts(root).values()) < 300:
            time.sleep(0.5)
        workers[0].send_signal(signal.SIGKILL)  # whoever it is: watcher, worker or scheduler
        workers[0].wait(timeout=30)
        while time.monotonic() < deadline:
            counts = _counts(root)
            if counts.get("forwarded", 0) >= 1000 and imap.count() == 0:
                break
            time.sleep(1)
        forwards = receiver[0].wait_for(
            "forward", 1000, timeout=max(deadline - time.monotonic(), 5)
        )
    finally:
        for w in workers[1:]:
            w.send_signal(signal.SIGTERM)
        for w in workers[1:]:
            w.wait(timeout=60)
    print(f"3 workers, 1000 messages, one killed: {time.monotonic() - started:.0f} s")
    counts = _counts(root)
    assert counts == {"forwarded": 1000}, counts
    per_id = Counter(m["Message-ID"] for m in forwards)
    assert len(per_id) == 1000 and max(per_id.values()) == 1
    assert imap.count() == 0


def test_sqlite_refuses_a_second_process(workspace_e2e: Callable[..., Path], imap: Imap) -> None:
    root = workspace_e2e()
    first = daemon(root)
    try:
        time.sleep(3)
        second = subprocess.run(
            [*first.args],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,  # type: ignore[misc]
        )
        assert second.returncode == 2
        assert "SQLite serves one process" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=60)
    assert run_once(root).returncode == 0  # --once after the daemon stopped is fine
