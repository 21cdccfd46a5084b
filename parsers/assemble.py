"""Turning the pairs read from a message and its documents into one VisitRecord."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .answers import mentions_from_value, parse_method, parse_yes_no, split_name
from .dates import parse_date
from .document import DocText
from .fields import CHILD_FIELDS, ChildRow, Pair, collect
from .labels import LabelIndex
from .options import ReadOptions
from .record import ChildMention, Problem, VisitRecord


@dataclass(frozen=True)
class Source:
    doc: DocText
    name: str  # "body", "attachment 'visit.docx'"
    kind: str  # body | form | ocr


_BOOL_FIELDS = ("child_seen", "seen_alone", "attending_school", "any_concerns", "risk_changed")


def _literal_prefix(pattern: str) -> str:
    match = re.match(r"[A-Za-z]+", pattern)
    return match.group(0) if match else ""


def normalise_child_id(value: str, pattern: re.Pattern[str]) -> str | None:
    """A labelled child ID as written ("e 123 4567", "1234567") in the council's form, or None."""
    found = pattern.search(value.upper())
    if found:
        return found.group(0)
    squeezed = re.sub(r"[\s\-./]", "", value.upper())
    for candidate in (squeezed, _literal_prefix(pattern.pattern).upper() + squeezed):
        if pattern.fullmatch(candidate):
            return candidate
    return None


class _Children:
    """Groups child fields in reading order into mentions: a new name or repeated field starts one."""

    def __init__(self, id_pattern: re.Pattern[str]) -> None:
        self.id_pattern = id_pattern
        self.done: list[ChildMention] = []
        self.current: dict[str, object] = {}
        self.source = "form"

    def _flush(self) -> None:
        cur = self.current
        if any(cur.get(k) for k in ("full_name", "first_name", "last_name", "dob", "child_id")):
            first, last = cur.get("first_name"), cur.get("last_name")
            full = cur.get("full_name")
            if full is None and (first or last):
                full = " ".join(str(p) for p in (first, last) if p)
            self.done.append(
                ChildMention(
                    full_name=full if isinstance(full, str) else None,
                    first_name=first if isinstance(first, str) else None,
                    last_name=last if isinstance(last, str) else None,
                    dob=cur.get("dob") if isinstance(cur.get("dob"), date) else None,  # type: ignore[arg-type]
                    child_id=cur.get("child_id") if isinstance(cur.get("child_id"), str) else None,  # type: ignore[arg-type]
                    source=self.source,
                )
            )
        self.current = {}

    def add(self, field: str, value: str, source: str) -> None:
        if field == "child_name":
            mentions = mentions_from_value(value, source, self.id_pattern)
            if not mentions:
                return
            if len(mentions) > 1 or "full_name" in self.current or "first_name" in self.current:
                self._flush()
            if len(mentions) > 1:
                self.done.extend(mentions)
                return
            m = mentions[0]
            self.source = source
            for key in ("full_name", "first_name", "last_name", "dob", "child_id"):
                if getattr(m, key) is not None and key not in self.current:
                    self.current[key] = getattr(m, key)
            return
        key, parsed = self._parse(field, value)
        if parsed is None:
            return
        if key in self.current and self.current[key] != parsed:
            self._flush()
        self.source = source
        self.current[key] = parsed

    def _parse(self, field: str, value: str) -> tuple[str, object]:
        if field == "dob":
            return "dob", parse_date(value)
        if field == "child_id":
            return "child_id", normalise_child_id(value, self.id_pattern)
        words = value.split()
        if not words or len(words) > 4:
            return field, None
        return field, value.strip()

    def result(self) -> list[ChildMention]:
        self._flush()
        unique: list[ChildMention] = []
        for m in self.done:
            if m not in unique:
                unique.append(m)
        return unique


def _pick(pairs: Sequence[Pair], field: str) -> Pair | None:
    ordered = _ordered(pairs, field)
    return ordered[0] if ordered else None


def _ordered(pairs: Sequence[Pair], field: str) -> list[Pair]:
    """A field's pairs, those with specific labels first."""
    strong = [p for p in pairs if p.field == field and not p.weak]
    return strong + [p for p in pairs if p.field == field and p.weak]


