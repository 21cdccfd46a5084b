"""Several ``mailbot run`` processes on one PostgreSQL database share the work.

- One process at a time watches each mailbox: the holder of the lease ``mailbox:<name>``
  receives new messages (kept, with a ``received`` ledger row, committed) and moves each out
  of the inbox once some worker has processed it. When the watcher dies, its lease runs out
  and another process takes over; a message it received but never moved is still in the
  inbox and is recognised by its position.
- Every process claims received messages (``FOR UPDATE SKIP LOCKED``, with a lease) and
  processes each in its own transaction, claims outbox rows the same way, and stands ready to
  be the scheduler.
SQLite serves one process only (see ``single_process_lock``).
"""

from __future__ import annotations

import fcntl
import logging
import os
from datetime import timedelta
from pathlib import Path
from typing import IO

from mailbot.errors import ConfigError, MailboxError
from mailbot.mailboxes.base import Mailbox
from mailbot.pipeline import Pipeline, Result
from store import inbound, leases, ledger

log = logging.getLogger(__name__)

BACKPRESSURE = 20  # received but unprocessed messages before the watcher stops fetching


class SharedWork:
    def __init__(self, pipeline: Pipeline, mailbox: Mailbox, holder: str) -> None:
        self.pipeline = pipeline
        self.deps = pipeline.deps
        self.mailbox = mailbox
        self.holder = holder
        w = self.deps.settings.workers
        self.mailbox_lease = timedelta(seconds=w.mailbox_lease_seconds)
        self.claim_lease = timedelta(seconds=w.claim_seconds)

    def watch(self) -> bool:
        """Take or renew this mailbox's lease; True when this process is its watcher."""
        with self.deps.sessions() as session:
            held = leases.acquire(
                session, f"mailbox:{self.mailbox.name}", self.holder, self.deps.clock.now(),
                self.mailbox_lease,
            )  # fmt: skip
            session.commit()
        return held

    def release(self) -> None:
        with self.deps.sessions() as session:
            leases.release(
                session, f"mailbox:{self.mailbox.name}", self.holder, self.deps.clock.now()
            )
            session.commit()

    def receive(self, limit: int = 50) -> int:
        """Keep new messages for the workers (the watcher only); returns how many."""
        with self.deps.sessions() as session:
            if inbound.waiting(session, self.mailbox.name) >= BACKPRESSURE:
                return 0
        received = 0
        for incoming in self.mailbox.fetch(limit):
            if self.pipeline.receive(
                incoming.raw, mailbox=self.mailbox.name, position=incoming.position
            ):
                received += 1
                continue
            with self.deps.sessions() as session:  # seen before: moved, unless still in hand
                known = ledger.seen_position(session, self.mailbox.name, incoming.position)
                if known is not None and known.outcome != inbound.RECEIVED:
                    self.mailbox.acknowledge(incoming.position, known.outcome)
        return received

    def acknowledge(self) -> int:
        """Move processed messages out of the inbox (the watcher only)."""
        moved = 0
        with self.deps.sessions() as session:
            for row in inbound.to_acknowledge(session, self.mailbox.name):
                try:
                    self.mailbox.acknowledge(row.position, row.outcome)
                except MailboxError as exc:
                    log.error("mailbox %s: could not move a message: %s", self.mailbox.name, exc)
                    break
                row.acknowledged_at = self.deps.clock.now()
                session.commit()
                moved += 1
        return moved

    def process(self, limit: int = 5) -> list[Result]:
        """Claim received messages and process each in its own transaction."""
        with self.deps.sessions() as session:
            ids = inbound.claim(
                session, worker=self.holder, now=self.deps.clock.now(), lease=self.claim_lease,
                limit=limit,
            )  # fmt: skip
            session.commit()
        results = []
        for row_id in ids:
            try:
                result = self.pipeline.process_received(row_id, self.holder)
            except Exception:  # recorded by the claim running out; the loop goes on
                log.exception("message %s could not be processed", row_id)
                continue
            if result is not None:
                results.append(result)
        return results

    def drain(self) -> int:
        """Receive, process and acknowledge until nothing is left (``run --once``)."""
        total = 0
        watcher = self.watch()
        while True:
            got = self.receive(limit=200) if watcher else 0
            done = self.process(limit=50)
            total += len(done)
            if watcher:
                self.acknowledge()
            if not got and not done:
                return total


def single_process_lock(database_url: str) -> IO[str] | None:
    """Refuse a second ``mailbot run`` on one SQLite database; the lock lives as long as the file."""
    if not database_url.startswith("sqlite"):
        return None
    path = database_url.split("///", 1)[1] if "///" in database_url else ""
    if not path or path == ":memory:":
        return None
    lock_path = Path(path + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.seek(0)
        other = handle.read().strip() or "another process"
        handle.close()
        raise ConfigError(
            f"[database] url: {path} is already used by a running mailbot ({other}); SQLite "
            "serves one process: use PostgreSQL to run several workers"
        ) from exc
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}")
    handle.flush()
    return handle
