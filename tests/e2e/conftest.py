"""End-to-end fixtures: the daemon against real Dovecot (IMAP) and a real SMTP receiver (aiosmtpd)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from imapclient import IMAPClient

from mailbot.app import build
from mailbot.registry import import_tracker
from mailbot.settings import load
from tests.conftest import need_server, write_settings
from tests.core.helpers import write_tracker


@dataclass
class Receiver:
    """An SMTP server that keeps every message it accepts."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.content if isinstance(envelope.content, bytes) else b""
        msg = message_from_bytes(data, policy=policy.default)
        with self.lock:
            self.messages.append(msg)  # type: ignore[arg-type]
        return "250 OK"

    def of_kind(self, kind: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["X-Mailbot-Kind"] == kind]

    def wait_for(self, kind: str, count: int, timeout: float = 60) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.of_kind(kind)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        return self.of_kind(kind)


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, int]]:
    handler = Receiver()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@dataclass
class Imap:
    port: int
    user: str = "bob"
    password: str = "bobpw"
    folder: str = field(default_factory=lambda: f"E{uuid.uuid4().hex[:10]}")

    def client(self) -> IMAPClient:
        c = IMAPClient("127.0.0.1", self.port, ssl=False, timeout=30)
        c.login(self.user, self.password)
        return c

    def append(self, raws: list[bytes]) -> None:
        with self.client() as c:
            for raw in raws:
                c.append(self.folder, raw)

    def count(self, folder: str | None = None) -> int:
        with self.client() as c:
            return int(c.select_folder(folder or self.folder, readonly=True)[b"EXISTS"])


@pytest.fixture
def imap() -> Iterator[Imap]:
    box = Imap(int(need_server("MAILTEST_IMAP_PORT", "Dovecot")))
    with box.client() as c:
        c.create_folder(box.folder)
    yield box
    with box.client() as c:
        for name in (f"{box.folder}/Processed", f"{box.folder}/Exceptions", box.folder):
            if c.folder_exists(name):
                c.delete_folder(name)


@pytest.fixture
def workspace_e2e(
    tmp_path: Path, imap: Imap, receiver: tuple[Receiver, int]
) -> Callable[..., Path]:
    """A workspace whose mailbox is the Dovecot folder and whose sender is the SMTP receiver."""

    def make(password: str | None = None, db_url: str | None = None, **extra: object) -> Path:
        write_settings(
            tmp_path, db_url,
            mailbox={"kind": "imap", "host": "127.0.0.1", "port": imap.port, "security": "none",
                     "username": imap.user, "folder": imap.folder, "poll_seconds": 5,
                     "processed_folder": f"{imap.folder}/Processed",
                     "exceptions_folder": f"{imap.folder}/Exceptions",
                     "password_file": str(tmp_path / "pw")},
            outbound={"kind": "smtp", "host": "127.0.0.1", "port": receiver[1],
                      "security": "none", "auth": "none"},
            **extra,  # type: ignore[arg-type]
        )  # fmt: skip
        (tmp_path / "pw").write_text(password or imap.password)
        settings = load(tmp_path / "mailbot.toml", {})
        if db_url:
            from mailbot.app import open_database

            open_database(settings, migrate=True)
        import_tracker(build(settings), write_tracker(tmp_path))
        return tmp_path

    return make


def daemon(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mailbot.cli", "--config", str(root / "mailbot.toml"), "run", *args],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_once(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mailbot.cli",
            "--config",
            str(root / "mailbot.toml"),
            "run",
            "--once",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
