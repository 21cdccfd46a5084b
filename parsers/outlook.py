"""Outlook's own formats: winmail.dat (TNEF, through tnefparse) and .msg items (OLE compound
files, through olefile). Both become a body and attachments; nothing is written to disk."""

from __future__ import annotations

import email
import io
from dataclasses import dataclass, field
from email import policy
from typing import Any

from .charsets import decode_bytes, decode_header_value
from .errors import ReaderFailure
from .html_text import html_to_text
from .legacy import rtf_to_text
from .record import ProblemKind


@dataclass
class OutlookItem:
    subject: str = ""
    sender: str = ""
    sender_name: str = ""
    to: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str = ""
    attachments: list[tuple[str, bytes]] = field(default_factory=list)  # (name, data)
    items: list[OutlookItem] = field(default_factory=list)  # attached .msg items


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return decode_bytes(value.rstrip(b"\x00"), None)
    return str(value)


def read_tnef(data: bytes) -> OutlookItem:
    """Body and attachments of a winmail.dat."""
    from tnefparse import TNEF

    try:
        tnef = TNEF(data, do_checksum=False)
    except Exception as exc:  # tnefparse raises ValueError, struct.error and others
        raise ReaderFailure(
            ProblemKind.CORRUPT, "the winmail.dat (Outlook) part is damaged"
        ) from exc
    item = OutlookItem()
    body = _text(tnef.body)
    if not body.strip() and tnef.htmlbody:
        body = html_to_text(_text(tnef.htmlbody))
    if not body.strip():
        try:
            rtf = tnef.rtfbody
        except Exception:  # needs the optional compressed_rtf package; a body is a bonus
            rtf = None
        if rtf:
            body = rtf_to_text(_text(rtf))
    item.body = body
    for attachment in tnef.attachments:
        try:
            name = _text(attachment.long_filename() or attachment.name)
        except Exception:
            name = _text(getattr(attachment, "name", ""))
        payload = attachment.data if isinstance(attachment.data, bytes) else b""
        item.attachments.append((name, payload))
    return item


def _stream(ole: Any, path: str) -> bytes | None:
    try:
        if ole.exists(path):
            return bytes(ole.openstream(path).read())
    except (OSError, ValueError, IndexError):
        return None
    return None


def _prop(ole: Any, prefix: str, tag: str) -> str:
    unicode = _stream(ole, f"{prefix}__substg1.0_{tag}001F")
    if unicode is not None:
        return unicode.decode("utf-16-le", "replace").rstrip("\x00")
    ansi = _stream(ole, f"{prefix}__substg1.0_{tag}001E")
    return decode_bytes(ansi.rstrip(b"\x00"), None) if ansi is not None else ""


def _msg_item(ole: Any, prefix: str, depth: int) -> OutlookItem:
    item = OutlookItem(
        subject=_prop(ole, prefix, "0037"),
        sender_name=_prop(ole, prefix, "0C1A"),
        sender=_prop(ole, prefix, "5D01") or _prop(ole, prefix, "0C1F"),
        to=_prop(ole, prefix, "0E04"),
    )
    transport = _prop(ole, prefix, "007D")
    if transport:
        parsed = email.message_from_string(transport + "\n\n", policy=policy.compat32)
        item.headers = [(k.lower(), decode_header_value(str(v))) for k, v in parsed.raw_items()]
    body = _prop(ole, prefix, "1000")
    if not body.strip():
        html = _stream(ole, f"{prefix}__substg1.0_10130102") or _prop(ole, prefix, "1013").encode()
        body = html_to_text(decode_bytes(html, None)) if html else ""
    item.body = body
    entries = {"/".join(e) for e in ole.listdir(streams=True, storages=True)}
    attach_dirs = sorted(
        {
            e[len(prefix) :].split("/")[0]
            for e in entries
            if e.startswith(prefix + "__attach_version1.0_")
        }
    )
    for directory in attach_dirs[:50]:
        base = f"{prefix}{directory}/"
        name = _prop(ole, base, "3707") or _prop(ole, base, "3704") or directory
        data = _stream(ole, f"{base}__substg1.0_37010102")
        if data is not None:
            item.attachments.append((name, data))
        elif f"{base}__substg1.0_3701000D" in entries and depth < 4:
            item.items.append(_msg_item(ole, f"{base}__substg1.0_3701000D/", depth + 1))
    return item


def read_msg(data: bytes) -> OutlookItem:
    """Subject, sender, body and attachments of an Outlook .msg item (and any .msg inside it)."""
    try:
        import olefile
    except ImportError as exc:
        raise ReaderFailure(
            ProblemKind.UNSUPPORTED, "an Outlook .msg item: the olefile package is not installed"
        ) from exc
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError and others for damaged files
        raise ReaderFailure(ProblemKind.CORRUPT, "the Outlook .msg item is damaged") from exc
    try:
        item = _msg_item(ole, "", 0)
    except Exception as exc:  # olefile raises many types for damaged sector chains
        raise ReaderFailure(ProblemKind.CORRUPT, "the Outlook .msg item is damaged") from exc
    finally:
        ole.close()
    if not (item.subject or item.body.strip() or item.attachments or item.items):
        raise ReaderFailure(ProblemKind.CORRUPT, "the Outlook .msg item is damaged or empty")
    return item
