"""The outbox worker in a child process of ``mailbot run``.

Sending is kept apart from reading mail so that a crash of the daemon (a reader running out
of memory, a kill) can never cut a send in half: when the parent dies, the kernel sends the
child SIGTERM (Linux ``PR_SET_PDEATHSIG``), and the child finishes the email in hand, records
it as sent, and exits. What remains is a crash of the whole machine between the provider's
acceptance and the commit, which only SMTP cannot recover (see docs/mailboxes.md).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import signal
import sys
from multiprocessing.synchronize import Event
from typing import IO

from mailbot.clock import Clock
from mailbot.settings import Settings

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
INTERVAL = 5.0  # seconds between passes when nothing wakes the worker


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _run(
    settings: Settings, clock: Clock | None, holder: str, wake: Event, stop: Event,
    inherited: IO[str] | None,
) -> None:  # fmt: skip
    if inherited is not None:
        inherited.close()  # the parent's single-process lock is the parent's alone
    _die_with_parent()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from mailbot.app import build
    from mailbot.outbox import OutboxWorker
    from mailbot.wiring import make_sender_from

    deps = build(settings, clock)
    sender = make_sender_from(settings)
    worker = OutboxWorker(deps, sender, holder)
    try:
        while not stop.is_set():
            try:
                while not stop.is_set() and worker.run_once():
                    pass
            except Exception:  # each failure is recorded on its row; this guards the loop
                log.exception("outbox worker failed; retrying")
            wake.wait(INTERVAL)
            wake.clear()
    finally:
        sender.close()


class SenderProcess:
    """Start with ``start()``; ``wake()`` after queueing mail; ``stop()`` to finish and join."""

    def __init__(
        self, settings: Settings, clock: Clock | None, holder: str, inherited: IO[str] | None
    ) -> None:
        context = multiprocessing.get_context("fork")
        self._wake = context.Event()
        self._stop = context.Event()
        self._process = context.Process(
            target=_run,
            args=(settings, clock, holder, self._wake, self._stop, inherited),
            name="mailbot-outbox",
            daemon=False,
        )

    def start(self) -> None:
        self._process.start()

    def wake(self) -> None:
        self._wake.set()

    def alive(self) -> bool:
        return self._process.is_alive()

    def stop(self, timeout: float = 60.0) -> None:
        self._stop.set()
        self._wake.set()
        self._process.join(timeout)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)
