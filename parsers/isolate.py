"""Running heavy readers (PDF, OCR, legacy Word) where they can be stopped.

One warm worker process (a fresh interpreter, so it shares no state with the caller) runs
one reader call at a time under an address-space limit (RLIMIT_AS). If a call runs past its
time limit the worker is killed and the next call starts a fresh one; if it dies (memory,
a crash in a C library) the call is reported, never raised.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .document import DocText
from .errors import ReaderFailure
from .record import ProblemKind

Reader = Callable[..., DocText]


def serve(fd: int, memory_mb: int) -> None:  # pragma: no cover - runs in the worker
    """The worker's loop: receive (reader, args), send back a tagged result."""
    conn = Connection(fd)
    try:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass
    while True:
        try:
            func, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", func(*args))
        except ReaderFailure as exc:
            reply = ("fail", (exc.kind.value, exc.detail))
        except MemoryError:
            reply = ("memory", None)
        except Exception as exc:
            reply = ("error", type(exc).__name__)
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


_ROOT = str(Path(__file__).resolve().parents[1])


class Worker:
    """A fresh interpreter serving (function, args) calls one at a time under a memory limit."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        ours, theirs = socket.socketpair()
        code = (
            f"import sys; sys.path.insert(0, {_ROOT!r}); "
            f"from parsers.isolate import serve; serve({theirs.fileno()}, {int(memory_mb)})"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )
        theirs.close()
        self.conn = Connection(ours.detach())

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        self.conn.close()


_lock = threading.Lock()
_worker: Worker | None = None


def _get(memory_mb: int) -> Worker:
    global _worker
    if _worker is not None and (_worker.memory_mb != memory_mb or not _worker.alive()):
        _worker.stop()
        _worker = None
    if _worker is None:
        _worker = Worker(memory_mb)
    return _worker


def _discard() -> None:
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None


def shutdown() -> None:
    """Stop the warm worker (tests and the daemon's shutdown call this)."""
    with _lock:
        _discard()


_START_SECONDS = 20.0  # a fresh worker must import the readers before its first call


def run(func: Reader, args: tuple[Any, ...], seconds: float, memory_mb: int) -> DocText:
    """func(*args) in the worker, within seconds and memory_mb; failures raise ReaderFailure."""
    with _lock:
        fresh = _worker is None or not _worker.alive() or _worker.memory_mb != memory_mb
        worker = _get(memory_mb)
        try:
            worker.conn.send((func, args))
            ready = worker.conn.poll(seconds + (_START_SECONDS if fresh else 0.0))
            reply = worker.conn.recv() if ready else None
        except (EOFError, OSError, BrokenPipeError):
            _discard()
            raise ReaderFailure(
                ProblemKind.TIMEOUT,
                f"the reader stopped: it ran past its {memory_mb} MB memory limit or crashed",
            ) from None
        if reply is None:
            _discard()
            raise ReaderFailure(
                ProblemKind.TIMEOUT,
                f"reading took longer than {seconds:.0f} seconds and was stopped",
            )
    status, value = reply
    if status == "ok" and isinstance(value, DocText):
        return value
    if status == "fail":
        kind, detail = value
        raise ReaderFailure(ProblemKind(kind), detail)
    if status == "memory":
        with _lock:
            _discard()
        raise ReaderFailure(
            ProblemKind.TIMEOUT, f"reading needed more than {memory_mb} MB and was stopped"
        )
    raise ReaderFailure(ProblemKind.CORRUPT, f"the file could not be read ({value})")
