"""Children's names and dates of birth as people write them, made comparable.

Pure functions: fold a name to a plain key, split a written name into given names and
surname, compare a written name with a tracker entry, and relate two dates of birth.
Nothing here knows about the tracker as a whole (see ``roster``) or decides anything
(see ``matching``).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum

import jellyfish
from rapidfuzz.distance import Indel

_APOSTROPHES = "'’‘`´"
_SEPARATORS = re.compile(r"[^a-z]+")
_TITLES = frozenset({"master", "miss", "mr", "mrs", "ms", "mx", "baby", "child", "yp"})

# similarity (0..100) at or above which a misspelt name still counts as the same name
FIRST_NAME_FUZZ = 80.0
SURNAME_FUZZ = 85.0


def fold(text: str) -> str:
    """Lower-case, without accents or apostrophes, other punctuation as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for mark in _APOSTROPHES:
        plain = plain.replace(mark, "")
    return _SEPARATORS.sub(" ", plain.lower()).strip()


def tokens(text: str) -> tuple[str, ...]:
    return tuple(t for t in fold(text).split() if t)


def phonetic(word: str) -> str:
    """A sound-alike key (metaphone) of a folded word or phrase, spaces ignored."""
    joined = word.replace(" ", "")
    return jellyfish.metaphone(joined) if joined else ""


