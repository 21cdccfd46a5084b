"""Deterministic identifiers: Message-IDs and reference tokens derived from a key.

The same outbox row (key) always gets the same id, so a resend after a crash is the
same message, and a provider's Sent folder can be checked for it.
"""

from __future__ import annotations

import hashlib
import re

from outbound.errors import OutboundError

# Crockford's base32 without I, L, O, U: easy to read aloud and to type back.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def _base32(digest: bytes, length: int) -> str:
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(length):
        number, index = divmod(number, 32)
        chars.append(_ALPHABET[index])
    return "".join(chars)


def make_message_id(domain: str, key: str) -> str:
    """A bare Message-ID (no angle brackets) that depends only on ``domain`` and ``key``."""
    if not _DOMAIN.match(domain):
        raise OutboundError(f"not a usable Message-ID domain: {domain!r}")
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return f"mecc.{_base32(digest, 26).lower()}@{domain}"


def make_reference(key: str, prefix: str = "MECC", length: int = 6) -> str:
    """A reference token such as ``MECC-7K3Q9P``, stable for ``key``."""
    digest = hashlib.sha256(b"reference\x00" + key.encode("utf-8")).digest()
    return f"{prefix}-{_base32(digest, length)}"


def bare_id(message_id: str) -> str:
    """``<abc@x>`` → ``abc@x``; rejects anything that would break a header."""
    value = message_id.strip().removeprefix("<").removesuffix(">").strip()
    if not value or any(c in value for c in " \t\r\n<>"):
        raise OutboundError(f"not a usable Message-ID: {message_id!r}")
    return value


def angle_id(message_id: str) -> str:
    return f"<{bare_id(message_id)}>"


def domain_of(address: str) -> str:
    """The domain of a mailbox address, for Message-IDs."""
    _, _, domain = address.rpartition("@")
    if not domain:
        raise OutboundError(f"not an email address: {address!r}")
    return domain.strip().lower()
