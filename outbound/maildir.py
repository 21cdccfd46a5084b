"""A Sender that delivers into a local Maildir: the embedded default outbox.

Each message's file name is derived from its Message-ID, so a second ``send`` of the
same message (after a crash between sending and marking it sent) finds the first one
and does nothing. A small sidecar index (``.mailbot-sent``, one Message-ID per line)
remembers what was sent even after a mail client moves or deletes the files; it is
read once when the sender is made, so ``already_sent`` is a set lookup.

Files are written with LF line ends, as Maildir readers expect.
"""

from __future__ import annotations

import hashlib
import mailbox
import os
from pathlib import Path

from outbound.ids import bare_id
from outbound.sender import Envelope, SendError

INDEX = ".mailbot-sent"


class MaildirSender:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            mailbox.Maildir(self.path, create=True)
        except OSError as exc:
            raise SendError(
                f"cannot create the outbox Maildir {self.path}: {exc}", permanent=False
            ) from exc
        self._index_path = self.path / INDEX
        self._sent: set[str] = set()
        if self._index_path.exists():
            text = self._index_path.read_text(encoding="utf-8", errors="replace")
            self._sent.update(line.strip() for line in text.splitlines() if line.strip())

    @staticmethod
    def _name(message_id: str) -> str:
        return "mailbot." + hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:40]

    def _on_disk(self, name: str) -> bool:
        if (self.path / "new" / name).exists():
            return True
        cur = self.path / "cur"
        return (cur / name).exists() or (cur / f"{name}:2,").exists()

    def already_sent(self, message_id: str) -> bool | None:
        key = bare_id(message_id)
        return key in self._sent or self._on_disk(self._name(key))

    def send(self, raw: bytes, envelope: Envelope, message_id: str) -> None:
        key = bare_id(message_id)
        if key in self._sent:
            return
        name = self._name(key)
        try:
            if not self._on_disk(name):
                tmp = self.path / "tmp" / name
                with open(tmp, "wb") as out:
                    out.write(raw.replace(b"\r\n", b"\n"))
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, self.path / "new" / name)
            with open(self._index_path, "a", encoding="utf-8") as index:
                index.write(key + "\n")
                index.flush()
                os.fsync(index.fileno())
        except OSError as exc:
            raise SendError(f"cannot write to the outbox Maildir: {exc}", permanent=False) from exc
        self._sent.add(key)

    def close(self) -> None:
        return None
