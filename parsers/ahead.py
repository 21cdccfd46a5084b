"""Reading the next messages in a worker process while the caller works on this one.

The caller (the daemon) spends most of a message's time in the database; the reading is
pure CPU. ``ReadAhead.readings`` keeps up to ``DEPTH`` messages (at most ``MAX_BYTES``) queued
for a warm worker process (the same kind as ``isolate``'s, under the same memory limit) while
the caller handles the ones before them, so a machine with two cores reads and writes at
once. A thread carries the requests to the worker one at a time, each reply received before
the next request is sent, so the two sides never both block writing to each other.

Readings come back in the order of the items. When the caller would otherwise wait (the
worker is busy with a slow message, a scan going through OCR), it reads the message furthest
ahead in the queue itself, so neither side sits idle while the other has work. The first item
is read here, so a single message never waits for the worker to start.

Whatever goes wrong in the worker (a crash, the memory limit, a message that takes longer
than ``reader_seconds`` in all) costs nothing but time: the worker is stopped and that
message is read here with ``read`` as usual (heavy readers isolated one by one).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TypeVar

from .isolate import Worker
from .options import ReadOptions
from .reader import read, read_or_raise
from .record import Reading

log = logging.getLogger(__name__)

T = TypeVar("T")
DEPTH = 16  # messages read ahead at most ...
MAX_BYTES = 64 * 1024 * 1024  # ... and their size together
_START_SECONDS = 20.0  # a fresh worker imports the readers before its first reply


def read_in_worker(raw: bytes, options: ReadOptions) -> Reading:  # pragma: no cover - worker
    """The whole read in the worker: the worker itself is the isolation. Anything unexpected
    (the memory limit, a reader bug) is raised, so the caller reads the message itself."""
    return read_or_raise(raw, replace(options, isolate_heavy_readers=False))


class _Lane:
    """Messages waiting to be read (the worker takes the oldest, the caller the newest) and
    the readings done, by position; ``None`` marks a reading the worker could not do."""

    def __init__(self) -> None:
        self.waiting: deque[tuple[int, bytes]] = deque()
        self.done: dict[int, Reading | None] = {}
        self.closed = False
        self.changed = threading.Condition()

    def oldest(self) -> tuple[int, bytes] | None:
        with self.changed:
            while not self.waiting and not self.closed:
                self.changed.wait()
            return None if self.closed else self.waiting.popleft()

    def newest(self) -> tuple[int, bytes] | None:
        with self.changed:
            return self.waiting.pop() if self.waiting else None

    def put(self, index: int, reading: Reading | None) -> None:
        with self.changed:
            self.done[index] = reading
            self.changed.notify_all()

    def add(self, index: int, raw: bytes) -> None:
        with self.changed:
            self.waiting.append((index, raw))
            self.changed.notify_all()

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()


class ReadAhead:
    def __init__(self, options: ReadOptions) -> None:
        self.options = options
        self._worker: Worker | None = None
        self._fresh = False
        self.read_here = 0  # messages the caller read itself (first ones, while waiting, failed)

    def readings(
        self, items: Iterable[T], raw_of: Callable[[T], bytes]
    ) -> Iterator[tuple[T, Reading]]:
        """Each item with its reading, in order; later items are read while this one is used."""
        source = iter(items)
        first = next(source, None)
        if first is None:
            return
        lane = _Lane()
        carrier = threading.Thread(target=self._carry, args=(lane,), daemon=True)
        ahead: deque[tuple[int, T, int]] = deque()  # read ahead, in order: (index, item, size)

        def top_up() -> None:
            size = sum(n for _, _, n in ahead)
            while len(ahead) < DEPTH and size < MAX_BYTES:
                item = next(source, None)
                if item is None:
                    return
                raw = raw_of(item)
                index = ahead[-1][0] + 1 if ahead else 1
                ahead.append((index, item, len(raw)))
                lane.add(index, raw)
                size += len(raw)
                if not carrier.is_alive():
                    carrier.start()

        try:
            top_up()
            yield first, self._read(raw_of(first))
            while ahead:
                index, item, _ = ahead.popleft()
                reading = self._wait(lane, index)
                top_up()
                yield item, reading or self._read(raw_of(item))
        finally:
            lane.close()
            if carrier.is_alive():
                if ahead:  # the consumer stopped early: the worker's work is not wanted
                    self.close()
                carrier.join()

    def _wait(self, lane: _Lane, index: int) -> Reading | None:
        """The reading at ``index``; meanwhile the newest waiting message is read here."""
        while True:
            with lane.changed:
                if index in lane.done:
                    return lane.done.pop(index)
            newest = lane.newest()
            if newest is not None:
                lane.put(newest[0], self._read(newest[1]))
                continue
            with lane.changed:
                lane.changed.wait_for(lambda: index in lane.done)

    def _read(self, raw: bytes) -> Reading:
        self.read_here += 1
        return read(raw, self.options)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def _carry(self, lane: _Lane) -> None:
        while (job := lane.oldest()) is not None:
            lane.put(job[0], self._round_trip(job[1]))

    def _round_trip(self, raw: bytes) -> Reading | None:
        limits = self.options.limits
        if self._worker is None or not self._worker.alive():
            self.close()
            self._worker, self._fresh = Worker(limits.reader_memory_mb), True
        worker = self._worker
        seconds = limits.reader_seconds + (_START_SECONDS if self._fresh else 0.0)
        try:
            worker.conn.send((read_in_worker, (raw, self.options)))
            reply = worker.conn.recv() if worker.conn.poll(seconds) else None
        except (EOFError, OSError, ValueError):
            reply = None
        self._fresh = False
        if reply is not None and reply[0] == "ok" and isinstance(reply[1], Reading):
            return reply[1]
        log.warning("the read-ahead worker failed on a message (%d bytes): read here", len(raw))
        self.close()
        return None
