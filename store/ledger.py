"""The processed-message ledger and the raw messages it points at."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import MessageRow, RawMessage


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def seen_position(session: Session, mailbox: str, position: str) -> MessageRow | None:
    return session.scalar(
        select(MessageRow).where(MessageRow.mailbox == mailbox, MessageRow.position == position)
    )


def keep_raw(session: Session, raw: bytes, now: datetime) -> str:
    """Store the bytes once under their SHA-256; returns the digest."""
    digest = sha256(raw)
    if session.get(RawMessage, digest) is None:
        session.add(RawMessage(sha256=digest, size=len(raw), data=raw, stored_at=now))
        session.flush()
    return digest


def earlier_copy(
    session: Session, message_id: str | None, digest: str, *, before: int | None = None
) -> MessageRow | None:
    """The first message (received before row ``before``) with the same Message-ID or bytes."""
    query = select(MessageRow).where(MessageRow.outcome != "duplicate")
    if before is not None:
        query = query.where(MessageRow.id < before)
    if message_id:
        query = query.where((MessageRow.message_id == message_id) | (MessageRow.sha256 == digest))
    else:
        query = query.where(MessageRow.sha256 == digest)
    return session.scalar(query.order_by(MessageRow.id).limit(1))


def raw_bytes(session: Session, digest: str) -> bytes | None:
    row = session.get(RawMessage, digest)
    return row.data if row is not None else None
