"""The one interface every sender (Maildir, SMTP, Graph, EWS) implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Envelope:
    mail_from: str
    recipients: tuple[str, ...]


class SendError(Exception):
    """A send failed. ``permanent`` failures (5xx, bad recipient) are not retried."""

    def __init__(self, message: str, *, permanent: bool, recipient: str | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.recipient = recipient


class Sender(Protocol):
    def send(self, raw: bytes, envelope: Envelope, message_id: str) -> None:
        """Hand one composed message to the provider; raise SendError on failure."""
        ...

    def already_sent(self, message_id: str) -> bool | None:
        """Whether the provider already holds this Message-ID (Sent folder); None when it cannot tell."""
        ...

    def close(self) -> None: ...
