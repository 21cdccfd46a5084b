"""On-premises Exchange through exchangelib: the account factory (autodiscover off, the service
endpoint given, NTLM / basic / OAuth) shared with the EWS mailbox, and the EWS sender.

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

AUTH_KINDS = ("ntlm", "basic", "oauth")


@dataclass(frozen=True)
class EwsSettings:
    """Where and how to reach one Exchange mailbox. ``__repr__`` never shows the secrets."""

    email_address: str
    service_endpoint: str  # https://mail.council.example/EWS/Exchange.asmx
    auth: str = "ntlm"  # "ntlm" | "basic" | "oauth"
    username: str | None = None  # DOMAIN\\user or user@domain (ntlm/basic)
    password: str | None = None
    client_id: str | None = None  # oauth (client credentials, Entra ID)
    client_secret: str | None = None
    tenant_id: str | None = None
    version: str = "Exchange2016"  # the server's API version (skips version guessing)
    max_wait: float = 60.0  # the longest back-off honoured when the server says it is busy

    def __repr__(self) -> str:
        return f"EwsSettings({self.email_address!r}, {self.service_endpoint!r}, auth={self.auth!r})"


def make_account(settings: EwsSettings) -> Any:
    """An exchangelib Account for ``settings``: no autodiscover, no version probing."""
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
        OAuth2Credentials,
        Version,
    )

    if settings.auth not in AUTH_KINDS:
        raise ValueError(f"ews auth must be one of {AUTH_KINDS}, not {settings.auth!r}")
    credentials: Any
    if settings.auth == "oauth":
        credentials = OAuth2Credentials(
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
        auth_type = NTLM if settings.auth == "ntlm" else BASIC
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
            raise SendError(
                f"ews send of {message_id} failed: {type(exc).__name__}: {exc}",
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