def load_nicknames(csv_text: str) -> dict[str, frozenset[str]]:
    """Read the nickname table: each row is a group of interchangeable first names.

    Lines starting with ``#`` are comments. A name in several groups is equivalent to
    every name of each of its groups (``Liz`` may be ``Elizabeth`` or ``Lizzie``).
    """
    table: dict[str, set[str]] = {}
    lines = [ln for ln in csv_text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for row in csv.reader(io.StringIO("\n".join(lines))):
        group = {fold(cell) for cell in row if fold(cell)}
        for name in group:
            table.setdefault(name, set()).update(group)
    return {name: frozenset(group) for name, group in table.items()}


@dataclass(frozen=True)
class WrittenName:
    """A name split into folded given-name tokens and surname tokens (either may be empty)."""

    given: tuple[str, ...]
    surname: tuple[str, ...]

    @property
    def display(self) -> str:
        return " ".join(w.capitalize() for w in (*self.given, *self.surname))

    @property
    def surname_key(self) -> str:
        return "".join(self.surname)


def split_name(
    full_name: str | None, first_name: str | None = None, last_name: str | None = None
) -> WrittenName | None:
    """Read "Tom Smith", "SMITH, Tom", "SMITH Tom James", "T. J. Smith" or separate fields."""
    if first_name or last_name:
        return WrittenName(_strip_titles(tokens(first_name or "")), tokens(last_name or ""))
    if not full_name or not fold(full_name):
        return None
    if "," in full_name:
        surname_part, _, given_part = full_name.partition(",")
        return WrittenName(_strip_titles(tokens(given_part)), tokens(surname_part))
    raw = [w for w in re.split(r"\s+", full_name.strip()) if fold(w)]
    raw = [w for w in raw if fold(w) not in _TITLES] or raw
    capitals = [w for w in raw if _is_capitals(w)]
    if capitals and len(capitals) < len(raw):
        given = [w for w in raw if not _is_capitals(w)]
        return WrittenName(tokens(" ".join(given)), tokens(" ".join(capitals)))
    if len(raw) == 1:
        return WrittenName(tokens(raw[0]), ())
    return WrittenName(tokens(" ".join(raw[:-1])), tokens(raw[-1]))


def _strip_titles(given: tuple[str, ...]) -> tuple[str, ...]:
    kept = tuple(t for t in given if t not in _TITLES)
    return kept or given


def _is_capitals(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


class NameAgreement(Enum):
    """How a written name agrees with a tracker entry, strongest first."""

    EXACT = "exact"  # same first and last name (accents, case, punctuation aside)
    NICKNAME = "nickname"  # a known short form of the first name, same surname
    TRANSPOSED = "transposed"  # first and last name written the other way round
    FUZZY = "fuzzy"  # a small misspelling of one or both names
    INITIAL = "initial"  # first name only as an initial, surname agrees
    FIRST_ONLY = "first_only"  # no surname written; first name agrees
    SURNAME_ONLY = "surname_only"  # surname agrees, first name differs or is missing
    NONE = "none"

    @property
    def identifies(self) -> bool:
        """Strong enough, with a date of birth, to say who the child is."""
        return self in _IDENTIFYING

    @property
    def plain(self) -> bool:
        """Exact, short form or transposed: no guessing at spelling."""
        return self in _PLAIN


_IDENTIFYING = frozenset(
    {NameAgreement.EXACT, NameAgreement.NICKNAME, NameAgreement.TRANSPOSED, NameAgreement.FUZZY}
)
_PLAIN = frozenset({NameAgreement.EXACT, NameAgreement.NICKNAME, NameAgreement.TRANSPOSED})
_SCORES = {
    NameAgreement.EXACT: 100.0,
    NameAgreement.NICKNAME: 95.0,
    NameAgreement.TRANSPOSED: 92.0,
    NameAgreement.INITIAL: 70.0,
    NameAgreement.FIRST_ONLY: 60.0,
    NameAgreement.SURNAME_ONLY: 40.0,
    NameAgreement.NONE: 0.0,
}


@dataclass(frozen=True)
class NameMatch:
    agreement: NameAgreement
    score: float  # 0..100


@dataclass(frozen=True)
class FoldedChild:
    """A tracker entry's name, folded once when the roster is built."""

    given: tuple[str, ...]
    surname: tuple[str, ...]

    @property
    def first(self) -> str:
        return self.given[0] if self.given else ""

    @property
    def surname_key(self) -> str:
        return "".join(self.surname)


def first_name_forms(first: str, nicknames: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """A folded first name and every short or long form of it in the table."""
    return nicknames.get(first, frozenset()) | {first}


def compare(
    written: WrittenName, child: FoldedChild, nicknames: Mapping[str, frozenset[str]]
) -> NameMatch:
    """How well a written name agrees with one tracker entry."""
    direct = _compare(written.given, written.surname, child, nicknames)
    if direct.agreement in (NameAgreement.EXACT, NameAgreement.NICKNAME):
        return direct
    if written.given and written.surname:
        swapped = _compare(written.surname, written.given, child, nicknames)
        if swapped.agreement in (NameAgreement.EXACT, NameAgreement.NICKNAME):
            return NameMatch(NameAgreement.TRANSPOSED, _SCORES[NameAgreement.TRANSPOSED])
    return direct


def _compare(
    given: tuple[str, ...],
    surname: tuple[str, ...],
    child: FoldedChild,
    nicknames: Mapping[str, frozenset[str]],
) -> NameMatch:
    sur = _surname_similarity(surname, child.surname) if surname else None
    first = _first_similarity(given, child, nicknames) if given else None
    if sur is None:
        if first is not None and first[1] in ("exact", "nickname"):
            return _of(NameAgreement.FIRST_ONLY)
        return _of(NameAgreement.NONE)
    if sur < SURNAME_FUZZ:
        return _of(NameAgreement.NONE)
    if first is None:
        return _of(NameAgreement.SURNAME_ONLY)
    first_score, how = first
    if how == "initial":
        return _of(NameAgreement.INITIAL)
    if first_score < FIRST_NAME_FUZZ:
        return _of(NameAgreement.SURNAME_ONLY)
    if sur == 100.0 and how == "exact":
        return _of(NameAgreement.EXACT)
    if sur == 100.0 and how == "nickname":
        return _of(NameAgreement.NICKNAME)
    return NameMatch(NameAgreement.FUZZY, min(sur, first_score) - 1.0)


def _of(agreement: NameAgreement) -> NameMatch:
    return NameMatch(agreement, _SCORES[agreement])


def _surname_similarity(written: tuple[str, ...], known: tuple[str, ...]) -> float:
    a, b = "".join(written), "".join(known)
    if not b:
        return 0.0
    if a == b:
        return 100.0
    # double-barrelled surnames written in part: "Smith" for "Smith-Jones"
    if set(written) <= set(known) or set(known) <= set(written):
        return 100.0
    score = Indel.normalized_similarity(a, b) * 100.0
    if score >= 75.0 and phonetic(a) == phonetic(b):
        score = max(score, SURNAME_FUZZ)
    return score


def _first_similarity(
    given: tuple[str, ...], child: FoldedChild, nicknames: Mapping[str, frozenset[str]]
) -> tuple[float, str]:
    known = child.first
    if not known:
        return 0.0, "none"
    written = given[0]
    if len(written) == 1:
        return (100.0, "initial") if known.startswith(written) else (0.0, "none")
    if written == known or known in given or written in child.given:
        return 100.0, "exact"
    if known in nicknames.get(written, frozenset()):
        return 100.0, "nickname"
    score = Indel.normalized_similarity(written, known) * 100.0
    if score >= 70.0 and phonetic(written) == phonetic(known):
        score = max(score, FIRST_NAME_FUZZ)
    return score, "fuzzy"


class DobAgreement(Enum):
    SAME = "same"
    SWAPPED = "swapped"  # day and month the other way round: a candidate, never certain
    DIFFERS = "differs"
    UNKNOWN = "unknown"  # one side has no date


def compare_dob(written: date | None, known: date | None) -> DobAgreement:
    if written is None or known is None:
        return DobAgreement.UNKNOWN
    if written == known:
        return DobAgreement.SAME
    if swapped_day_month(written) == known:
        return DobAgreement.SWAPPED
    return DobAgreement.DIFFERS


def swapped_day_month(value: date) -> date | None:
    """The date with day and month exchanged, when that is a different valid date."""
    if value.day > 12 or value.day == value.month:
        return None
    try:
        return date(value.year, value.day, value.month)
    except ValueError:
        return None
