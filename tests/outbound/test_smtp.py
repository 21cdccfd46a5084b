"""The SMTP sender against a real aiosmtpd server on loopback."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from outbound.errors import OutboundError
from outbound.factory import make_sender
from outbound.sender import Envelope, SendError
from outbound.smtp import SmtpSender
from tests.outbound.conftest import PASSWORD, TOKEN, USER, Certificate, SmtpServer

RAW = (
    b"From: MECC <mecc@exampleshire.gov.uk>\r\n"
    b"To: sw@exampleshire.gov.uk\r\n"
    b"Subject: MECC visit record - JT E1234567\r\n"
    b"Message-ID: <m1@exampleshire.gov.uk>\r\n"
    b"\r\n"
    b"Line one.\r\n"
    b".A line that starts with a dot.\r\n"
    b"\r\n"
    b"Last line.\r\n"
)
ENVELOPE = Envelope("mecc@exampleshire.gov.uk", ("sw@exampleshire.gov.uk",))


def test_message_arrives_byte_for_byte(smtp_server: Callable[..., SmtpServer]) -> None:
    server = smtp_server("plain")
    sender = SmtpSender(server.host, server.port, security="none")
    try:
        sender.send(RAW, ENVELOPE, "m1@exampleshire.gov.uk")
    finally:
        sender.close()
    [got] = server.handler.received
    assert got.data == RAW
    assert got.mail_from == "mecc@exampleshire.gov.uk"
    assert got.recipients == ["sw@exampleshire.gov.uk"]


def test_one_connection_serves_many_messages_and_survives_a_drop(
    smtp_server: Callable[..., SmtpServer],
) -> None:
    server = smtp_server("plain")
    clock = [0.0]
    sender = SmtpSender(
        server.host, server.port, security="none", idle_check_seconds=5, monotonic=lambda: clock[0]
    )
    try:
        sender.send(RAW, ENVELOPE, "a@x")
        first = sender._conn
        sender.send(RAW, ENVELOPE, "b@x")
        assert sender._conn is first  # reused
        assert first is not None
        first.sock.close()  # type: ignore[union-attr]  # the server "drops" us
        sender.send(RAW, ENVELOPE, "c@x")  # reconnects without asking
        clock[0] = 100.0
        sender.send(RAW, ENVELOPE, "d@x")  # idle: NOOP first, then send
    finally:
        sender.close()
    assert len(server.handler.received) == 4


def test_starttls_with_password(
    smtp_server: Callable[..., SmtpServer], certificate: Certificate
) -> None:
    server = smtp_server("starttls")
    sender = SmtpSender(
        server.host, server.port, "starttls", USER, PASSWORD, cafile=str(certificate.cert)
    )
    try:
        sender.send(RAW, ENVELOPE, "m1@x")
    finally:
        sender.close()
    assert [r.data for r in server.handler.received] == [RAW]


def test_starttls_refuses_a_certificate_it_cannot_verify(
    smtp_server: Callable[..., SmtpServer],
) -> None:
    server = smtp_server("starttls")
    sender = SmtpSender(server.host, server.port, "starttls", USER, PASSWORD)  # no cafile
    with pytest.raises(SendError) as caught:
        sender.send(RAW, ENVELOPE, "m1@x")
    assert caught.value.permanent is False
    assert server.handler.received == []


def test_implicit_tls_with_xoauth2(
    smtp_server: Callable[..., SmtpServer], certificate: Certificate
) -> None:
    server = smtp_server("tls")
    calls: list[int] = []

    def token() -> str:
        calls.append(1)
        return TOKEN

    sender = make_sender(
        "smtp", host=server.host, port=server.port, security="tls", username=USER,
        oauth_token_provider=token, cafile=str(certificate.cert), timeout_seconds=10,
    )  # fmt: skip
    try:
        sender.send(RAW, ENVELOPE, "m1@x")
        sender.send(RAW, ENVELOPE, "m2@x")
    finally:
        sender.close()
    assert server.handler.logins == ["XOAUTH2"]
    assert calls == [1]  # one connection, one token
    assert len(server.handler.received) == 2


def test_wrong_password_is_a_clear_temporary_failure(
    smtp_server: Callable[..., SmtpServer], certificate: Certificate
) -> None:
    server = smtp_server("starttls")
    sender = SmtpSender(
        server.host, server.port, "starttls", USER, "wrong", cafile=str(certificate.cert)
    )
    with pytest.raises(SendError, match="authentication failed") as caught:
        sender.send(RAW, ENVELOPE, "m1@x")
    assert caught.value.permanent is False
    assert "wrong" not in str(caught.value)


def test_refused_recipient_is_permanent_and_nothing_is_sent(
    smtp_server: Callable[..., SmtpServer],
) -> None:
    server = smtp_server("plain")
    sender = SmtpSender(server.host, server.port, security="none")
    envelope = Envelope(
        "mecc@exampleshire.gov.uk", ("sw@exampleshire.gov.uk", "reject.tm@exampleshire.gov.uk")
    )
    try:
        with pytest.raises(SendError) as caught:
            sender.send(RAW, envelope, "m1@x")
        assert caught.value.permanent is True
        assert caught.value.recipient == "reject.tm@exampleshire.gov.uk"
        assert "550" in str(caught.value)
        assert server.handler.received == []  # not even to the accepted recipient
        sender.send(RAW, ENVELOPE, "m2@x")  # the connection is still good
    finally:
        sender.close()
    assert len(server.handler.received) == 1


def test_busy_recipient_is_temporary(smtp_server: Callable[..., SmtpServer]) -> None:
    server = smtp_server("plain")
    sender = SmtpSender(server.host, server.port, security="none")
    try:
        with pytest.raises(SendError) as caught:
            sender.send(RAW, Envelope("mecc@x.gov.uk", ("later@school.example.org",)), "m1@x")
    finally:
        sender.close()
    assert caught.value.permanent is False
    assert caught.value.recipient == "later@school.example.org"
    assert "451" in str(caught.value)


def test_no_server_is_temporary() -> None:
    from tests.outbound.conftest import _free_port

    sender = SmtpSender("127.0.0.1", _free_port(), security="none", timeout=5)
    with pytest.raises(SendError) as caught:
        sender.send(RAW, ENVELOPE, "m1@x")
    assert caught.value.permanent is False
    assert sender.already_sent("m1@x") is None


def test_clear_text_only_on_loopback() -> None:
    with pytest.raises(OutboundError, match="loopback"):
        SmtpSender("smtp.example.org", 25, security="none")
    assert "battery" not in repr(SmtpSender("127.0.0.1", 25, "none", USER, PASSWORD))
