"""Turning a part's bytes into text whatever its label says (cp1252 sent as UTF-8, and so on)."""

from __future__ import annotations

import codecs
import re
from email.header import decode_header

_LATIN = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1", "l1", "cp819"}


def decode_bytes(data: bytes, declared: str | None) -> str:
    """Text from bytes: the declared charset if it fits, else UTF-8, else Windows-1252."""
    label = (declared or "").strip().strip('"').lower()
    if label in _LATIN:
        label = "cp1252"  # as browsers do: Latin-1 labels almost always mean Windows-1252
    candidates = [label] if label else []
    candidates += ["utf-8", "cp1252"]
    for charset in candidates:
        try:
            codecs.lookup(charset)
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    return data.decode("latin-1")


def decode_header_value(value: str) -> str:
    """An RFC 2047 encoded header in plain text; undecodable words kept as written."""
    if "=?" not in value:
        return _unfold(value)
    try:
        parts = decode_header(value)
    except (ValueError, IndexError, LookupError, AssertionError):
        return _unfold(value)
    out: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, charset))
        else:
            out.append(chunk)
    return _unfold("".join(out))


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n[ \t]+", " ", value).strip()
