"""Fixtures for the mailbox adapters: the loopback Dovecot started by scripts/test, cursors."""

from __future__ import annotations

import os
import ssl
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from imapclient import IMAPClient


@dataclass
class MemoryCursors:
    """A CursorStore in memory (the bot's real one lives in the database)."""

    states: dict[str, dict[str, str]] = field(default_factory=dict)
    saves: int = 0

    def load(self, mailbox: str) -> dict[str, str]:
        return dict(self.states.get(mailbox, {}))

    def save(self, mailbox: str, state: dict[str, str]) -> None:
        self.saves += 1
        self.states[mailbox] = dict(state)


@dataclass(frozen=True)
class Dovecot:
    host: str
    port: int
    imaps_port: int
    root: Path
    introspect_port: int = 10180  # where its oauth2 passdb asks about tokens (the test serves it)

    @property
    def cafile(self) -> str:
        return str(self.root / "dovecot" / "ssl" / "cert.pem")

    def admin(self, user: str = "alice", password: str = "alicepw") -> IMAPClient:
        """A second connection, as another mail client would open it."""
        client = IMAPClient(self.host, self.port, ssl=False, timeout=30)
        client.login(user, password)
        return client


def make_message(subject: str, body: str = "Record of visit: all well.") -> bytes:
    msg = EmailMessage()
    msg["From"] = "school.nurse@school.example"
    msg["To"] = "mecc@council.example"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@school.example>"
    msg.set_content(body)
    return msg.as_bytes()


@pytest.fixture(scope="session")
def dovecot() -> Dovecot:
    port = os.environ.get("MAILTEST_IMAP_PORT")
    if not port:
        if os.environ.get("CI"):
            pytest.fail("MAILTEST_IMAP_PORT is not set: the CI run must start Dovecot")
        pytest.skip("needs Dovecot: run scripts/test")
    return Dovecot(
        host="127.0.0.1",
        port=int(port),
        imaps_port=int(os.environ.get("MAILTEST_IMAPS_PORT", "10993")),
        root=Path(os.environ.get("MAILTEST_ROOT", "/tmp/mailtest")),
        introspect_port=int(os.environ.get("MAILTEST_OAUTH_INTROSPECT_PORT", "10180")),
    )


@pytest.fixture
def folder(dovecot: Dovecot) -> Iterator[str]:
    """A fresh folder of alice's for one test (tests never share mail); removed afterwards."""
    name = f"T{uuid.uuid4().hex[:10]}"
    with dovecot.admin() as admin:
        admin.create_folder(name)
    yield name
    with dovecot.admin() as admin:
        for existing in admin.list_folders(pattern=f"{name}*"):
            admin.delete_folder(existing[2])


@pytest.fixture
def cursors() -> MemoryCursors:
    return MemoryCursors()


def tls_context(cafile: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cafile)
