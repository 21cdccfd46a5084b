"""One raw email to a ParsedMessage: headers, body text, attachments, attached and forwarded messages.

The standard library's ``email`` package does the MIME work (it serves better than mail-parser here:
it keeps every part, its defects and raw headers, and never logs message content). Headers are
decoded by hand from the raw values so that a broken header cannot stop the reading.
"""

from __future__ import annotations

import binascii
import email
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from email import policy
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from .charsets import decode_bytes, decode_header_value
from .html_text import html_to_text
from .options import ReadOptions
from .quotes import find_forward, new_text
from .record import Attachment, ParsedMessage, Problem, ProblemKind
from .sniff import sniff

_SERIOUS_DEFECTS = {
    "NoBoundaryInMultipartDefect",
    "StartBoundaryNotFoundDefect",
    "MultipartInvariantViolationDefect",
    "MissingHeaderBodySeparatorDefect",
    "InvalidMultipartContentTransferEncodingDefect",
}
_UU_BEGIN = re.compile(r"^begin [0-7]{3,4} (.+)$", re.M)


@dataclass
class _Walk:
    options: ReadOptions
    depth: int  # attached-message depth of this message
    content_types: list[str] = field(default_factory=list)
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)  # message/rfc822 parts
    problems: list[Problem] = field(default_factory=list)
    smime_enveloped: bool = False


def _raw_str(value: object) -> str:
    text = str(value)
    try:
        return decode_bytes(text.encode("utf-8", "surrogateescape"), None)
    except UnicodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def _headers(msg: Message) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for name, value in msg.raw_items():
        out.append((str(name).strip().lower(), decode_header_value(_raw_str(value))))
    return tuple(out)


def _first(headers: tuple[tuple[str, str], ...], name: str) -> str:
    for key, value in headers:
        if key == name:
            return value
    return ""


def strip_id(value: str) -> str | None:
    found = re.search(r"<([^<>\s]+)>", value)
    text = found.group(1) if found else value.strip().strip("<>").strip()
    return text or None


def ids(value: str) -> tuple[str, ...]:
    found = re.findall(r"<([^<>\s]+)>", value)
    return tuple(found) if found else tuple(v for v in value.split() if "@" in v)


def addresses(value: str) -> list[tuple[str, str]]:
    """(display name, lower-cased address) pairs; split before RFC 2047 names are decoded, so a
    comma inside an encoded name ("=?iso-8859-1?Q?Smith=2C_Jo?=") does not split it."""
    try:
        pairs = getaddresses([value])
    except (ValueError, IndexError, TypeError):
        return []
    return [
        (decode_header_value(name).strip(), addr.strip().lower())
        for name, addr in pairs
        if addr and "@" in addr
    ]


def _raw_all(msg: Message, name: str) -> str:
    return ", ".join(_raw_str(v) for k, v in msg.raw_items() if str(k).lower() == name)


def parse_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None


def safe_filename(name: str | None, fallback: str) -> str:
    """A display name only: no directories, no control characters, bounded length."""
    text = (name or "").replace("\\", "/").split("/")[-1]
    text = "".join(ch for ch in text if ch.isprintable()).strip().lstrip(".")
    return (text or fallback)[:200]


def _part_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, binascii.Error, AssertionError, LookupError):
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except (ValueError, IndexError, TypeError, LookupError, AttributeError):
        name = None
    if name is None:
        try:
            param = part.get_param("name")
        except (ValueError, IndexError, TypeError):
            param = None
        name = param if isinstance(param, str) else None
    return decode_header_value(_raw_str(name)) if name else None


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except (ValueError, IndexError, TypeError, AttributeError):
        return ""


def _walk(part: Message, walk: _Walk, mime_depth: int) -> None:
    limits = walk.options.limits
    if mime_depth > limits.max_mime_depth:
        walk.problems.append(
            Problem(
                ProblemKind.NESTING,
                "message",
                f"MIME parts nested deeper than {limits.max_mime_depth}",
            )
        )
        return
    ctype = part.get_content_type().lower()
    walk.content_types.append(ctype)
    if ctype == "application/pkcs7-mime" or ctype == "application/x-pkcs7-mime":
        smime_type = str(part.get_param("smime-type") or "").lower()
        if smime_type in ("enveloped-data", "authenveloped-data", ""):
            walk.smime_enveloped = True
    if part.is_multipart():
        payload = part.get_payload()
        if ctype == "message/rfc822" or (
            ctype.startswith("message/") and ctype != "message/delivery-status"
        ):
            walk.messages.extend(m for m in payload if isinstance(m, Message))  # type: ignore[union-attr]
            return
        if isinstance(payload, list):
            for sub in payload:
                if isinstance(sub, Message):
                    _walk(sub, walk, mime_depth + 1)
        return
    disposition = _disposition(part)
    filename = _filename(part)
    main = part.get_content_maintype().lower()
    if main == "text" and disposition != "attachment" and not filename:
        data = _part_bytes(part)
        text = decode_bytes(data, part.get_content_charset())
        if ctype == "text/html":
            walk.html.append(text)
        elif ctype == "text/plain":
            walk.plain.append(_uudecode_into(text, walk))
        return  # other text parts (calendar, enriched, headers) are not the record
    if ctype in ("message/delivery-status", "message/disposition-notification"):
        return
    data = _part_bytes(part)
    if len(walk.attachments) >= limits.max_attachments:
        walk.problems.append(
            Problem(
                ProblemKind.TOO_LARGE,
                "message",
                f"more than {limits.max_attachments} attachments; the rest not read",
            )
        )
        return
    _add_attachment(walk, filename, ctype, data)


