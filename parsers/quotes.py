"""The sender's own words: quoted history, signatures and disclaimers removed; forwards split off."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ORIGINAL = re.compile(r"^\s*-{2,}\s*original message\s*-{2,}\s*$", re.I)
_FORWARD = re.compile(
    r"^\s*(?:-{3,}\s*forwarded message\s*-{3,}|begin forwarded message:?|-{3,}\s*forwarded by .*)\s*$",
    re.I,
)
_ON_WROTE = re.compile(
    r"^\s*(?:on|le|am|el)\b.{0,300}\b(?:wrote|a écrit|schrieb|escribió)\s*:?\s*$", re.I
)
_ON_START = re.compile(r"^\s*on\b.{5,300}$", re.I)
_WROTE_END = re.compile(r"^.{0,200}\bwrote:\s*$", re.I)
_HEADER = re.compile(r"^\s*\*?(from|sent|date|to|cc|subject)\*?\s*:\s*(.*)$", re.I)
_RULE = re.compile(r"^\s*(?:_{10,}|-{10,})\s*$")
_SIG_DASH = re.compile(r"^--\s?$")
_SIGN_OFF = re.compile(
    r"^\s*(?:kind(?:est)? regards|best regards|warm(?:est)? regards|regards|best wishes|many thanks|"
    r"thanks(?: again)?|thank you|with thanks|cheers|yours sincerely|yours faithfully|all the best|"
    r"sent from my \w+.*|get outlook for \w+.*)\s*[,.!]?\s*$",
    re.I,
)
_DISCLAIMER = re.compile(
    r"(this (?:e-?mail|message)(?: and any (?:files|attachments?)[^.]*)? (?:is|are|may be) "
    r"(?:confidential|intended)|if you (?:have received|are not the intended)|"
    r"intended (?:solely |only )?for the (?:use of the )?(?:individual|addressee|person|named)|"
    r"caution: this (?:e-?mail|message) originated|external email|"
    r"views expressed in this (?:e-?mail|message)|gcsx|protective marking|"
    r"think before you print|please consider the environment|"
    r"may be monitored|subject to the freedom of information)",
    re.I,
)
_MAX_SIGNATURE_LINES = 12
_FORM_LINE = re.compile(r"^\s*([^:]{2,40}):\s*\S")
_CONTACT = re.compile(
    r"^(?:tel|telephone|phone|mob|mobile|m|t|e|w|f|email|e-mail|web|website|fax|address|"
    r"direct(?: line| dial)?|office|ext|switchboard|pronouns|working days|hours)$",
    re.I,
)


@dataclass(frozen=True)
class Forwarded:
    """A forwarded message found inside a body."""

    note: str  # the forwarder's own words above it
    headers: tuple[tuple[str, str], ...]  # (lower-cased name, value) from the quoted header block
    body: str  # the forwarded message's text


def _outlook_block(lines: list[str], start: int) -> int | None:
    """Index just past an Outlook-style "From: / Sent: / To: / Subject:" header block at start."""
    first = _HEADER.match(lines[start])
    if not first or first.group(1).lower() != "from":
        return None
    seen = {"from"}
    index = start + 1
    while index < len(lines) and index < start + 12:
        match = _HEADER.match(lines[index])
        if match:
            seen.add(match.group(1).lower())
        elif lines[index].strip() and not lines[index].startswith((" ", "\t")):
            break
        index += 1
    if ("sent" in seen or "date" in seen) and ("subject" in seen or "to" in seen):
        return index
    return None


def _history_start(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if _ORIGINAL.match(line) or _FORWARD.match(line) or _ON_WROTE.match(line):
            return index
        if (
            _ON_START.match(line)
            and index + 1 < len(lines)
            and _WROTE_END.match(lines[index + 1])
            and not line.rstrip().endswith(".")
        ):
            return index
        if _outlook_block(lines, index) is not None:
            return index - 1 if index > 0 and _RULE.match(lines[index - 1]) else index
    return None


def _strip_signature(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if _SIG_DASH.match(line):
            return lines[:index]
    for index in range(len(lines) - 1, -1, -1):
        if _SIGN_OFF.match(lines[index]):
            rest = [r for r in lines[index + 1 :] if r.strip()]
            form_like = any(
                (m := _FORM_LINE.match(r)) and not _CONTACT.match(m.group(1).strip()) for r in rest
            )
            before = [r for r in lines[:index] if r.strip()]
            if (
                len(rest) <= _MAX_SIGNATURE_LINES
                and all(len(r) < 120 for r in rest)
                and not form_like
                and before
            ):
                return lines[:index]
            break
    return lines


def _strip_disclaimers(text: str) -> str:
    paragraphs = re.split(r"\n\s*\n", text)
    kept = [p for p in paragraphs if not _DISCLAIMER.search(p)]
    return "\n\n".join(kept)


def new_text(body: str) -> str:
    """The sender's own words from a plain-text body."""
    text = _strip_disclaimers(body.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    cut = _history_start(lines)
    if cut is not None:
        lines = lines[:cut]
    lines = [line for line in lines if not line.lstrip().startswith(">")]
    lines = _strip_signature(lines)
    result = "\n".join(lines)
    result = _strip_disclaimers(result)
    return re.sub(r"\n{3,}", "\n\n", result).strip()


def is_forward_subject(subject: str) -> bool:
    return bool(re.match(r"^\s*(?:(?:re|aw|sv)\s*:\s*)*(?:fwd?|fw|tr|wg)\s*:", subject, re.I))


def find_forward(body: str, subject: str) -> Forwarded | None:
    """The forwarded message in a body: after a "Forwarded message" line, or (for an FW: subject)
    after the first Outlook header block or "Original Message" line."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    forward_subject = is_forward_subject(subject)
    for index, line in enumerate(lines):
        marker = bool(_FORWARD.match(line)) or (forward_subject and bool(_ORIGINAL.match(line)))
        block_end = _outlook_block(lines, index) if forward_subject else None
        if not marker and block_end is None:
            continue
        start = index + 1 if marker else index
        while start < len(lines) and not lines[start].strip():
            start += 1
        end = _outlook_block(lines, start) if start < len(lines) else None
        headers: list[tuple[str, str]] = []
        if end is None:
            end = start
            while end < len(lines) and _HEADER.match(lines[end]):
                end += 1
        for header_line in lines[start:end]:
            match = _HEADER.match(header_line)
            if match:
                headers.append((match.group(1).lower(), match.group(2).strip()))
        note_end = index - 1 if index > 0 and _RULE.match(lines[index - 1]) else index
        return Forwarded(
            note="\n".join(lines[:note_end]),
            headers=tuple(headers),
            body="\n".join(lines[end:]).strip("\n"),
        )
    return None
