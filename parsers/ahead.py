"""Reading the next message in a worker process while the caller works on this one.

The caller (the daemon) spends most of a message's time in the database; the reading is
pure CPU. ``ReadAhead.readings`` keeps one message in a warm worker process (the same
kind as ``isolate``'s, under the same memory limit) while the caller handles the one
before it, so a machine with two cores reads and writes at once. One request is in
flight at a time: a request is sent only after the previous reply was received, so the
two sides can never both block writing to each other.

The first message of a batch is read here,
so a single message never waits for the worker to start.

Whatever goes wrong in the worker (a crash, the memory limit, a message that takes longer
than ``reader_seconds`` in all) costs nothing but time: the worker is stopped and that
message is read here with ``read`` as usual (heavy readers isolated one by one).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TypeVar

from .isolate import Worker
from .options import ReadOptions
from .reader import read, read_or_raise
from .record import Reading

log = logging.getLogger(__name__)

T = TypeVar("T")
_START_SECONDS = 20.0  # a fresh worker imports the readers before its first reply


def read_in_worker(raw: bytes, options: ReadOptions) -> Reading:  # pragma: no cover - worker
    """The whole read in the worker: the worker itself is the isolation. Anything unexpected
    (the memory limit, a reader bug) is raised, so the caller reads the message itself."""
    return read_or_raise(raw, replace(options, isolate_heavy_readers=False))


class ReadAhead:
    def __init__(self, options: ReadOptions) -> None:
        self.options = options
        self._worker: Worker | None = None
        self._fresh = False

    def readings(
        self, items: Iterable[T], raw_of: Callable[[T], bytes]
    ) -> Iterator[tuple[T, Reading]]:
        """Each item with its reading, in order; the next item is read while this one is used.

        The first item is read here (a lone message never waits for a worker to start).
        """
        source = iter(items)
        current = next(source, None)
        owed = False  # the worker holds the current item
        try:
            while current is not None:
                following = next(source, None)
                reading = self._reply(raw_of(current)) if owed else None
                owed = following is not None and self._send(raw_of(following))
                if reading is None:
                    reading = read(raw_of(current), self.options)
                yield current, reading
                current = following
        finally:
            if owed:  # the consumer stopped early: nobody will read the reply that is owed
                self.close()

    def close(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def _send(self, raw: bytes) -> bool:
        limits = self.options.limits
        if self._worker is None or not self._worker.alive():
            self.close()
            self._worker, self._fresh = Worker(limits.reader_memory_mb), True
        try:
            self._worker.conn.send((read_in_worker, (raw, self.options)))
        except (OSError, ValueError):
            self.close()
            return False
        return True

    def _reply(self, raw: bytes) -> Reading | None:
        worker = self._worker
        if worker is None:
            return None
        seconds = self.options.limits.reader_seconds + (_START_SECONDS if self._fresh else 0.0)
        try:
            reply = worker.conn.recv() if worker.conn.poll(seconds) else None
        except (EOFError, OSError):
            reply = None
        self._fresh = False
        if reply is not None and reply[0] == "ok" and isinstance(reply[1], Reading):
            return reply[1]
        log.warning("the read-ahead worker failed on a message (%d bytes): read here", len(raw))
        self.close()
        return None