def _children(
    pairs: Sequence[Pair], rows: Sequence[ChildRow], pattern: re.Pattern[str]
) -> list[ChildMention]:
    group = _Children(pattern)
    has_strong_name = any(p.field == "child_name" and not p.weak for p in pairs)
    for pair in pairs:
        if pair.field in CHILD_FIELDS:
            if pair.field == "child_name" and pair.weak and has_strong_name:
                continue
            group.add(pair.field, pair.value, pair.source)
    mentions = group.result()
    for row in rows:
        row_group = _Children(pattern)
        for field, value in row.values:
            row_group.add(field, value, row.source)
        for m in row_group.result():
            if m not in mentions:
                mentions.append(m)
    return [_fill_names(m) for m in mentions]


def _fill_names(m: ChildMention) -> ChildMention:
    if m.full_name and not (m.first_name or m.last_name):
        first, last = split_name(m.full_name)
        return ChildMention(m.full_name, first, last, m.dob, m.child_id, m.source)
    return m


def build_record(
    sources: Sequence[Source],
    subject: str,
    options: ReadOptions,
    problems: Sequence[Problem] = (),
) -> VisitRecord:
    index = LabelIndex.build(options.label_synonyms)
    id_pattern = re.compile(options.child_id_pattern)
    ref_pattern = re.compile(options.reference_pattern, re.IGNORECASE)
    pairs, rows = collect(((s.doc, s.kind) for s in sources), index)
    children = _children(pairs, rows, id_pattern)

    texts = [s.doc.text() for s in sources]
    text = "\n\n".join(t for t in texts if t)
    searchable = "\n".join([subject, text])
    references = _unique(m.group(0).upper() for m in ref_pattern.finditer(searchable))
    labelled_refs = [p.value for p in pairs if p.field == "reference"]
    for value in labelled_refs:
        for m in ref_pattern.finditer(value):
            if m.group(0).upper() not in references:
                references.append(m.group(0).upper())
    child_ids = _unique(m.group(0) for m in id_pattern.finditer(searchable.upper()))
    for child in children:
        if child.child_id and child.child_id not in child_ids:
            child_ids.append(child.child_id)

    values: dict[str, object] = {}
    for field in ("visitor_name", "visitor_role", "visitor_org"):
        picked = _pick(pairs, field)
        if picked is not None and len(picked.value) <= 120:
            values[field] = picked.value.splitlines()[0].strip()
    for field in _BOOL_FIELDS:
        for pair in _ordered(pairs, field):
            answer = parse_yes_no(pair.value)
            if answer is not None:
                values[field] = answer
                break
    for pair in [p for p in pairs if p.field == "method"]:
        method = parse_method(pair.value)
        if method is not None:
            values["method"] = method
            break
    for pair in _ordered(pairs, "visit_date"):
        visit = parse_date(pair.value)
        if visit is not None:
            values["visit_date"] = visit
            break
    narrative = {
        field: "\n".join(_unique(p.value for p in pairs if p.field == field))
        for field in ("observations", "concerns")
    }
    confidences = [s.doc.ocr_confidence for s in sources if s.doc.ocr_confidence is not None]
    return VisitRecord(
        children=tuple(children),
        references=tuple(references),
        child_ids=tuple(child_ids),
        visit_date=values.get("visit_date"),  # type: ignore[arg-type]
        visitor_name=values.get("visitor_name"),  # type: ignore[arg-type]
        visitor_role=values.get("visitor_role"),  # type: ignore[arg-type]
        visitor_org=values.get("visitor_org"),  # type: ignore[arg-type]
        child_seen=values.get("child_seen"),  # type: ignore[arg-type]
        seen_alone=values.get("seen_alone"),  # type: ignore[arg-type]
        method=values.get("method"),  # type: ignore[arg-type]
        attending_school=values.get("attending_school"),  # type: ignore[arg-type]
        any_concerns=values.get("any_concerns"),  # type: ignore[arg-type]
        risk_changed=values.get("risk_changed"),  # type: ignore[arg-type]
        observations=narrative["observations"],
        concerns=narrative["concerns"],
        text=text,
        sources=tuple(_unique(s.name for s in sources if not s.doc.empty)),
        fields=tuple((p.label, p.value) for p in pairs),
        ocr_confidence=min(confidences) if confidences else None,
        problems=tuple(problems),
    )


def _unique(items: object) -> list[str]:
    out: list[str] = []
    for item in items:  # type: ignore[attr-defined]
        if item not in out:
            out.append(item)
    return out
