"""Automatic answers to the sender of a record: an acknowledgement, or "we could not read this".

Never to automatic mail (screening stops those before a record is read), never to our own
addresses, and never more than ``forwarding.max_auto_per_address_per_day`` to one address.
Queued in the outbox in the message's own transaction, keyed by the message, so once only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from mailbot.context import Deps
from mailbot.routing import queue_composed
from outbound import compose
from outbound.ids import domain_of, make_message_id, make_reference
from outbound.values import Composed, Stamp
from parsers.record import ParsedMessage, ProblemKind
from store.models import MessageRow, OutboxRow

AUTO_KINDS = ("acknowledgement", "cannot_read")
CANNOT_READ = {
    ProblemKind.ENCRYPTED: "password_protected",
    ProblemKind.CORRUPT: "corrupt",
    ProblemKind.SECURE_MAIL: "secure_link",
    ProblemKind.SMIME: "secure_link",
    ProblemKind.LOW_CONFIDENCE_OCR: "unreadable_scan",
}


def reference_for(row: MessageRow, prefix: str) -> str:
    """Our reference for a received message, quoted in what we send back about it."""
    return make_reference(f"message:{row.id}:{row.sha256}", prefix)


def _allowed(session: Session, deps: Deps, address: str, now: datetime) -> bool:
    if not address or address in deps.own_addresses:
        return False
    since = now - timedelta(days=1)
    sent = session.scalar(
        select(func.count())
        .select_from(OutboxRow)
        .where(
            OutboxRow.kind.in_(AUTO_KINDS),
            OutboxRow.created_at >= since,
            cast(OutboxRow.recipients, String).contains(f'"{address}"'),
        )
    )
    return (sent or 0) < deps.settings.forwarding.max_auto_per_address_per_day


def _stamp(deps: Deps, key: str, message: ParsedMessage, now: datetime) -> Stamp:
    references = (*message.references, message.message_id) if message.message_id else ()
    return Stamp(
        message_id=make_message_id(domain_of(deps.mailbox_address), key),
        date=now,
        in_reply_to=message.message_id,
        references=tuple(r for r in references if r),
    )


def acknowledge(
    session: Session, deps: Deps, row: MessageRow, message: ParsedMessage, now: datetime
) -> bool:
    if not deps.settings.forwarding.acknowledge_senders:
        return False
    if not _allowed(session, deps, message.sender, now):
        return False
    key = f"acknowledgement:{row.id}"
    reference = reference_for(row, deps.settings.matching.reference_prefix)
    composed = compose.acknowledgement(
        deps.templates,
        stamp=_stamp(deps, key, message, now),
        to=[message.sender],
        reference=reference,
        received=now.date(),
    )
    return _queue(session, key, composed, now, reference)


def cannot_read(
    session: Session,
    deps: Deps,
    row: MessageRow,
    message: ParsedMessage,
    reasons: Sequence[str],
    now: datetime,
) -> bool:
    if not reasons or not deps.settings.forwarding.cannot_read_replies:
        return False
    if not _allowed(session, deps, message.sender, now):
        return False
    key = f"cannot_read:{row.id}"
    reference = reference_for(row, deps.settings.matching.reference_prefix)
    composed = compose.cannot_read(
        deps.templates,
        stamp=_stamp(deps, key, message, now),
        to=[message.sender],
        reasons=list(dict.fromkeys(reasons)),
        received=now.date(),
        reference=reference,
    )
    return _queue(session, key, composed, now, reference)


def _queue(session: Session, key: str, composed: Composed, now: datetime, ref: str) -> bool:
    return queue_composed(session, key, composed, now, reference=ref) is not None
