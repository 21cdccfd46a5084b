"""On-premises Exchange through exchangelib: the account factory (autodiscover off, the service
endpoint given, NTLM / basic / OAuth2, a private CA: see ``outbound.ews_auth``) shared with the
EWS mailbox, and the EWS sender.

Sending is ``Message(mime_content=...).send_and_save()`` (one CreateItem with
MessageDisposition=SendAndSaveCopy, copy in Sent Items); ``already_sent`` asks Sent Items for
the Message-ID (FindItem restricted on message:InternetMessageId).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from outbound.graph import with_envelope_recipients
from outbound.sender import Envelope, SendError

log = logging.getLogger(__name__)

AUTH_KINDS = ("ntlm", "basic", "oauth2")  # "password" means ntlm, "oauth" oauth2


@dataclass(frozen=True)
class EwsSettings:
    """Where and how to reach one Exchange mailbox. ``__repr__`` never shows the secrets."""

    email_address: str
    service_endpoint: str  # https://mail.council.example/EWS/Exchange.asmx
    auth: str = "ntlm"  # "ntlm" (or "password") | "basic" | "oauth2" (or "oauth")
    username: str | None = None  # DOMAIN\\user or user@domain (ntlm/basic)
    password: str | None = None
    client_id: str | None = None  # oauth2 (client credentials)
    client_secret: str | None = None
    tenant_id: str | None = None
    authority: str = "https://login.microsoftonline.com"  # oauth2: Entra ID, or an AD FS URL
    cafile: str | None = None  # PEM file of the CA that signed the server's certificate
    version: str = "Exchange2016"  # the server's API version (skips version guessing)
    max_wait: float = 60.0  # the longest back-off honoured when the server says it is busy

    def __repr__(self) -> str:
        return f"EwsSettings({self.email_address!r}, {self.service_endpoint!r}, auth={self.auth!r})"

    @property
    def token_endpoint(self) -> str:
        """Where OAuth2 tokens come from ('' unless auth is oauth2 and it can be worked out)."""
        from outbound.ews_auth import auth_kind, token_url

        try:
            if auth_kind(self.auth) != "oauth2":
                return ""
            return token_url(self.authority, self.tenant_id)
        except ValueError:
            return ""

    def explain(self, exc: BaseException) -> str:
        """A plain-words reason for a sign-in or certificate failure, or ''."""
        from outbound.ews_auth import auth_kind, explain

        try:
            kind = auth_kind(self.auth)
        except ValueError:
            kind = self.auth
        return explain(exc, auth=kind, username=self.username, token_endpoint=self.token_endpoint)


def make_account(settings: EwsSettings) -> Any:
    """An exchangelib Account for ``settings``: no autodiscover, no version probing.

    Raises ValueError for settings that cannot work (an unknown auth, a missing tenant, an
    unreadable cafile)."""
    from exchangelib import (
        BASIC,
        DELEGATE,
        NTLM,
        OAUTH2,
        Account,
        Build,
        Configuration,
        Credentials,
        FailFast,
        Identity,
        Version,
    )

    from outbound.ews_auth import (
        TokenUrlCredentials,
        auth_kind,
        is_public_identity,
        token_url,
        trust,
    )

    kind = auth_kind(settings.auth)
    trust(settings.service_endpoint, settings.cafile)
    credentials: Any
    if kind == "oauth2":
        endpoint = token_url(settings.authority, settings.tenant_id)
        if not is_public_identity(endpoint):  # an AD FS is signed by the same CA as Exchange
            trust(endpoint, settings.cafile)
        credentials = TokenUrlCredentials(
            token_url=endpoint,
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            tenant_id=settings.tenant_id,
            identity=Identity(primary_smtp_address=settings.email_address),
        )
        auth_type = OAUTH2
    else:
        credentials = Credentials(
            settings.username or settings.email_address, settings.password or ""
        )
        auth_type = NTLM if kind == "ntlm" else BASIC
    builds = {
        "Exchange2013": Build(15, 0),
        "Exchange2016": Build(15, 1),
        "Exchange2019": Build(15, 2),
    }
    build = builds.get(settings.version, Build(15, 1))
    config = Configuration(
        service_endpoint=settings.service_endpoint,
        credentials=credentials,
        auth_type=auth_type,
        version=Version(build=build, api_version=settings.version),
        retry_policy=FailFast(),  # callers retry with their own (injectable) back-off
    )
    return Account(
        primary_smtp_address=settings.email_address,
        config=config,
        autodiscover=False,
        access_type=DELEGATE,
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else ""


def _permanent(exc: Exception) -> bool:
    from exchangelib.errors import (
        ErrorInvalidRecipients,
        ErrorMessageSizeExceeded,
        ErrorNonExistentMailbox,
        ResponseMessageError,
        TransportError,
        UnauthorizedError,
    )

    if isinstance(exc, ErrorInvalidRecipients | ErrorMessageSizeExceeded | ErrorNonExistentMailbox):
        return True
    if isinstance(exc, TransportError | UnauthorizedError):
        return False
    return isinstance(exc, ResponseMessageError) and "Busy" not in type(exc).__name__


class EwsSender:
    """Sends through Exchange as the configured mailbox."""

    def __init__(self, settings: EwsSettings, *, account: Any = None) -> None:
        self._settings = settings
        self._account = account

    def _get_account(self) -> Any:
        if self._account is None:
            self._account = make_account(self._settings)
        return self._account

    def send(self, raw: bytes, envelope: Envelope, message_id: str) -> None:
        from exchangelib import Message

        try:
            account = self._get_account()
            # Exchange takes the recipients from the MIME headers: envelope-only ones become Bcc
            message = Message(
                account=account,
                folder=account.sent,
                mime_content=with_envelope_recipients(raw, envelope),
            )
            message.send_and_save()
        except Exception as exc:
            bad_recipient = "Recipient" in type(exc).__name__
            reason = self._settings.explain(exc)
            raise SendError(
                f"ews send of {message_id} failed: {reason + '; ' if reason else ''}"
                f"{type(exc).__name__}: {_first_line(exc)}",
                permanent=_permanent(exc),
                recipient=", ".join(envelope.recipients) if bad_recipient else None,
            ) from exc

    def already_sent(self, message_id: str) -> bool | None:
        try:
            return bool(self._get_account().sent.filter(message_id=message_id).only("id").count())
        except Exception as exc:
            log.warning("ews: cannot tell whether %s was sent: %s", message_id, type(exc).__name__)
            return None

    def close(self) -> None:
        account, self._account = self._account, None
        if account is not None:
            account.protocol.close()


def make_sender(**options: Any) -> EwsSender:
    """For outbound.factory: EwsSettings' fields as keyword arguments (plus ``account``)."""
    account = options.pop("account", None)
    return EwsSender(EwsSettings(**options), account=account)
