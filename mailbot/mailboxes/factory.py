"""Make the configured mailbox. Client libraries are imported only for the kind asked for."""

from __future__ import annotations

import inspect
from typing import Any

from mailbot.errors import ConfigError
from mailbot.mailboxes.base import CursorStore, Mailbox

KINDS = ("maildir", "imap", "graph", "ews")


def _mailbox_class(kind: str) -> Any:
    if kind == "maildir":
        from mailbot.mailboxes.maildir import MaildirMailbox

        return MaildirMailbox
    if kind == "imap":
        from mailbot.mailboxes.imap import ImapMailbox

        return ImapMailbox
    if kind == "graph":
        from mailbot.mailboxes.graph import GraphMailbox

        return GraphMailbox
    if kind == "ews":
        from mailbot.mailboxes.ews import EwsMailbox

        return EwsMailbox
    return None


def make_mailbox(kind: str, name: str, cursors: CursorStore, **options: Any) -> Mailbox:
    """A mailbox of ``kind`` ("maildir" | "imap" | "graph" | "ews") built from its options.

    ``options`` are the keyword arguments of that kind's class (``MaildirMailbox(path=...)``,
    ``ImapMailbox(host=..., username=..., ...)`` and so on); an unknown or missing option is a
    ConfigError naming the mailbox. Maildir keeps no cursor; the others get ``cursors``.
    """
    cls = _mailbox_class(kind)
    if cls is None:
        raise ConfigError(
            f"mailbox {name!r}: unknown kind {kind!r} (expected one of {', '.join(KINDS)})"
        )
    args: tuple[Any, ...] = (name,) if kind == "maildir" else (name, cursors)
    try:
        inspect.signature(cls).bind(*args, **options)
    except TypeError as exc:
        raise ConfigError(f"mailbox {name!r} ({kind}): {exc}") from exc
    mailbox: Mailbox = cls(*args, **options)
    return mailbox
