"""A second look at a broken email: mail-parser names its defects, and a body that the MIME
structure hides (a multipart without a boundary) is read as plain text."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from .charsets import decode_bytes
from .quotes import new_text
from .record import ParsedMessage, Problem, ProblemKind

log = logging.getLogger(__name__)

_PLAIN_WORDS = {
    "NoBoundaryInMultipartDefect": "a multipart email without a boundary",
    "StartBoundaryNotFoundDefect": "a missing start boundary",
    "CloseBoundaryNotFoundDefect": "a missing end boundary",
    "MultipartInvariantViolationDefect": "parts that contradict their type",
    "MissingHeaderBodySeparatorDefect": "headers run into the body",
    "InvalidBase64PaddingDefect": "damaged base64",
    "InvalidBase64CharactersDefect": "damaged base64",
    "InvalidBase64LengthDefect": "damaged base64",
    "FirstHeaderLineIsContinuationDefect": "a damaged first header",
    "MisplacedEnvelopeHeaderDefect": "a misplaced envelope header",
}


def defects(raw: bytes) -> list[str]:
    """The email's structural defects in plain words, as mail-parser categorises them."""
    try:
        import mailparser

        categories = set(mailparser.parse_from_bytes(raw).defects_categories)
    except Exception:  # mail-parser gives up on some broken mail: nothing more to say then
        return []
    return sorted({_PLAIN_WORDS.get(c, c) for c in categories})


def recover(raw: bytes, message: ParsedMessage) -> ParsedMessage:
    """``message`` with a clearer MALFORMED detail and, when it had no body, the text recovered."""
    if not any(p.kind is ProblemKind.MALFORMED for p in message.problems):
        return message
    found = defects(raw)
    problems = tuple(
        Problem(p.kind, p.part, f"the email's structure is broken ({'; '.join(found)}); what "
                "could be read has been read") if p.kind is ProblemKind.MALFORMED and found else p
        for p in message.problems
    )  # fmt: skip
    body = message.body
    if not body.strip() and not message.attachments:
        _, _, rest = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
        text = decode_bytes(rest, None)
        printable = sum(ch.isprintable() or ch in "\n\t" for ch in text)
        if text.strip() and printable >= 0.95 * len(text) and not re.search(r"^--\S", text, re.M):
            body = text.strip()
    return replace(message, problems=problems, body=body, new_text=new_text(body) if body else "")
