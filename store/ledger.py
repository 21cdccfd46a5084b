"""The processed-message ledger and the raw messages it points at."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from store.inserts import insert_new
from store.models import MessageRow, RawMessage


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


# Built once: building a statement costs more than running it on an indexed column.
_AT_POSITION = select(MessageRow).where(
    MessageRow.mailbox == bindparam("mailbox"), MessageRow.position == bindparam("position")
)
_FIRST = select(MessageRow).where(
    MessageRow.outcome != "duplicate", MessageRow.id < bindparam("before")
)
_BY_ID_OR_BYTES = (
    _FIRST.where(
        (MessageRow.message_id == bindparam("message_id"))
        | (MessageRow.sha256 == bindparam("digest"))
    )
    .order_by(MessageRow.id)
    .limit(1)
)
_BY_BYTES = _FIRST.where(MessageRow.sha256 == bindparam("digest")).order_by(MessageRow.id).limit(1)


def seen_position(session: Session, mailbox: str, position: str) -> MessageRow | None:
    return session.scalar(_AT_POSITION, {"mailbox": mailbox, "position": position})


def keep_raw(session: Session, raw: bytes, now: datetime) -> str:
    """Store the bytes once under their SHA-256; returns the digest."""
    digest = sha256(raw)
    values = {"sha256": digest, "size": len(raw), "data": raw, "stored_at": now}
    insert_new(session, RawMessage, values, ["sha256"], returning=None)
    return digest


def earlier_copy(
    session: Session, message_id: str | None, digest: str, *, before: int | None = None
) -> MessageRow | None:
    """The first message (received before row ``before``) with the same Message-ID or bytes."""
    values = {"digest": digest, "before": before if before is not None else 2**62}
    if message_id:
        return session.scalar(_BY_ID_OR_BYTES, {**values, "message_id": message_id})
    return session.scalar(_BY_BYTES, values)


def raw_bytes(session: Session, digest: str) -> bytes | None:
    row = session.get(RawMessage, digest)
    return row.data if row is not None else None
