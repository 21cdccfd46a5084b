"""Reading a form's answers: yes/no (text or check boxes), visit method, and children's names."""

from __future__ import annotations

import re
from datetime import date

from .dates import find_dates, parse_date
from .record import ChildMention

CHECKED = "☒☑✔✓■▣"
UNCHECKED = "☐□"
_BOX = re.compile(rf"([{CHECKED}{UNCHECKED}]|\[\s*[xX✓✔]?\s*\]|\(\s*[xX✓✔]?\s*\))")
_YES = {"yes", "y", "yeah", "yep", "true", "checked", "on", "ticked", "x", "seen", "1"}
_NO = {"no", "n", "none", "nope", "false", "off", "unchecked", "nil", "not", "0", "never"}
_NA = {"na", "n a", "not applicable", "unknown", "not known", "tbc"}


def _is_checked(box: str) -> bool:
    if box in CHECKED:
        return True
    return bool(re.search(r"[xX✓✔]", box))


def has_boxes(text: str) -> bool:
    return any(ch in text for ch in CHECKED + UNCHECKED) or bool(
        re.search(r"\[\s*[xX]?\s*\]\s*\w", text)
    )


def checked_options(text: str) -> list[str] | None:
    """The options ticked in "☒ Yes ☐ No"; None when the text has no boxes at all."""
    parts = _BOX.split(text)
    if len(parts) < 3:
        return None
    ticked: list[str] = []
    for index in range(1, len(parts) - 1, 2):
        if _is_checked(parts[index]):
            option = parts[index + 1].strip(" \t:;,/|-")
            if not option and index >= 2:  # box after its option: "Yes ☒ No ☐"
                option = parts[index - 1].strip(" \t:;,/|-").split(" ")[-1]
            ticked.append(option)
    return ticked


def _words(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def parse_yes_no(value: str) -> bool | None:
    """Yes/no from text ("Yes", "N", "No concerns") or check boxes ("☒ Yes ☐ No")."""
    options = checked_options(value)
    if options is not None:
        if not options:
            return None
        return parse_yes_no(options[0])
    words = _words(value)
    if not words or words in _NA or re.fullmatch(r"(?:yes|y) (?:no|n)|(?:no|n) (?:yes|y)", words):
        return None  # both printed options, neither chosen ("Yes / No")
    first = words.split()[0]
    if words.startswith(("no concern", "no issue", "no change", "not at this time")):
        return False
    if first in _YES:
        return True
    if first in _NO:
        return False
    return None


def parse_method(value: str) -> str | None:
    """face_to_face | virtual | phone from the method's answer or its ticked box."""
    options = checked_options(value)
    text = " ".join(options) if options else ("" if options is not None else value)
    words = _words(text)
    if not words:
        return None
    if re.search(r"\b(phone|telephone|call|tel)\b", words) and "video" not in words:
        return "phone"
    if re.search(r"\b(virtual|video|teams|zoom|skype|online|facetime|whatsapp|remote)\b", words):
        return "virtual"
    if re.search(
        r"\b(face to face|f2f|in person|home visit|school visit|visit|face|person|home|school)\b",
        words,
    ):
        return "face_to_face"
    return None


_NAME_WORD = r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’.\-]*"
_NAME = re.compile(rf"^{_NAME_WORD}(?:,?\s+{_NAME_WORD}){{0,4}},?$")
_NOT_NAMES = {"n/a", "na", "none", "see above", "see attached", "unknown", "as above", "tbc"}
_SPLIT = re.compile(r"\s*(?:;|\band\b|&|\+|\n)\s*|,\s+(?=[^,]*\()", re.IGNORECASE)
_ID_LIKE = re.compile(r"\b[A-Z]{0,3}\d[\d ]{3,}\d\b")


def looks_like_name(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and stripped.lower() not in _NOT_NAMES and bool(_NAME.match(stripped))


def split_name(full: str) -> tuple[str | None, str | None]:
    """("SMITH, Amy") -> ("Amy", "SMITH"); ("Amy Jo Smith") -> ("Amy", "Smith")."""
    if "," in full:
        last, _, first = full.partition(",")
        first_words = first.split()
        return (first_words[0] if first_words else None), (last.strip() or None)
    words = full.split()
    if len(words) == 1:
        return words[0], None
    return words[0], words[-1]


def mentions_from_value(value: str, source: str, id_pattern: re.Pattern[str]) -> list[ChildMention]:
    """Children named in one answer: "Amy Smith", "A (3/4/15) and B (5/6/17)", "Amy Smith E1234567"."""
    out: list[ChildMention] = []
    pieces = [p for p in _SPLIT.split(value) if p and p.strip()] if _many(value) else [value]
    for piece in pieces:
        dob: date | None = None
        child_id: str | None = None
        extras = " ".join(re.findall(r"\(([^)]*)\)", piece))
        name_part = re.sub(r"\([^)]*\)", " ", piece)
        id_match = id_pattern.search(piece.upper())
        if id_match:
            child_id = id_match.group(0)
            name_part = re.sub(re.escape(child_id), " ", name_part, flags=re.IGNORECASE)
        dates = find_dates(extras) or find_dates(name_part)
        if dates:
            dob = dates[0]
            name_part = re.sub(r"\b(?:dob|d\.o\.b\.?|born)\b[:\s]*", " ", name_part, flags=re.I)
            for pattern_date in re.findall(r"[0-3]?\d[/.\-][01]?\d[/.\-]\d{2,4}", name_part):
                name_part = name_part.replace(pattern_date, " ")
        name = re.sub(r"\s+", " ", name_part).strip(" ,-:;")
        if not looks_like_name(name):
            if dob is None and child_id is None:
                continue
            name = ""
        first, last = split_name(name) if name else (None, None)
        out.append(
            ChildMention(
                full_name=name or None,
                first_name=first,
                last_name=last,
                dob=dob,
                child_id=child_id,
                source=source,
            )
        )
    return out


def _many(value: str) -> bool:
    return bool(re.search(r"\band\b|&|;|\n|\+", value, re.IGNORECASE)) or value.count("(") > 1


def parse_dob(value: str) -> date | None:
    return parse_date(value)
