"""Plain values the composers and templates take: no mailbot, no parsers, no clock.

The caller (the bot) copies what it holds into these frozen dataclasses, choosing how
much personal data to put in. The composers then strip anything the ``Allowance`` does
not allow before a template ever sees it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from outbound.sender import Envelope


@dataclass(frozen=True)
class ChildSummary:
    """A child as an email may name them. Subjects only ever use ``initials`` and ``child_id``."""

    initials: str
    child_id: str
    first_name: str | None = None
    last_name: str | None = None
    dob: date | None = None

    @property
    def label(self) -> str:
        """Initials and ID: the only identifiers that ever go into a subject line."""
        return f"{self.initials} {self.child_id}".strip()


@dataclass(frozen=True)
class Allowance:
    """How much a partner-facing email may say about a child beyond initials and ID."""

    first_name: bool = False
    dob: bool = False

    def apply(self, child: ChildSummary) -> ChildSummary:
        return replace(
            child,
            first_name=child.first_name if self.first_name else None,
            last_name=None,
            dob=child.dob if self.dob else None,
        )


@dataclass(frozen=True)
class FlagLine:
    """One risk flag: the sentence that raised it and the words that matched."""

    indicator: str
    severity: str  # high | medium | low
    evidence: str
    matched: str = ""


@dataclass(frozen=True)
class RecordSummary:
    """What was read from a returned visit record, for the forward's summary table."""

    visit_date: date | None = None
    visitor_name: str | None = None
    visitor_role: str | None = None
    visitor_org: str | None = None
    sender: str | None = None  # the address the record came from
    received: datetime | None = None
    child_seen: bool | None = None
    seen_alone: bool | None = None
    method: str | None = None  # face_to_face | virtual | phone
    attending_school: bool | None = None
    any_concerns: bool | None = None
    risk_changed: bool | None = None
    match_reason: str = ""  # how the record was matched to the child, in plain words
    observations: str = ""
    concerns: str = ""
    fields: tuple[tuple[str, str], ...] = ()  # every (label, value) read, for the case file


@dataclass(frozen=True)
class FileAttachment:
    """A file to attach. ``filename`` is display only and is made safe before use."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Stamp:
    """The caller's identity for one email: its Message-ID, its Date, and its thread.

    Message-IDs are given bare (``abc@example.gov.uk``); angle brackets are accepted and
    removed. ``date`` must be timezone-aware.
    """

    message_id: str
    date: datetime
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recipients:
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for address in (*self.to, *self.cc):
            seen.setdefault(address, None)
        return tuple(seen)


@dataclass(frozen=True)
class OutstandingVisit:
    """One missing record, for an escalation: oldest first."""

    child: ChildSummary
    visitor_name: str
    visitor_org: str
    visit_due: date
    record_due: date | None = None
    chases_sent: int = 0
    reference: str | None = None


@dataclass(frozen=True)
class DigestItem:
    when: date  # the date the item became due or arrived: sorts oldest first
    text: str  # plain words; initials and IDs only
    link: str | None = None


@dataclass(frozen=True)
class DigestSection:
    title: str
    items: tuple[DigestItem, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Composed:
    """A composed email, ready for a Sender: the raw bytes (CRLF line ends) and its id."""

    kind: str
    message_id: str  # bare, without angle brackets
    raw: bytes
    envelope: Envelope
    subject: str
    attachments: tuple[str, ...] = field(default=())  # the safe file names attached
