"""Making the configured mailbox and sender from the settings (the one factory for each)."""

from __future__ import annotations

from pathlib import Path

from outbound.factory import make_sender

from mailbot.cursors import DbCursorStore
from mailbot.mailboxes.base import Mailbox
from mailbot.mailboxes.factory import make_mailbox
from mailbot.settings import Settings
from outbound.sender import Sender


def make_mailbox_from(settings: Settings, cursors: DbCursorStore) -> Mailbox:
    m = settings.mailbox
    if m.kind == "maildir":
        return make_mailbox("maildir", m.name, cursors, path=Path(m.path))
    raise NotImplementedError(m.kind)


def make_sender_from(settings: Settings) -> Sender:
    o = settings.outbound
    if o.kind == "maildir":
        return make_sender("maildir", path=Path(o.path))
    raise NotImplementedError(o.kind)
