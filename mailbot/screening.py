"""Screening: which messages are not records at all (automatic replies, bounces, bulk, our own).

Pure: takes a parsed message and the addresses that are ours; never answers anything.
"""

from __future__ import annotations

import re
from collections.abc import Set

from mailbot.model import Screening
from parsers.record import ParsedMessage

PROCESS = Screening("process")

AUTO_SUBJECT = re.compile(
    r"^\s*(?:\[?(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply|out of (?:the )?office"
    r"|ooo|away from (?:the )?office|on annual leave|on leave|abwesenheit|absence|auto)\]?\s*[:\-]"
    r"|out of (?:the )?office\b|i am (?:currently )?(?:out of (?:the )?office|on annual leave|away)"
    r"|(?:automatic|auto) reply\b)",
    re.IGNORECASE,
)
AUTO_BODY = re.compile(
    r"\b(?:i am|i'm) (?:currently )?(?:out of (?:the )?office|on (?:annual )?leave|away from "
    r"(?:the|my) (?:office|desk)|not in the office)\b"
    r"|\bthis is an automatic(?:ally generated)? (?:reply|response|message)\b"
    r"|\bi will (?:be )?(?:respond|reply|back)\b.{0,60}\b(?:on my return|when i return|return on)\b",
    re.IGNORECASE | re.DOTALL,
)
BOUNCE_SENDER = re.compile(r"^(?:mailer-daemon|postmaster|microsoftexchange[0-9a-f]*)@", re.I)
BOUNCE_SUBJECT = re.compile(
    r"^\s*(?:undeliverable|undelivered mail|delivery status notification|mail delivery failed"
    r"|returned mail|delivery has failed|failure notice|message not delivered)",
    re.IGNORECASE,
)
BULK_PRECEDENCE = {"bulk", "list", "junk"}


def screen(message: ParsedMessage, own_addresses: Set[str]) -> Screening:
    """Decide whether a message should be read as a record, ignored, or shown to a person."""
    sender = message.sender.lower()
    if sender in own_addresses or (message.header("x-mailbot-kind") and sender in own_addresses):
        return Screening("ignore", "sent by mailbot itself")
    if _is_bounce(message):
        return Screening(
            "exception",
            "delivery failure report: an email was not delivered; check the address it was sent to",
        )
    auto = _automatic(message)
    if auto:
        return Screening("ignore", auto)
    precedence = (message.header("precedence") or "").strip().lower()
    if (
        precedence in BULK_PRECEDENCE
        or message.header("list-unsubscribe")
        or message.header("list-id")
    ):
        return Screening("ignore", "bulk or mailing-list mail")
    return PROCESS


def _is_bounce(message: ParsedMessage) -> bool:
    types = set(message.content_types)
    if "multipart/report" in types and (
        "message/delivery-status" in types or "message/global-delivery-status" in types
    ):
        return True
    if BOUNCE_SENDER.match(message.sender):
        return True
    return bool(BOUNCE_SUBJECT.match(message.subject)) and not message.attachments


def _automatic(message: ParsedMessage) -> str | None:
    auto_submitted = (message.header("auto-submitted") or "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"automatic reply (Auto-Submitted: {auto_submitted})"
    precedence = (message.header("precedence") or "").strip().lower()
    if precedence == "auto_reply":
        return "automatic reply (Precedence: auto_reply)"
    if message.header("x-autoreply") or message.header("x-autorespond"):
        return "automatic reply (X-Autoreply)"
    subject_auto = bool(AUTO_SUBJECT.match(message.subject))
    suppress = message.header("x-auto-response-suppress") is not None
    body_auto = bool(AUTO_BODY.search(message.new_text[:1500]))
    has_documents = any(a.kind not in {"image", "unknown"} for a in message.attachments)
    if subject_auto and (body_auto or suppress or not has_documents):
        return "automatic reply (out of office)"
    if body_auto and suppress and not has_documents:
        return "automatic reply (out of office)"
    return None
