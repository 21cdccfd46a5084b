"""Children named in the free text of a record that has no labelled name.

"Hi, Sophie O'Neill (DOB 18/04/2011) seen today at school" or "Visit to Thomas and Amelia
Hartley (12/03/2014 and 16/07/2016)": capitalised words are looked up pairwise in the
roster's name index (surname with first name or a short form of it), so the cost is a few
dictionary look-ups per word, never a scan of the tracker. Only a first name followed by a
surname counts (a middle name may sit between them; "Thomas and Amelia Hartley" names both);
a surname alone never does. A date of birth counts only when it is labelled ("DOB", "born")
or in brackets straight after the name: a visit date is not a date of birth.

The parsers have already removed quoted history; lines still starting with ">" are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from mailbot.names import tokens
from mailbot.roster import Roster
from parsers.dates import find_dates
from parsers.record import ChildMention

_WORD = re.compile(r"[A-Z][A-Za-zÀ-ÖØ-öø-ÿ'’]*(?:-[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’]*)*")
_AND = re.compile(r"\s*(?:,|and|&)\s*")
_GAP = re.compile(r"[ \t]+")
_DOB_LABEL = re.compile(r"\b(?:d\.?\s?o\.?\s?b\.?|date of birth|born|b\.)\s*[:\-]?\s*", re.I)
_REACH = 80  # characters after a name in which its date of birth may be written


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str
    key: str  # folded, parts joined: "O'Neill" -> "oneill"


@dataclass(frozen=True)
class _Found:
    first: str
    surname: str
    start: int
    end: int


def text_mentions(text: str, roster: Roster, limit: int = 6) -> tuple[ChildMention, ...]:
    """Children of the tracker named (first name and surname) in ``text``, in order."""
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    words = [
        _Word(m.start(), m.end(), m.group(0), "".join(tokens(m.group(0))))
        for m in _WORD.finditer(text)
    ]
    words = [w for w in words if w.key]
    groups: list[list[_Found]] = []
    for i in range(len(words)):
        group = _names_before(text, words, i, roster)
        if group:
            groups.append(group)
    mentions: list[ChildMention] = []
    seen: set[tuple[str, str]] = set()
    for group in groups:
        dobs = _dates_after(text, group[-1].end, len(group))
        for found, dob in zip(group, dobs, strict=True):
            key = (found.first.lower(), found.surname.lower())
            if key in seen:
                continue
            seen.add(key)
            mentions.append(
                ChildMention(
                    full_name=f"{found.first} {found.surname}",
                    first_name=found.first,
                    last_name=found.surname,
                    dob=dob,
                    source="text",
                )
            )
            if len(mentions) >= limit:
                return tuple(mentions)
    return tuple(mentions)


def _names_before(text: str, words: list[_Word], i: int, roster: Roster) -> list[_Found]:
    """The children named with ``words[i]`` as surname: "Amelia Hartley", "Sophie Jane
    O'Neill", "Thomas and Amelia Hartley"."""
    surname = words[i]
    surname_key = surname.key
    found: list[_Found] = []
    j = i - 1
    if j < 0 or not _GAP.fullmatch(text[words[j].end : surname.start]):
        return found
    first = words[j]
    if roster.named(surname_key, first.key):
        found.append(_Found(first.text, surname.text, first.start, surname.end))
    elif j >= 1 and _GAP.fullmatch(text[words[j - 1].end : first.start]):
        first = words[j - 1]  # "Sophie Jane O'Neill": a middle name between
        if roster.named(surname_key, first.key):
            found.append(_Found(first.text, surname.text, first.start, surname.end))
            j -= 1
    if not found:
        return found
    while j >= 1 and _AND.fullmatch(text[words[j - 1].end : words[j].start]):
        sibling = words[j - 1]  # "Thomas and Amelia Hartley"
        if not roster.named(surname_key, sibling.key):
            break
        found.insert(0, _Found(sibling.text, surname.text, sibling.start, surname.end))
        j -= 1
    return found


def _dates_after(text: str, end: int, n: int) -> list[date | None]:
    """The dates of birth written right after a group of ``n`` names, one each, or None."""
    after = text[end : end + _REACH]
    stripped = after.lstrip(" \t,")
    dates: list[date] = []
    if stripped.startswith("("):
        inside = stripped[1 : stripped.find(")")] if ")" in stripped else stripped[1:]
        dates = find_dates(inside)
    else:
        label = _DOB_LABEL.search(after.split("\n", 1)[0])
        if label is not None and label.start() <= 3:
            dates = find_dates(after[label.end() : label.end() + 40])[:1]
    if len(dates) == n or (n > 1 and len(dates) > n and stripped.startswith("(")):
        return list(dates[:n])
    return [None] * n
