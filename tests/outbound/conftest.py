"""Fixtures for outbound: the templates, a stamp, and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from outbound.templates import Templates
from outbound.values import Stamp
from tests.fakes.token_server import make_certificate

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "config" / "templates"
MAILBOX = "mecc@exampleshire.gov.uk"
USER, PASSWORD, TOKEN = "mecc-sender", "correct horse battery", "token-abc.123"


@pytest.fixture(scope="session")
def templates() -> Templates:
    return Templates.load(
        TEMPLATES,
        council_name="Exampleshire County Council",
        mailbox_address=MAILBOX,
        signature="MECC Business Support",
    )


@pytest.fixture
def stamp() -> Stamp:
    return Stamp(
        message_id="mecc.out1@exampleshire.gov.uk",
        date=dt.datetime(2026, 3, 10, 16, 5, tzinfo=dt.UTC),
        in_reply_to="<partner.reply.9@school.example.org>",
        references=("mecc.alert1@exampleshire.gov.uk",),
    )


# -- a real SMTP server ---------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost, made for this run."""
    cert, key = make_certificate(tmp_path_factory.mktemp("tls"))
    return Certificate(cert, key)


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    data: bytes


@dataclass
class Handler:
    """Accepts everyone except ``reject*`` (550) and ``later*`` (451) recipients."""

    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.startswith("reject"):
            return "550 5.1.1 No such user here"
        if address.startswith("later"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.original_content, bytes)
        self.received.append(
            Received(str(envelope.mail_from), list(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 Message accepted"

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        import base64

        text = base64.b64decode(args[1]).decode() if len(args) > 1 else ""
        if text == f"user={USER}\x01auth=Bearer {TOKEN}\x01\x01":
            self.logins.append("XOAUTH2")
            return AuthResult(success=True)
        await server.challenge_auth('{"status":"401"}', encode_to_b64=True)
        return AuthResult(success=False, handled=False)


def _authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: Handler
    controller: Controller


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def smtp_server(certificate: Certificate) -> Iterator[Callable[..., SmtpServer]]:
    """Start a loopback SMTP server: ``plain``, ``starttls`` (AUTH required) or ``tls``."""
    started: list[Controller] = []

    def start(mode: str = "plain") -> SmtpServer:
        handler = Handler()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certificate.cert, certificate.key)
        kwargs: dict[str, Any] = {}
        if mode == "starttls":
            kwargs = dict(
                tls_context=context,
                require_starttls=True,
                auth_required=True,
                authenticator=_authenticator,
            )
        elif mode == "tls":
            kwargs = dict(ssl_context=context, auth_require_tls=False, authenticator=_authenticator)
        port = _free_port()
        controller = Controller(
            handler, hostname="127.0.0.1", port=port, ready_timeout=20.0, **kwargs
        )
        controller.start()
        started.append(controller)
        return SmtpServer("127.0.0.1", port, handler, controller)

    yield start
    for controller in started:
        controller.stop()
