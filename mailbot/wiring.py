"""Making the configured mailbox and sender from the settings (the one factory for each)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mailbot.auth import GRAPH_SCOPE, MsalTokenProvider, TokenSource
from mailbot.cursors import DbCursorStore
from mailbot.errors import ConfigError
from mailbot.mailboxes.base import Mailbox
from mailbot.mailboxes.factory import make_mailbox
from mailbot.settings import Mailbox as MailboxSettings
from mailbot.settings import Settings
from outbound.factory import make_sender
from outbound.sender import Sender

IMAP_SCOPE = "https://outlook.office365.com/.default"


def _token(settings: Settings, section: str, scope: str) -> TokenSource:
    sect = getattr(settings, section)
    missing = [k for k in ("tenant_id", "client_id") if not getattr(sect, k)]
    secret = settings.secret(section, "client_secret")
    if missing or not secret:
        what = ", ".join(missing + ([] if secret else ["client_secret (or client_secret_file)"]))
        raise ConfigError(f"[{section}] OAuth2 needs {what}")
    return MsalTokenProvider(
        tenant_id=sect.tenant_id,
        client_id=sect.client_id,
        client_secret=secret,
        scopes=(scope,),
        authority_host=settings.mailbox.authority,
    )


def _oauth_section(settings: Settings) -> str:
    """Outbound OAuth reuses the mailbox's app registration (one app, one mailbox)."""
    return "mailbox"


def make_mailbox_from(settings: Settings, cursors: DbCursorStore) -> Mailbox:
    m: MailboxSettings = settings.mailbox
    common: dict[str, Any] = {
        "processed_folder": m.processed_folder,
        "exceptions_folder": m.exceptions_folder,
    }
    if m.kind == "maildir":
        return make_mailbox("maildir", m.name, cursors, path=Path(m.path), **common)
    if m.kind == "imap":
        auth: dict[str, Any] = {}
        if m.auth == "oauth2":
            auth["token_provider"] = _token(settings, "mailbox", IMAP_SCOPE)
        else:
            auth["password"] = settings.secret("mailbox", "password")
        return make_mailbox(
            "imap", m.name, cursors, host=m.host, port=m.port,
            tls="plain" if m.security == "none" else m.security,
            username=m.username, folder=m.folder, cafile=m.cafile or None,
            poll_interval=m.poll_seconds, **auth, **common,
        )  # fmt: skip
    if m.kind == "graph":
        return make_mailbox(
            "graph", m.name, cursors, mailbox=m.username or settings.service.mailbox_address,
            token_provider=_token(settings, "mailbox", GRAPH_SCOPE), folder=m.folder.lower()
            if m.folder == "INBOX" else m.folder, base_url=m.graph_base_url,
            poll_interval=m.poll_seconds, **common,
        )  # fmt: skip
    if m.kind == "ews":
        return make_mailbox(
            "ews", m.name, cursors, email_address=settings.service.mailbox_address,
            service_endpoint=m.ews_url, auth=m.auth,
            username=m.username or None, password=settings.secret("mailbox", "password") or None,
            client_id=m.client_id or None,
            client_secret=settings.secret("mailbox", "client_secret") or None,
            tenant_id=m.tenant_id or None, authority=m.authority, cafile=m.cafile or None,
            poll_interval=m.poll_seconds, **common,
        )  # fmt: skip
    raise ConfigError(f"[mailbox] kind: {m.kind!r} is not supported")


def make_sender_from(settings: Settings) -> Sender:
    o = settings.outbound
    if o.kind == "maildir":
        return make_sender("maildir", path=Path(o.path))
    if o.kind == "smtp":
        token = (
            _token(settings, _oauth_section(settings), IMAP_SCOPE) if o.auth == "oauth2" else None
        )
        return make_sender(
            "smtp", host=o.host, port=o.port, security=o.security, username=o.username,
            password=settings.secret("outbound", "password") if o.auth == "password" else "",
            oauth_token_provider=token, timeout_seconds=o.timeout_seconds, cafile=o.cafile,
        )  # fmt: skip
    m = settings.mailbox
    if o.kind == "graph":
        return make_sender(
            "graph",
            mailbox=m.username or settings.service.mailbox_address,
            token_provider=_token(settings, "mailbox", GRAPH_SCOPE),
            base_url=m.graph_base_url,
        )
    if o.kind == "ews":
        return make_sender(
            "ews", email_address=settings.service.mailbox_address, service_endpoint=m.ews_url,
            auth=m.auth, username=m.username or None,
            password=settings.secret("mailbox", "password") or None,
            client_id=m.client_id or None,
            client_secret=settings.secret("mailbox", "client_secret") or None,
            tenant_id=m.tenant_id or None, authority=m.authority, cafile=m.cafile or None,
        )  # fmt: skip
    raise ConfigError(f"[outbound] kind: {o.kind!r} is not supported")
