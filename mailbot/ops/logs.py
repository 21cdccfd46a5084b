"""Structured logs: JSON lines when not on a terminal, a correlation ID per message, no secrets.

``configure_logging(verbosity, json)`` sets up the root logger once (calling it again
replaces what it set up). ``bind_message(correlation_id)`` binds the ID for everything
logged while one message is processed (contextvars: safe across threads). The
``Redact`` filter runs on every record: anything that looks like a password, token,
client secret or Authorization header is replaced by ``****``, and above DEBUG email
addresses lose their local part, so personal data reaches the logs at DEBUG only.
"""

from __future__ import annotations

import contextvars
import json as jsonlib
import logging
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO

_CORRELATION: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "mailbot_correlation_id", default=None
)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(cid)s: %(message)s"
MASK = "****"

_SECRETS = [
    # Authorization: Bearer abc / Basic abc, in headers or reprs
    (re.compile(r"(?i)\b(authorization|proxy-authorization)(\"?\s*[:=]\s*\"?)([^\r\n\",}]+)"),
     rf"\1\2{MASK}"),
    (re.compile(r"\b([Bb]earer|BEARER|Basic)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\1 {MASK}"),
    # password=..., "client_secret": "...", access_token: ..., api_key=..., in any quoting
    (re.compile(
        r"(?i)\b([a-z_]*(?:password|passwd|secret|token|api[_-]?key)[a-z_]*)"
        r"(['\"]?\s*[:=]\s*['\"]?)([^\s'\",;&}]+)"),
     rf"\1\2{MASK}"),
    # user:password@host in URLs
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+:)([^@\s/]+)(@)"), rf"\1{MASK}\3"),
    # IMAP "LOGIN user secret" and XOAUTH2 strings
    (re.compile(r"\b(LOGIN\s+\S+\s+)(\S+)"), rf"\1{MASK}"),
    (re.compile(r"(?i)\b(XOAUTH2\s+)(\S+)"), rf"\1{MASK}"),
]  # fmt: skip
_ADDRESS = re.compile(r"[A-Za-z0-9._%+'-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


def redact(text: str, *, addresses: bool = False) -> str:
    """``text`` with credentials masked (and email addresses' local parts, when asked)."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    if addresses:
        text = _ADDRESS.sub(rf"{MASK}@\1", text)
    return text


class Redact(logging.Filter):
    """Masks credentials always, and email addresses above DEBUG; binds the correlation ID."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message, addresses=record.levelno > logging.DEBUG)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:  # another handler may have formatted it already: redact anyway
            record.exc_text = redact(record.exc_text, addresses=record.levelno > logging.DEBUG)
        cid = _CORRELATION.get()
        record.correlation_id = cid
        record.cid = f" [{cid}]" if cid else ""
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, correlation_id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        cid = getattr(record, "correlation_id", None) or _CORRELATION.get()
        if cid:
            entry["correlation_id"] = cid
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return jsonlib.dumps(entry, ensure_ascii=False)


@contextmanager
def bind_message(correlation_id: str | None = None) -> Iterator[str]:
    """Bind a correlation ID (a new one when none is given) for one message's processing."""
    cid = correlation_id or str(uuid.uuid4())
    token = _CORRELATION.set(cid)
    try:
        yield cid
    finally:
        _CORRELATION.reset(token)


def current_correlation_id() -> str | None:
    return _CORRELATION.get()


def json_setting(value: str) -> bool | None:
    """``[ops] json_logs``: "true" -> True, "false" -> False, "auto" -> None (decide by tty)."""
    return {"true": True, "false": False}.get(value)


_INSTALLED: list[logging.Handler] = []


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (tests and daemons may replace it)."""

    @property  # type: ignore[override]
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, value: IO[str]) -> None:
        pass


def configure_logging(
    verbosity: int, json: bool | None = None, stream: IO[str] | None = None
) -> logging.Handler:
    """Root logging at WARNING (-v INFO, -vv DEBUG); JSON when ``json`` or, if None, not a tty."""
    if json is None:
        shown = stream or sys.stderr
        json = not (hasattr(shown, "isatty") and shown.isatty())
    root = logging.getLogger()
    for old in _INSTALLED:
        root.removeHandler(old)
    _INSTALLED.clear()
    handler = logging.StreamHandler(stream) if stream is not None else _Stderr()
    handler.addFilter(Redact())
    handler.setFormatter(JsonFormatter() if json else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(max(logging.WARNING - 10 * verbosity, logging.DEBUG))
    logging.getLogger("mailparser").setLevel(logging.ERROR)  # it warns of every odd MIME part
    _INSTALLED.append(handler)
    return handler
