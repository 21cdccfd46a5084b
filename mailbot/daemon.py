"""``mailbot run``: watch the mailbox, process each message in its own transaction, send the outbox.

A failure with one message is recorded and never stops the others; a mailbox that cannot
be reached is logged, recorded for ``mailbot status`` and retried, and never stops the
outbox or the scheduler.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import IO

from mailbot.app import build
from mailbot.clock import Clock
from mailbot.context import Deps
from mailbot.cursors import DbCursorStore
from mailbot.errors import MailboxError
from mailbot.mailboxes.base import Incoming, Mailbox
from mailbot.model import Outcome
from mailbot.ops import metrics
from mailbot.outbox import OutboxWorker
from mailbot.pipeline import Pipeline, Result
from mailbot.schedule.runner import SchedulerRunner
from mailbot.sender_process import SenderProcess
from mailbot.settings import Settings
from mailbot.wiring import make_mailbox_from, make_sender_from
from mailbot.workers import SharedWork, single_process_lock
from outbound.sender import Sender
from parsers.ahead import ReadAhead
from parsers.isolate import shutdown as shutdown_readers
from parsers.record import Reading
from store import outbox

log = logging.getLogger(__name__)

STOP_CHECK = 5.0  # the longest a mailbox wait blocks before the loop looks at the stop flag


@dataclass
class Daemon:
    deps: Deps
    mailbox: Mailbox
    sender: Sender
    cursors: DbCursorStore
    stop: threading.Event = field(default_factory=threading.Event)
    clock_override: Clock | None = None
    outbox_process: SenderProcess | None = None
    holder: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    ahead: ReadAhead | None = None

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock | None = None) -> Daemon:
        deps = build(settings, clock)
        cursors = DbCursorStore(deps.sessions, deps.clock)
        return cls(
            deps,
            make_mailbox_from(settings, cursors),
            make_sender_from(settings),
            cursors,
            clock_override=clock,
        )

    @property
    def pipeline(self) -> Pipeline:
        return Pipeline(self.deps)

    def process_mailbox(self, limit: int | None = None) -> list[tuple[str, Result]]:
        """Process what the mailbox holds; (position, result) for each message."""
        done: list[tuple[str, Result]] = []
        pipeline = self.pipeline
        name = self.mailbox.name
        if self.ahead is None and self.deps.settings.workers.read_ahead:
            self.ahead = ReadAhead(self.deps.read_options)
        try:
            for incoming, reading in self._readings(self.mailbox.fetch(limit)):
                if self.stop.is_set():
                    break
                try:
                    result = pipeline.process(
                        incoming.raw, mailbox=name, position=incoming.position, reading=reading
                    )
                except Exception:  # recorded; the loop goes on with the next message
                    log.exception("message at %s could not be processed", incoming.position)
                    continue
                done.append((incoming.position, result))
                self.mailbox.acknowledge(incoming.position, result.outcome.value)
            self.cursors.fetched(name, backlog=self.mailbox.backlog())
            metrics.observe_fetch(name, True, self.deps.clock.now())
        except MailboxError as exc:
            log.error("mailbox %s: %s", name, exc)
            self.cursors.fetched(name, str(exc))
            metrics.observe_fetch(name, False, self.deps.clock.now())
        return done

    def _readings(self, items: Iterable[Incoming]) -> Iterator[tuple[Incoming, Reading | None]]:
        if self.ahead is None:
            return ((incoming, None) for incoming in items)
        return self.ahead.readings(items, lambda incoming: incoming.raw)

    def close(self) -> None:
        """Close the mailbox, the sender and the reader processes."""
        self.mailbox.close()
        self.sender.close()
        if self.ahead is not None:
            self.ahead.close()
        shutdown_readers()

    def send_outbox(self) -> int:
        return OutboxWorker(self.deps, self.sender, self.holder).drain()

    @property
    def shared(self) -> bool:
        """Several workers may share this database (PostgreSQL)."""
        return self.deps.settings.database.url.startswith("postgresql")

    def run_once(self) -> dict[str, int]:
        counts = {o.value: 0 for o in Outcome}
        lock = self._start()
        try:
            if self.shared:
                counts["processed"] = SharedWork(self.pipeline, self.mailbox, self.holder).drain()
            else:
                for _, result in self.process_mailbox():
                    counts[result.outcome.value] += 1
            counts["sent"] = self.send_outbox()
        finally:
            if lock is not None:
                lock.close()
        return counts

    def _start(self) -> IO[str] | None:
        """SQLite: take the single-process lock; whatever a dead predecessor was sending is
        claimable again at once (the provider is asked first, see mailbot/outbox.py)."""
        lock = single_process_lock(self.deps.settings.database.url)
        if lock is not None:
            with self.deps.sessions() as session:
                if outbox.release_claims(session, self.deps.clock.now()):
                    log.warning("emails a stopped mailbot was sending will be checked and sent")
                session.commit()
        return lock

    def _wake(self) -> None:
        if self.outbox_process is not None:
            self.outbox_process.wake()

    def run_forever(self, *, scheduler: bool = True) -> None:
        def _stop(signum: int, frame: FrameType | None) -> None:
            self.stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        lock = self._start()
        poll = self.deps.settings.mailbox.poll_seconds
        # The sender is forked first, before any thread or connection it must not share.
        self.deps.sessions.kw["bind"].dispose()
        self.outbox_process = SenderProcess(
            self.deps.settings, self.clock_override, self.holder, lock
        )
        self.outbox_process.start()
        runner = SchedulerRunner(self.deps, self.holder) if scheduler else None
        if runner is not None:
            runner.start()
        log.warning("mailbot running: mailbox %s", self.mailbox.name)
        try:
            if self.shared:
                self._shared_loop(poll)
            while not self.stop.is_set():
                if self.process_mailbox():
                    self._wake()
                if self.stop.is_set():
                    break
                try:
                    self.mailbox.wait(min(poll, STOP_CHECK))
                except MailboxError as exc:
                    log.error("mailbox %s: %s", self.mailbox.name, exc)
                    self.cursors.fetched(self.mailbox.name, str(exc))
                    self.stop.wait(min(poll, 30.0))
        finally:
            self.stop.set()
            if runner is not None:
                runner.shutdown()
            self.outbox_process.stop()
            self.close()
            if lock is not None:
                lock.close()

    def _shared_loop(self, poll: float) -> None:
        """Several workers on PostgreSQL: watch the mailbox when holding its lease; always
        process what is received; until stopped."""
        work = SharedWork(self.pipeline, self.mailbox, self.holder)
        watcher = False
        try:
            while not self.stop.is_set():
                try:
                    watcher = work.watch()
                    if watcher:
                        work.receive()
                        work.acknowledge()
                        self.cursors.fetched(self.mailbox.name, backlog=self.mailbox.backlog())
                        metrics.observe_fetch(self.mailbox.name, True, self.deps.clock.now())
                except MailboxError as exc:
                    log.error("mailbox %s: %s", self.mailbox.name, exc)
                    self.cursors.fetched(self.mailbox.name, str(exc))
                    metrics.observe_fetch(self.mailbox.name, False, self.deps.clock.now())
                done = work.process()
                if done:
                    self._wake()
                    continue
                if watcher:
                    try:
                        self.mailbox.wait(min(poll, 2.0))
                    except MailboxError:
                        self.stop.wait(1.0)
                else:
                    self.stop.wait(0.5)
        finally:
            if watcher:
                work.release()
