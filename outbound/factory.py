"""Make the configured Sender: ``make_sender("maildir", path=...)``, ``"smtp"``, and later
``"graph"`` and ``"ews"`` (imported lazily from ``outbound.graph`` / ``outbound.ews``)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from outbound.errors import OutboundError
from outbound.maildir import MaildirSender
from outbound.sender import Sender
from outbound.smtp import SmtpSender

KINDS = ("maildir", "smtp", "graph", "ews")


def make_sender(kind: str, **options: Any) -> Sender:
    """Options for ``maildir``: path. For ``smtp``: host, port, security, username,
    password, oauth_token_provider, timeout (or timeout_seconds), cafile. For ``graph`` and
    ``ews``: whatever ``outbound.graph.make`` / ``outbound.ews.make`` take."""
    if kind == "maildir":
        return MaildirSender(options["path"])
    if kind == "smtp":
        token: Callable[[], str] | None = options.get("oauth_token_provider")
        return SmtpSender(
            host=options["host"],
            port=int(options.get("port", 587)),
            security=options.get("security", "starttls"),
            username=options.get("username", ""),
            password=options.get("password", ""),
            oauth_token_provider=token,
            timeout=float(options.get("timeout", options.get("timeout_seconds", 30.0))),
            cafile=options.get("cafile") or None,
        )
    if kind in ("graph", "ews"):
        try:
            module = importlib.import_module(f"outbound.{kind}")
        except ImportError as exc:
            raise OutboundError(f"the {kind} sender is not available: {exc}") from exc
        maker = getattr(module, "make_sender", None)
        if maker is None:
            raise OutboundError(f"outbound.{kind} has no make_sender(**options)")
        sender: Sender = maker(**options)
        return sender
    raise OutboundError(f"unknown sender kind {kind!r}: expected one of {', '.join(KINDS)}")
