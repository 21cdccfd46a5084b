"""Assembling one email: headers, the text and HTML parts, and attachments.

Raw bytes use CRLF line ends (RFC 5322 on the wire); ``email.policy.SMTP`` folds headers
and encodes non-ASCII words. Every message this module builds is automatic mail and
says so (RFC 3834 ``Auto-Submitted``; ``X-Auto-Response-Suppress`` for Exchange).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from outbound.errors import OutboundError
from outbound.ids import angle_id, bare_id
from outbound.sender import Envelope
from outbound.templates import Rendered
from outbound.values import Composed, FileAttachment, Recipients, Stamp

_UNSAFE = re.compile(r"[^A-Za-z0-9 ._()+\-]")
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")


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
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = formataddr((from_name, check_address(from_address)))
    msg["To"] = ", ".join(check_address(a) for a in recipients.to)
    if recipients.cc:
        msg["Cc"] = ", ".join(check_address(a) for a in recipients.cc)
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(stamp.date)
    msg["Message-ID"] = angle_id(message_id)
    references = [bare_id(r) for r in stamp.references]
    if stamp.in_reply_to:
        msg["In-Reply-To"] = angle_id(stamp.in_reply_to)
        if bare_id(stamp.in_reply_to) not in references:
            references.append(bare_id(stamp.in_reply_to))
    if references:
        msg["References"] = " ".join(angle_id(r) for r in references)
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    msg["X-Mailbot-Kind"] = kind
    if reference:
        msg["X-Mailbot-Ref"] = reference
    msg.set_content(rendered.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="quoted-printable")
    names = unique_names(attachments)
    for file, name in zip(attachments, names, strict=True):
        maintype, _, subtype = file.content_type.partition("/")
        if not subtype or maintype in {"multipart", "message"}:
            maintype, subtype = "application", "octet-stream"
        msg.add_attachment(file.data, maintype=maintype, subtype=subtype, filename=name)
    if original is not None:
        names.append(_attach_original(msg, original))
    raw = msg.as_bytes(policy=policy.SMTP)
    return Composed(
        kind=kind,
        message_id=message_id,
        raw=raw,
        envelope=Envelope(mail_from=from_address, recipients=recipients.all),
        subject=rendered.subject,
        attachments=tuple(names),
    )


def _attach_original(msg: EmailMessage, original: bytes) -> str:
    """The original email as message/rfc822, byte for byte when it is 7-bit clean.

    A message holding raw 8-bit bytes cannot travel as message/rfc822 over a 7-bit
    path, so it is attached as ``original-message.eml`` in base64 instead; mail clients
    open both the same way.
    """
    name = "original-message.eml"
    if original.isascii():
        part = EmailMessage(policy=policy.SMTP)
        text = original.decode("ascii").replace("\r\n", "\n").replace("\n", "\r\n")
        part.set_payload(text)
        part["Content-Type"] = "message/rfc822"
        part["Content-Disposition"] = f'attachment; filename="{name}"'
        msg.make_mixed()
        msg.attach(part)
    else:
        msg.add_attachment(original, maintype="application", subtype="octet-stream", filename=name)
    return name
