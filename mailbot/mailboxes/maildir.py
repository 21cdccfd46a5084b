"""The embedded default mailbox: a local Maildir, with done mail moved into Maildir++ sub-folders.

Position is the Maildir key (the file name before ``:2,``). ``acknowledge`` renames the file into
``.Processed/cur`` (or ``.Exceptions/cur`` when the outcome is ``"exception"``), which is atomic on
one file system, so a crash leaves the message either still new or already done, never both.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from mailbot.errors import MailboxError
from mailbot.mailboxes.base import Backlog, Incoming

log = logging.getLogger(__name__)

_SUBDIRS = ("tmp", "new", "cur")


def ensure_maildir(path: Path, *, folder: bool = False) -> None:
    """Create ``path`` as a Maildir (tmp/new/cur) if it is not one yet."""
    for sub in _SUBDIRS:
        (path / sub).mkdir(parents=True, exist_ok=True)
    if folder:
        (path / "maildirfolder").touch(exist_ok=True)


@dataclass(frozen=True)
class _Entry:
    key: str
    path: Path
    mtime_ns: int


def _key_of(filename: str) -> str:
    return filename.split(":", 1)[0]


class MaildirMailbox:
    """A Maildir read oldest first; acknowledged mail moved into a sub-folder for its outcome."""

    def __init__(
        self,
        name: str,
        path: str | os.PathLike[str],
        processed_folder: str = "Processed",
        exceptions_folder: str = "Exceptions",
        *,
        poll_interval: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.path = Path(path)
        self._folders = {"processed": processed_folder, "exception": exceptions_folder}
        self._poll_interval = poll_interval
        self._sleep = sleep
        self._monotonic = monotonic
        try:
            ensure_maildir(self.path)
        except OSError as exc:
            raise MailboxError(f"mailbox {name!r}: cannot use Maildir {self.path}: {exc}") from exc
        self._seen_stamp = self._stamp()
        self._waiting = Backlog()

    # -- reading -------------------------------------------------------------------------------

    def _stamp(self) -> tuple[int, int, int]:
        """A cheap fingerprint of new/ and cur/: their modification times and new/'s size.

        The count guards against coarse directory timestamps (a delivery in the same clock tick
        as the previous change leaves the time unchanged but adds a file).
        """
        try:
            return (
                os.stat(self.path / "new").st_mtime_ns,
                os.stat(self.path / "cur").st_mtime_ns,
                len(os.listdir(self.path / "new")),
            )
        except OSError:
            return (0, 0, 0)

    def _entries(self) -> list[_Entry]:
        found: list[_Entry] = []
        for sub in ("new", "cur"):
            try:
                names = os.listdir(self.path / sub)
            except OSError as exc:
                raise MailboxError(f"mailbox {self.name!r}: cannot list {sub}/: {exc}") from exc
            for filename in names:
                if filename.startswith("."):
                    continue
                file_path = self.path / sub / filename
                try:
                    mtime = os.stat(file_path).st_mtime_ns
                except FileNotFoundError:  # taken by someone else meanwhile
                    continue
                found.append(_Entry(_key_of(filename), file_path, mtime))
        found.sort(key=lambda e: (e.mtime_ns, e.key))
        return found

    def fetch(self, limit: int | None = None) -> Iterator[Incoming]:
        """New messages (in new/ and cur/) not yet acknowledged, oldest first."""
        self._seen_stamp = self._stamp()
        entries = self._entries()
        self._waiting.count = len(entries)  # new/ and cur/ hold only what is not yet acknowledged
        count = 0
        for entry in entries:
            if limit is not None and count >= limit:
                return
            try:
                raw = entry.path.read_bytes()
            except FileNotFoundError:
                self._waiting.acknowledged()  # taken by someone else meanwhile
                continue
            except OSError as exc:
                raise MailboxError(f"mailbox {self.name!r}: cannot read a message: {exc}") from exc
            count += 1
            yield Incoming(position=entry.key, raw=raw)

    # -- acknowledging -------------------------------------------------------------------------

    def folder_path(self, outcome: str) -> Path:
        """The Maildir++ sub-folder that receives messages with this outcome."""
        folder = self._folders["exception" if outcome == "exception" else "processed"]
        return self.path / f".{folder}"

    def _find(self, key: str) -> Path | None:
        for sub in ("new", "cur"):
            directory = self.path / sub
            exact = directory / key
            if exact.exists():
                return exact
            try:
                for filename in os.listdir(directory):
                    if _key_of(filename) == key:
                        return directory / filename
            except OSError:
                continue
        return None

    def acknowledge(self, position: str, outcome: str) -> None:
        """Move the message into the sub-folder for its outcome; a no-op if it is already gone."""
        if "/" in position or position.startswith("."):
            raise MailboxError(f"mailbox {self.name!r}: not a Maildir key: {position!r}")
        source = self._find(position)
        if source is None:
            log.debug("maildir %s: %s already acknowledged", self.name, position)
            return
        target_dir = self.folder_path(outcome)
        try:
            ensure_maildir(target_dir, folder=True)
            flags = source.name.split(":2,", 1)[1] if ":2," in source.name else ""
            if "S" not in flags:
                flags = "".join(sorted(flags + "S"))
            os.replace(source, target_dir / "cur" / f"{position}:2,{flags}")
            self._waiting.acknowledged()
        except FileNotFoundError:
            log.debug("maildir %s: %s moved by someone else", self.name, position)
        except OSError as exc:
            raise MailboxError(
                f"mailbox {self.name!r}: cannot move a message to {target_dir.name}: {exc}"
            ) from exc

    def backlog(self) -> int | None:
        """Messages in new/ and cur/ at the last fetch, less those moved out since."""
        return self._waiting.count

    # -- waiting -------------------------------------------------------------------------------

    def wait(self, timeout: float) -> bool:
        """Poll the directories' modification times until they change or ``timeout`` passes."""
        deadline = self._monotonic() + max(timeout, 0.0)
        while True:
            if self._stamp() != self._seen_stamp:
                return True
            remaining = deadline - self._monotonic()
            if remaining <= 0:
                return False
            self._sleep(min(self._poll_interval, remaining))

    def close(self) -> None:
        """Nothing to release."""
