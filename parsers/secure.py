"""Secure-mail notifications: the record is behind a portal link, not in the email."""

from __future__ import annotations

import re

from .record import ParsedMessage, Problem, ProblemKind

_SECURE_SUBJECT = re.compile(
    r"\[\s*(?:secure|encrypt(?:ed)?|official[- ]sensitive[- ]secure)\s*\]|^\s*secure\s*:", re.I
)
_STRONG = re.compile(
    r"(you(?:'|’)ve received a secure message|you have received a secure message|"
    r"sent you a (?:secure|protected|encrypted) message|has sent you a protected message|"
    r"to read (?:this|the|your) (?:secure |encrypted |protected )?message,? (?:click|sign in|open|use)|"
    r"message\.rpmsg|read the message\b.{0,80}\bone-time (?:pass)?code)",
    re.I,
)
_WEAK = re.compile(
    r"(egress (?:switch|protect|secure)|switch\.egress\.com|\begress\.com/|"
    r"microsoft purview message encryption|office 365 message encryption|encrypted message from|"
    r"cryptshare|securemail portal|virtru|zix(?:mail|message))",
    re.I,
)
_RPMSG_TYPES = (
    "application/x-microsoft-rpmsg-message",
    "application/x-microsoft-rpmsg-message-protected",
)

_ADVICE = (
    "ask the sender to send the record as an attachment, not through the secure portal "
    "(or open the portal, save the record and forward it to the mailbox)"
)


def secure_problems(message: ParsedMessage) -> list[Problem]:
    """A SECURE_MAIL problem when the email only points to content held in a secure portal."""
    rpmsg = any(t in _RPMSG_TYPES for t in message.content_types) or any(
        a.filename.lower().endswith(".rpmsg") or a.kind == "rpmsg" for a in message.attachments
    )
    if rpmsg:
        return [
            Problem(
                ProblemKind.SECURE_MAIL,
                "message",
                "the email is protected with Microsoft Purview message encryption (.rpmsg) and "
                f"cannot be read here: {_ADVICE}",
            )
        ]
    text = message.body[:20000]
    bare = not _has_document(message) and len(message.new_text) < 600
    weak = (
        any(k.startswith("x-egress") for k, _ in message.headers)
        or bool(_SECURE_SUBJECT.search(message.subject))
        or bool(_WEAK.search(text))
    )
    if _STRONG.search(text) or (weak and bare):
        return [
            Problem(
                ProblemKind.SECURE_MAIL,
                "message",
                f"the email is a secure-mail notification with a link to a portal: {_ADVICE}",
            )
        ]
    return []


def _has_document(message: ParsedMessage) -> bool:
    return any(a.kind in ("pdf", "docx", "doc", "odt", "rtf") for a in message.attachments)