def _add_attachment(walk: _Walk, filename: str | None, ctype: str, data: bytes) -> None:
    limits = walk.options.limits
    name = safe_filename(filename, f"part{len(walk.attachments) + 1}")
    if len(data) > limits.max_attachment_bytes:
        walk.problems.append(
            Problem(
                ProblemKind.TOO_LARGE,
                f"attachment '{name}'",
                f"the attachment is {len(data) // (1024 * 1024)} MB, over the "
                f"{limits.max_attachment_bytes // (1024 * 1024)} MB limit; it was not read",
            )
        )
        walk.attachments.append(Attachment(name, ctype, sniff(data[:4096]), b""))
        return
    walk.attachments.append(Attachment(name, ctype, sniff(data), data))


def _uudecode_into(text: str, walk: _Walk) -> str:
    """Pull uuencoded files ("begin 644 name" … "end") out of a text body into attachments."""
    if "begin " not in text:
        return text
    out = text
    for match in list(_UU_BEGIN.finditer(text)):
        end = text.find("\nend", match.end())
        if end < 0:
            continue
        block = text[match.end() : end].strip("\r\n").splitlines()
        data = bytearray()
        try:
            for line in block:
                if line.strip() and line.strip() != "`":
                    data += binascii.a2b_uu(line.rstrip("\r"))
        except binascii.Error:
            continue
        _add_attachment(walk, match.group(1).strip(), "application/octet-stream", bytes(data))
        out = out.replace(text[match.start() : end + 4], "")
    return out


def _body(walk: _Walk) -> str:
    plain = "\n\n".join(p for p in walk.plain if p.strip()).strip()
    if plain and not walk.html:
        return plain
    html = "\n\n".join(html_to_text(h) for h in walk.html).strip()
    # A plain part that is only a stub ("See the HTML version") loses to a richer HTML part.
    if plain and len(plain) >= max(200, len(html) // 2):
        return plain
    return html if len(html) > len(plain) else plain


def from_message(
    msg: Message, options: ReadOptions, depth: int = 0
) -> tuple[ParsedMessage, list[Message]]:
    """A ParsedMessage (without inner messages) and the attached message/rfc822 parts still to read."""
    headers = _headers(msg)
    walk = _Walk(options=options, depth=depth)
    _walk(msg, walk, 0)
    defects = {type(d).__name__ for d in getattr(msg, "defects", [])}
    if defects & _SERIOUS_DEFECTS or not any(
        k in ("from", "subject", "date", "message-id", "to") for k, _ in headers
    ):
        walk.problems.insert(
            0,
            Problem(
                ProblemKind.MALFORMED,
                "message",
                "the email's structure is broken; what could be read has been read",
            ),
        )
    if walk.smime_enveloped:
        walk.problems.append(
            Problem(
                ProblemKind.SMIME,
                "message",
                "the email is S/MIME encrypted and cannot be read here: ask the sender to send the "
                "record unencrypted through the agreed secure route, or open it in Outlook and "
                "save the record as an attachment",
            )
        )
    body = _body(walk)
    senders = addresses(_raw_all(msg, "from"))
    sender_name, sender = senders[0] if senders else ("", "")
    parsed = ParsedMessage(
        message_id=strip_id(_first(headers, "message-id")),
        subject=_first(headers, "subject"),
        sender=sender,
        sender_name=sender_name,
        to=tuple(a for _, a in addresses(_raw_all(msg, "to"))),
        cc=tuple(a for _, a in addresses(_raw_all(msg, "cc"))),
        date=parse_date(_first(headers, "date")),
        in_reply_to=strip_id(_first(headers, "in-reply-to")),
        references=ids(_first(headers, "references")),
        headers=headers,
        content_types=tuple(walk.content_types),
        body=body,
        new_text=new_text(body),
        attachments=tuple(walk.attachments),
        problems=tuple(walk.problems),
    )
    return parsed, walk.messages


def parse_bytes(raw: bytes) -> Message:
    return email.message_from_bytes(raw, policy=policy.compat32)


def headers_only(raw: bytes, options: ReadOptions) -> ParsedMessage:
    """For a message over the size limit: its headers, and a TOO_LARGE problem."""
    split = re.search(rb"\r?\n\r?\n", raw[: 256 * 1024])
    head = raw[: split.start()] if split else raw[: 64 * 1024]
    parsed, _ = from_message(parse_bytes(head + b"\n\n"), options)
    limit = options.limits.max_message_bytes // (1024 * 1024)
    problem = Problem(
        ProblemKind.TOO_LARGE,
        "message",
        f"the email is {len(raw) // (1024 * 1024)} MB, over the {limit} MB limit; it was not read",
    )
    return replace(parsed, body="", new_text="", content_types=(), problems=(problem,))


def forwarded_message(parsed: ParsedMessage) -> ParsedMessage | None:
    """The message forwarded inside the body ("Forwarded message" or an FW: with Outlook headers)."""
    found = find_forward(parsed.body, parsed.subject)
    if found is None or not found.body.strip():
        return None
    headers = found.headers
    senders = addresses(_first(headers, "from").replace("[mailto:", "<").replace("]", ">"))
    sender_name, sender = senders[0] if senders else (_first(headers, "from"), "")
    return ParsedMessage(
        message_id=None,
        subject=_first(headers, "subject"),
        sender=sender,
        sender_name=sender_name,
        to=tuple(a for _, a in addresses(_first(headers, "to"))),
        cc=tuple(a for _, a in addresses(_first(headers, "cc"))),
        date=parse_date(_first(headers, "date") or _first(headers, "sent")),
        in_reply_to=None,
        references=(),
        headers=headers,
        content_types=("text/plain",),
        body=found.body,
        new_text=new_text(found.body),
    )
