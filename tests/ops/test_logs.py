"""Logs: JSON lines with a correlation ID, credentials masked, personal data only at DEBUG."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import pytest

from mailbot.demo_data import samples
from mailbot.ops.logs import bind_message, configure_logging, current_correlation_id, redact
from tests.ops.conftest import Service, process_demo

log = logging.getLogger("mailbot.test")


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    out = io.StringIO()
    yield out
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def _lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_json_lines_carry_the_correlation_id(stream: io.StringIO) -> None:
    configure_logging(1, json=True, stream=stream)
    log.info("before")
    with bind_message("cid-123") as cid:
        assert cid == current_correlation_id() == "cid-123"
        log.info("message %s: %s", 7, "forwarded")
    with bind_message() as fresh:
        log.warning("another")
    log.debug("not at -v")
    first, second, third = _lines(stream)
    assert first["message"] == "before" and "correlation_id" not in first
    assert second == {**second, "message": "message 7: forwarded", "level": "info",
                      "logger": "mailbot.test", "correlation_id": "cid-123"}  # fmt: skip
    assert third["correlation_id"] == fresh != "cid-123"


def test_text_when_asked(stream: io.StringIO) -> None:
    configure_logging(0, json=False, stream=stream)
    with bind_message("abc"):
        log.warning("careful")
    assert stream.getvalue().rstrip().endswith("WARNING mailbot.test [abc]: careful")


def test_auto_is_json_when_not_a_terminal(stream: io.StringIO) -> None:
    configure_logging(0, json=None, stream=stream)  # a StringIO is no terminal
    log.warning("x")
    assert _lines(stream)[0]["message"] == "x"


def test_configuring_twice_keeps_one_handler(stream: io.StringIO) -> None:
    configure_logging(0, json=True, stream=stream)
    configure_logging(0, json=True, stream=stream)
    log.warning("once")
    assert len(_lines(stream)) == 1


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi.abc.def", "eyJ0eXAiOiJKV1Qi"),
        ("headers={'Authorization': 'Basic YXBwOnNlY3JldA=='}", "YXBwOnNlY3JldA"),
        ("login with password=Hunter2! failed", "Hunter2"),
        ('{"client_secret": "s3cr3t-value", "scope": "x"}', "s3cr3t-value"),
        ("postgresql+psycopg://app:pg-pass@db.example:5432/mailbot", "pg-pass"),
        ("a001 LOGIN mecc@example.gov.uk imap-pass", "imap-pass"),
        ("AUTHENTICATE XOAUTH2 dXNlcj1tZWNjAWF1dGg9QmVhcmVy", "dXNlcj1tZWNj"),
        ("refresh_token=0.AAAA-refresh", "0.AAAA-refresh"),
    ],
)
def test_credentials_are_masked(stream: io.StringIO, text: str, secret: str) -> None:
    configure_logging(2, json=True, stream=stream)
    log.debug("%s", text)  # even at DEBUG
    logged = stream.getvalue()
    assert secret not in logged and "****" in logged
    assert secret not in redact(text)


def test_addresses_only_at_debug(stream: io.StringIO) -> None:
    configure_logging(2, json=True, stream=stream)
    log.info("from jane.teacher@school.example.org")
    log.debug("from jane.teacher@school.example.org")
    info, debug = _lines(stream)
    assert info["message"] == "from ****@school.example.org"
    assert debug["message"] == "from jane.teacher@school.example.org"


def test_exceptions_are_redacted_too(stream: io.StringIO) -> None:
    configure_logging(0, json=True, stream=stream)
    try:
        raise RuntimeError("connect failed for password=open-sesame")
    except RuntimeError:
        log.exception("mailbox mecc")
    [entry] = _lines(stream)
    assert "open-sesame" not in entry["exception"] and "RuntimeError" in entry["exception"]


def _personal(svc: Service) -> set[str]:
    found = set()
    for sample in samples():
        msg = message_from_bytes(sample.raw)
        found.add(str(msg["Subject"]))
        found.add(str(msg["From"]).rsplit("<", 1)[-1].strip(">"))
    return {f for f in found if len(f) > 6}


def test_processing_logs_no_personal_data_at_info(
    sqlite_service: Service, caplog: pytest.LogCaptureFixture, stream: io.StringIO
) -> None:
    configure_logging(1, json=True, stream=stream)
    with caplog.at_level(logging.INFO):
        process_demo(sqlite_service)
    assert caplog.records  # the pipeline did log at INFO
    personal = _personal(sqlite_service)
    assert len(personal) > 10
    for text in (caplog.text, stream.getvalue()):
        for value in personal:
            assert value not in text, value
        assert "Thomas" not in text and "Hartley" not in text
