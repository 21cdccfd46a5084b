"""Field extraction: label/value pairs from lines, tables and form fields, into a VisitRecord."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .answers import has_boxes
from .document import DocText, Table
from .labels import LabelIndex

CHILD_FIELDS = {"child_name", "first_name", "last_name", "dob", "child_id"}
NARRATIVE = {"observations", "concerns"}
_SEPARATORS = re.compile(r":|\?|\s[-–]\s")
_COLUMNS = re.compile(r"\t+|\s{3,}|\s*\|\s*")
_HEADER_NAMES = {"name", "full name", "child", "children", "names", "child name"}
_MAX_CONTINUATION = 60


@dataclass(frozen=True)
class Pair:
    field: str  # canonical field name
    label: str  # as written
    value: str
    source: str  # form | body | ocr
    weak: bool = False


@dataclass(frozen=True)
class ChildRow:
    """One row of a table with a header (siblings listed one per row)."""

    values: tuple[tuple[str, str], ...]  # (field, value)
    source: str


def _clean(text: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", text).strip(" \t:;")


def _label_only(index: LabelIndex, text: str) -> str | None:
    """The field when the whole text is a label ("Observations", "Was the child seen?")."""
    stripped = text.strip().rstrip(":?*").strip()
    if not stripped or len(stripped) > 90:
        return None
    return index.field_for(stripped)


def _split_pair(index: LabelIndex, text: str) -> tuple[str, str, str] | None:
    """(field, label, value) from "Label: value", "Label? value" or "Label ☒ Yes ☐ No"."""
    for count, match in enumerate(_SEPARATORS.finditer(text)):
        if count >= 3:
            break
        label = text[: match.start()].strip()
        field = index.field_for(label) if label else None
        if field:
            return field, label, text[match.end() :].strip()
    if has_boxes(text):
        first_box = min(
            (text.find(c) for c in "☒☐☑□■[" if text.find(c) > 0),
            default=-1,
        )
        if first_box > 0:
            label = text[:first_box].strip()
            field = index.field_for(label)
            if field:
                return field, label, text[first_box:].strip()
    return None


class _Collector:
    def __init__(self, index: LabelIndex) -> None:
        self.index = index
        self.pairs: list[Pair] = []
        self.rows: list[ChildRow] = []
        self._pending_label = ""

    def add(self, field: str, label: str, value: str, source: str) -> None:
        value = value.strip()
        if value:
            self.pairs.append(Pair(field, _clean(label), value, source, self.index.is_weak(label)))

    def cells(self, cells: Sequence[str], source: str) -> str | None:
        """Pairs from one row of cells; returns a field still waiting for its value."""
        cells = [c.strip() for c in cells if c and c.strip()]
        i = 0
        pending: str | None = None
        pending_label = ""
        while i < len(cells):
            cell = cells[i]
            only = _label_only(self.index, cell)
            if only is not None and _printed_options(cells[i + 1 : i + 3]):
                i += 3  # "Label  Yes  No": the form's printed options, not an answer
                continue
            if only is not None:
                nxt = cells[i + 1] if i + 1 < len(cells) else None
                if (
                    nxt is not None
                    and _label_only(self.index, nxt) is None
                    and _split_pair(self.index, nxt) is None
                ):
                    self.add(only, cell, nxt, source)
                    i += 2
                    continue
                pending, pending_label = only, cell
                i += 1
                continue
            split = _split_pair(self.index, cell)
            if split is not None:
                field, label, value = split
                if value:
                    self.add(field, label, value, source)
                    pending = field if field in NARRATIVE else None
                    pending_label = label
                else:
                    pending, pending_label = field, label
            elif pending is not None:
                self.add(pending, pending_label, cell, source)
                pending = pending if pending in NARRATIVE else None
            i += 1
        self._pending_label = pending_label
        return pending

    def lines(self, lines: Iterable[str], source: str) -> None:
        pending: str | None = None
        pending_label = ""
        taken = 0
        for raw in lines:
            line = raw.strip()
            if not line:
                continue
            cells = _COLUMNS.split(line) if _COLUMNS.search(line) else [line]
            is_label_line = any(
                _label_only(self.index, c) or _split_pair(self.index, c) for c in cells
            )
            if pending is not None and not is_label_line and taken < _MAX_CONTINUATION:
                last = self.pairs[-1] if self.pairs else None
                if taken and last is not None and last.field == pending and pending in NARRATIVE:
                    self.pairs[-1] = Pair(
                        last.field, last.label, f"{last.value}\n{line}", last.source, last.weak
                    )
                else:
                    self.add(pending, pending_label, line, source)
                taken += 1
                if pending not in NARRATIVE:
                    pending = None
                continue
            pending = self.cells(cells, source)
            pending_label = self._pending_label
            taken = 0

    def table(self, table: Table, source: str) -> None:
        rows = [tuple(c.strip() for c in row) for row in table.rows]
        if len(rows) >= 2 and self._header_table(rows, source):
            return
        for row in rows:
            cells = list(row)
            if len(cells) == 1:
                self.lines(cells[0].splitlines(), source)
            else:
                self.cells(cells, source)

    def _header_table(self, rows: list[tuple[str, ...]], source: str) -> bool:
        header = rows[0]
        fields: list[str | None] = []
        for cell in header:
            name = cell.strip().rstrip(":").lower()
            fields.append("child_name" if name in _HEADER_NAMES else self.index.field_for(cell))
        child_columns = [f for f in fields if f in CHILD_FIELDS]
        if len(child_columns) < 2 or len(set(child_columns)) < 2:
            return False
        for row in rows[1:]:
            values = tuple(
                (f, v) for f, v in zip(fields, row, strict=False) if f is not None and v.strip()
            )
            if any(f in CHILD_FIELDS for f, _ in values):
                self.rows.append(ChildRow(values, source))
            for f, v in values:
                if f not in CHILD_FIELDS:
                    self.add(f, f, v, source)
        return True

    def form_fields(self, fields: Iterable[tuple[str, str]], source: str) -> None:
        for name, value in fields:
            label = _field_label(name)
            field = self.index.field_for(label)
            if value in ("☒", "☐"):
                if field is not None:
                    self.add(field, label, "Yes" if value == "☒" else "No", source)
                    continue
                option_field, option = _option_of(self.index, label)
                if option_field is not None and value == "☒":
                    self.add(option_field, label, f"☒ {option}", source)
                continue
            if field is not None:
                self.add(field, label, value, source)
            elif value.strip() and not re.fullmatch(
                r"(?:text|field|check ?box)\s*\d*", label, re.I
            ):
                self.lines(value.splitlines(), source)


def _printed_options(cells: Sequence[str]) -> bool:
    words = [re.sub(r"[^a-z]", "", c.lower()) for c in cells]
    return len(words) == 2 and set(words) == {"yes", "no"}


def _field_label(name: str) -> str:
    """A form field's name as words: "childName" / "child_name" / "Form1[0].DOB[0]" -> words."""
    name = re.sub(r"\[\d+\]", "", name).split(".")[-1]
    name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return re.sub(r"[_]+", " ", name).strip()


def _option_of(index: LabelIndex, label: str) -> tuple[str | None, str]:
    """A check box named for its option: "Child seen Yes" -> ("child_seen", "Yes")."""
    words = label.split()
    for cut in range(len(words) - 1, 0, -1):
        field = index.field_for(" ".join(words[:cut]))
        if field is not None:
            return field, " ".join(words[cut:])
    return None, ""


def collect(
    docs: Iterable[tuple[DocText, str]], index: LabelIndex
) -> tuple[list[Pair], list[ChildRow]]:
    """All (field, value) pairs and child rows, in reading order, from each document."""
    collector = _Collector(index)
    for doc, source in docs:
        collector.form_fields(doc.fields, source)
        buffer: list[str] = []
        for block in doc.blocks:
            if isinstance(block, Table):
                collector.lines(buffer, source)
                buffer = []
                collector.table(block, source)
            else:
                buffer.extend(block.splitlines() or [""])
        collector.lines(buffer, source)
    return collector.pairs, collector.rows
