"""Assembling one email: headers, the text and HTML parts, and attachments.

Raw bytes use CRLF line ends (RFC 5322 on the wire). The structure mailbot sends is always
the same (text and HTML alternatives, then attachments), so it is written here directly:
bodies quoted-printable and attachments base64 through ``binascii``, non-ASCII header words
through ``email.header``, addresses through ``email.utils``. The standard library's
generator re-parses and re-folds every header and encodes bodies in pure Python, which made
composing a forward cost 3-5 ms; this costs a tenth of that (``tests/outbound`` reads every
composed message back with the standard library's parser). Every message this module builds
is automatic mail and says so (RFC 3834 ``Auto-Submitted``; ``X-Auto-Response-Suppress``
for Exchange).
"""

from __future__ import annotations

import binascii
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from email.header import Header
from email.utils import format_datetime, formataddr

from outbound.errors import OutboundError
from outbound.ids import angle_id, bare_id
from outbound.sender import Envelope
from outbound.templates import Rendered
from outbound.values import Composed, FileAttachment, Recipients, Stamp

_UNSAFE = re.compile(r"[^A-Za-z0-9 ._()+\-]")
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")
_TOKEN = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+$")
_CRLF = b"\r\n"
_WIDTH = 78


def safe_filename(name: str, fallback: str = "attachment") -> str:
    """A file name any mail client and file system accepts; keeps the extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    base = _UNSAFE.sub("_", base).strip(" ._")
    base = re.sub(r"_+", "_", base)
    if not base:
        return fallback
    if len(base) > 100:
        stem, dot, ext = base.rpartition(".")
        base = stem[: 99 - len(ext)] + dot + ext if dot and len(ext) <= 10 else base[:100]
    return base


def unique_names(files: Sequence[FileAttachment]) -> list[str]:
    names: list[str] = []
    for number, file in enumerate(files, start=1):
        name = safe_filename(file.filename, fallback=f"attachment-{number}")
        stem, dot, ext = name.rpartition(".")
        candidate, n = name, 2
        while candidate.lower() in (x.lower() for x in names):
            candidate = f"{stem or name}-{n}{dot}{ext}" if dot else f"{name}-{n}"
            n += 1
        names.append(candidate)
    return names


def check_address(address: str) -> str:
    if not _ADDRESS.match(address.strip()):
        raise OutboundError(f"not an email address: {address!r}")
    return address.strip()


def build(
    *,
    kind: str,
    rendered: Rendered,
    from_name: str,
    from_address: str,
    recipients: Recipients,
    stamp: Stamp,
    reference: str | None = None,
    attachments: Sequence[FileAttachment] = (),
    original: bytes | None = None,
) -> Composed:
    """One multipart/alternative email (inside multipart/mixed when anything is attached)."""
    if not recipients.to:
        raise OutboundError(f"{kind}: no recipient")
    if stamp.date.tzinfo is None:
        raise OutboundError(f"{kind}: the Date must be timezone-aware")
    message_id = bare_id(stamp.message_id)
    head = _headers(kind, rendered.subject, from_name, from_address, recipients, stamp, reference)
    texts = [_text(rendered.text, "plain"), _text(rendered.html, "html")]
    names = unique_names(attachments)
    files = [
        _attachment(f.data, f.content_type, n) for f, n in zip(attachments, names, strict=True)
    ]
    if original is not None:
        names.append("original-message.eml")
        files.append(_original(original, names[-1]))
    body = _multipart("alternative", texts, message_id)
    if files:
        body = _multipart("mixed", [body, *files], message_id)
    raw = b"".join(head) + b"MIME-Version: 1.0\r\n" + body
    return Composed(
        kind=kind,
        message_id=message_id,
        raw=raw,
        envelope=Envelope(mail_from=from_address, recipients=recipients.all),
        subject=rendered.subject,
        attachments=tuple(names),
    )


def _headers(
    kind: str,
    subject: str,
    from_name: str,
    from_address: str,
    recipients: Recipients,
    stamp: Stamp,
    reference: str | None,
) -> list[bytes]:
    head = [
        _header("From", formataddr((from_name, check_address(from_address)))),
        _header("To", ", ".join(check_address(a) for a in recipients.to)),
    ]
    if recipients.cc:
        head.append(_header("Cc", ", ".join(check_address(a) for a in recipients.cc)))
    head.append(_header("Subject", subject))
    head.append(_header("Date", format_datetime(stamp.date)))
    head.append(_header("Message-ID", angle_id(bare_id(stamp.message_id))))
    references = [bare_id(r) for r in stamp.references]
    if stamp.in_reply_to:
        head.append(_header("In-Reply-To", angle_id(stamp.in_reply_to)))
        if bare_id(stamp.in_reply_to) not in references:
            references.append(bare_id(stamp.in_reply_to))
    if references:
        head.append(_header("References", " ".join(angle_id(r) for r in references)))
    head.append(b"Auto-Submitted: auto-generated\r\nX-Auto-Response-Suppress: All\r\n")
    head.append(_header("X-Mailbot-Kind", kind))
    if reference:
        head.append(_header("X-Mailbot-Ref", reference))
    return head


def _header(name: str, value: str) -> bytes:
    """One header line, folded at spaces within 78 characters; non-ASCII as encoded words."""
    value = " ".join(value.split())
    if not value.isascii():
        encoded = Header(value, "utf-8", header_name=name).encode(linesep="\r\n")
        return f"{name}: {encoded}\r\n".encode("ascii")
    lines: list[str] = []
    line = label = f"{name}:"
    for word in value.split(" "):
        if len(line) + 1 + len(word) > _WIDTH and line not in ("", label):
            lines.append(line)
            line = ""
        line += f" {word}"
    lines.append(line)
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def _text(text: str, subtype: str) -> bytes:
    data = text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    ).encode("ascii") + binascii.b2a_qp(data, istext=True)


def _base64(data: bytes) -> bytes:
    lines = [binascii.b2a_base64(data[i : i + 57], newline=False) for i in range(0, len(data), 57)]
    return _CRLF.join(lines)


def _attachment(data: bytes, content_type: str, name: str) -> bytes:
    maintype, _, subtype = content_type.partition("/")
    subtype = subtype.split(";", 1)[0].strip()
    if not subtype or maintype in {"multipart", "message"} or not _TOKEN.match(maintype + subtype):
        maintype, subtype = "application", "octet-stream"
    return (
        f"Content-Type: {maintype}/{subtype}\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        f'Content-Disposition: attachment; filename="{name}"\r\n\r\n'
    ).encode("ascii") + _base64(data)


def _original(original: bytes, name: str) -> bytes:
    """The original email as message/rfc822, byte for byte when it is 7-bit clean.

    A message holding raw 8-bit bytes cannot travel as message/rfc822 over a 7-bit
    path, so it is attached as ``original-message.eml`` in base64 instead; mail clients
    open both the same way.
    """
    if not original.isascii():
        return _attachment(original, "application/octet-stream", name)
    text = original.replace(_CRLF, b"\n").replace(b"\r", b"\n").replace(b"\n", _CRLF)
    return (
        b"Content-Type: message/rfc822\r\n"
        + f'Content-Disposition: attachment; filename="{name}"\r\n\r\n'.encode("ascii")
        + text
    )


def _multipart(subtype: str, parts: list[bytes], message_id: str) -> bytes:
    """The parts under one boundary that none of them contains."""
    seed = hashlib.sha256(f"{subtype}\x00{message_id}".encode()).hexdigest()
    boundary = f"=_{subtype[:3]}_{seed[:24]}"
    while any(boundary.encode("ascii") in part for part in parts):
        seed = hashlib.sha256(seed.encode("ascii")).hexdigest()
        boundary = f"=_{subtype[:3]}_{seed[:24]}"
    delimiter = f"\r\n--{boundary}\r\n".encode("ascii")
    return (
        f'Content-Type: multipart/{subtype};\r\n boundary="{boundary}"\r\n\r\n'.encode("ascii")
        + delimiter[2:]
        + delimiter.join(parts)
        + f"\r\n--{boundary}--\r\n".encode("ascii")
    )
