"""What the readers produce: a parsed message and the visit record read from it.

These frozen dataclasses are the contract between ``parsers`` and the bot. They hold
values only; nothing here reads files, the network or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class ProblemKind(StrEnum):
    """Why a part of a message could not be read. Each kind has a plain-words reason."""

    MALFORMED = "malformed"  # the email itself is broken
    CORRUPT = "corrupt"  # an attachment's bytes are not what they claim / cannot be opened
    ENCRYPTED = "encrypted"  # password-protected document
    SECURE_MAIL = "secure_mail"  # a secure-portal notification (Egress, Purview .rpmsg, [secure])
    SMIME = "smime"  # S/MIME-encrypted content
    MACRO = "macro"  # macro-enabled office file: recorded, not opened
    TOO_LARGE = "too_large"  # over a size limit (message, attachment, decompressed size)
    TIMEOUT = "timeout"  # a reader ran past its time or memory limit
    UNSUPPORTED = "unsupported"  # a format we do not read
    LOW_CONFIDENCE_OCR = "low_confidence_ocr"  # a scan read with low confidence
    NESTING = "nesting"  # MIME or attached-message nesting too deep
    NO_RECORD = "no_record"  # nothing that looks like a visit record


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    part: str  # which part: "message", "attachment 'visit.pdf'"
    detail: str  # plain words for business support; no personal data beyond a file name


@dataclass(frozen=True)
class Attachment:
    filename: str  # display only: never used as a path
    declared_type: str  # the Content-Type the sender's software declared
    kind: str  # sniffed from the bytes: pdf docx docm doc rtf odt xlsx image eml msg tnef zip html text unknown
    data: bytes


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str | None  # without angle brackets
    subject: str
    sender: str  # lower-cased address of From
    sender_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    date: datetime | None
    in_reply_to: str | None  # without angle brackets
    references: tuple[str, ...]  # without angle brackets
    headers: tuple[tuple[str, str], ...]  # (lower-cased name, value), in order
    content_types: tuple[str, ...]  # every MIME content type seen, lower-cased
    body: str  # the whole text body (HTML turned into text)
    new_text: str  # the sender's own words: quoted history and signature removed
    attachments: tuple[Attachment, ...] = ()
    inner: tuple[ParsedMessage, ...] = ()  # attached or forwarded messages, parsed
    problems: tuple[Problem, ...] = ()

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key == wanted:
                return value
        return None


@dataclass(frozen=True)
class ChildMention:
    """A child as the record names them; any field may be missing."""

    full_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    dob: date | None = None
    child_id: str | None = None
    source: str = "form"  # form | subject | body | ocr


@dataclass(frozen=True)
class VisitRecord:
    children: tuple[ChildMention, ...] = ()
    references: tuple[str, ...] = ()  # our reference tokens found (subject, body, form)
    child_ids: tuple[str, ...] = ()  # child IDs found anywhere in the new text or documents
    visit_date: date | None = None
    visitor_name: str | None = None
    visitor_role: str | None = None
    visitor_org: str | None = None
    child_seen: bool | None = None
    seen_alone: bool | None = None
    method: str | None = None  # face_to_face | virtual | phone | None
    attending_school: bool | None = None
    any_concerns: bool | None = None
    risk_changed: bool | None = None
    observations: str = ""
    concerns: str = ""
    text: str = ""  # all narrative text read (new part of body + documents), for risk rules
    sources: tuple[str, ...] = ()  # where the record came from: "body", "attachment 'x.docx'"
    fields: tuple[tuple[str, str], ...] = ()  # every (label, value) pair read, for people to see
    ocr_confidence: float | None = None  # mean word confidence 0..100 when OCR was used
    problems: tuple[Problem, ...] = field(default=())


@dataclass(frozen=True)
class Reading:
    """The result of reading one raw message."""

    message: ParsedMessage
    record: VisitRecord

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.message.problems + self.record.problems
