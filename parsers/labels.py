"""The label-synonyms table: which form labels name which visit-record field."""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable

from .errors import LabelsError

Synonyms = tuple[tuple[str, tuple[str, ...]], ...]

FIELDS = (
    "child_name",
    "first_name",
    "last_name",
    "dob",
    "child_id",
    "reference",
    "visit_date",
    "visitor_name",
    "visitor_role",
    "visitor_org",
    "child_seen",
    "seen_alone",
    "method",
    "attending_school",
    "any_concerns",
    "risk_changed",
    "observations",
    "concerns",
)

# Used only when the caller passes no table: the canonical names and a few common spellings.
FALLBACK: Synonyms = (
    ("child_name", ("Child's name", "Name of child", "Name of child/young person", "YP name")),
    ("dob", ("DOB", "Date of birth")),
    ("child_id", ("Eclipse ID", "Person ID", "LCS number", "Child ID")),
    ("visit_date", ("Date of visit", "Visit date")),
    ("visitor_name", ("Visitor name", "Completed by")),
    ("child_seen", ("Was the child seen", "Child seen")),
    ("seen_alone", ("Seen alone", "Was the child seen alone")),
    ("any_concerns", ("Any concerns",)),
    ("risk_changed", ("Has the risk changed",)),
    ("observations", ("Observations",)),
    ("concerns", ("Concerns",)),
)

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=8192)
def normalise_label(text: str) -> str:
    """Fold a label to compare: lower case, no accents, brackets, punctuation or apostrophes."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = folded.replace("’", "").replace("'", "").replace("`", "")
    folded = _BRACKETS.sub(" ", folded)
    return _NON_WORD.sub(" ", folded).strip()


def load_label_synonyms(toml_text: str) -> Synonyms:
    """Parse config/labels.toml (a ``[labels]`` table of field -> list of spellings)."""
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        raise LabelsError(f"labels table is not valid TOML: {exc}") from exc
    table = data.get("labels")
    if not isinstance(table, dict):
        raise LabelsError("labels table has no [labels] section")
    result: list[tuple[str, tuple[str, ...]]] = []
    for name, spellings in table.items():
        if name not in FIELDS:
            raise LabelsError(f"labels table names an unknown field {name!r}")
        if not isinstance(spellings, list) or not all(isinstance(s, str) for s in spellings):
            raise LabelsError(f"labels.{name} must be a list of strings")
        result.append((name, tuple(spellings)))
    return tuple(result)


class LabelIndex:
    """Looks a label up in the synonyms table; built once per read."""

    def __init__(self, synonyms: Iterable[tuple[str, tuple[str, ...]]]) -> None:
        table = tuple(synonyms) or FALLBACK
        self._exact: dict[str, str] = {}
        for field_name, spellings in table:
            self._exact.setdefault(normalise_label(field_name.replace("_", " ")), field_name)
            for spelling in spellings:
                key = normalise_label(spelling)
                if key:
                    self._exact.setdefault(key, field_name)
        self.longest = max((len(k.split()) for k in self._exact), default=1)

    def field_for(self, label: str) -> str | None:
        """The canonical field a label names, or None. Leading numbering is ignored."""
        key = normalise_label(label)
        if not key or len(key.split()) > self.longest + 3:
            return None
        found = self._exact.get(key)
        if found is None:
            key = re.sub(r"^(?:\d+|[a-z])\s+(?=\w)", "", key)  # "1. Child's name", "a) DOB"
            found = self._exact.get(key)
        if found is None and key.startswith("please "):
            found = self._exact.get(key.removeprefix("please "))
        return found

    @staticmethod
    @functools.lru_cache(maxsize=32)
    def build(synonyms: Synonyms) -> LabelIndex:
        """One index per table, kept: the table is the same for every message."""
        return LabelIndex(synonyms)

    @staticmethod
    def is_weak(label: str) -> bool:
        """A one-word label ("Date", "Child", "Details") gives way to a more specific one."""
        return len(normalise_label(label).split()) <= 1
