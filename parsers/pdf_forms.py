"""Fillable PDF (AcroForm) fields through pdfminer's objects, as pdfplumber exposes them.

Text fields give their value; check boxes give ☒/☐; radio groups give the chosen option's name.
A field with a meaningless name ("Text1") is labelled with the words printed to its left.
"""

from __future__ import annotations

import re
from typing import Any

from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import decode_text

_GENERIC = re.compile(
    r"^(?:text|field|check ?box|fill|untitled|radio|group|button|txt|cb)[\s_\-]*\d*$", re.I
)
_MAX_FIELDS = 2000


def _text(value: Any) -> str:
    value = resolve1(value)
    if isinstance(value, bytes):
        return decode_text(value)
    if isinstance(value, PSLiteral):
        name = value.name
        return name.decode("latin-1") if isinstance(name, bytes) else str(name)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return ""


def _on_states(widget: dict[str, Any]) -> list[str]:
    ap = resolve1(widget.get("AP"))
    if not isinstance(ap, dict):
        return []
    normal = resolve1(ap.get("N"))
    if not isinstance(normal, dict):
        return []
    return [str(k) for k in normal if str(k) != "Off"]


class FormField:
    def __init__(
        self, name: str, tooltip: str, value: str, rects: list[tuple[int, list[float]]]
    ) -> None:
        self.name = name
        self.tooltip = tooltip
        self.value = value
        self.rects = rects  # (page object id, rect) of each widget


def _walk(
    node: Any, parent_name: str, inherited: dict[str, Any], out: list[FormField], depth: int
) -> None:
    if depth > 20 or len(out) > _MAX_FIELDS:
        return
    ref_id = node.objid if isinstance(node, PDFObjRef) else None
    field = resolve1(node)
    if not isinstance(field, dict):
        return
    del ref_id
    partial = _text(field.get("T"))
    name = ".".join(p for p in (parent_name, partial) if p)
    merged = dict(inherited)
    for key in ("FT", "V", "Ff", "TU"):
        if key in field:
            merged[key] = field[key]
    kids = resolve1(field.get("Kids"))
    named_kids = (
        [k for k in kids if isinstance(resolve1(k), dict) and "T" in resolve1(k)]
        if isinstance(kids, list)
        else []
    )
    if named_kids:
        for kid in named_kids:
            _walk(kid, name, merged, out, depth + 1)
        return
    widgets = [resolve1(k) for k in kids] if isinstance(kids, list) else [field]
    widgets = [w for w in widgets if isinstance(w, dict)]
    out.append(_field(name, merged, widgets))


def _field(name: str, merged: dict[str, Any], widgets: list[dict[str, Any]]) -> FormField:
    kind = _text(merged.get("FT"))
    flags = resolve1(merged.get("Ff")) or 0
    flags = flags if isinstance(flags, int) else 0
    raw_value = _text(merged.get("V"))
    rects: list[tuple[int, list[float]]] = []
    for widget in widgets:
        rect = resolve1(widget.get("Rect"))
        page = widget.get("P")
        if isinstance(rect, list) and len(rect) == 4:
            page_id = page.objid if isinstance(page, PDFObjRef) else -1
            rects.append((page_id, [float(resolve1(v) or 0) for v in rect]))
    if kind == "Btn" and not flags & (1 << 16):  # push buttons carry no answer
        is_radio = bool(flags & (1 << 15))
        if not raw_value:
            states = [_text(w.get("AS")) for w in widgets]
            raw_value = next((s for s in states if s and s != "Off"), "Off")
        if is_radio or len(widgets) > 1:
            value = "" if raw_value in ("Off", "") else raw_value
        else:
            value = "☐" if raw_value in ("Off", "", "No", "0") else "☒"
            if value == "☒" and raw_value not in ("Yes", "On", "1", "True"):
                states = [s for w in widgets for s in _on_states(w)]
                value = "☒" if raw_value in states or not states else "☐"
    else:
        value = raw_value
    return FormField(name, _text(merged.get("TU")), value.strip(), rects)


def read_fields(doc: Any) -> list[FormField]:
    """All terminal fields of the document's AcroForm, in document order."""
    try:
        catalog = doc.catalog
        form = resolve1(catalog.get("AcroForm"))
    except (KeyError, AttributeError, TypeError):
        return []
    if not isinstance(form, dict):
        return []
    fields = resolve1(form.get("Fields"))
    out: list[FormField] = []
    if isinstance(fields, list):
        for node in fields:
            _walk(node, "", {}, out, 0)
    return out


def is_generic(name: str) -> bool:
    last = re.sub(r"\[\d+\]", "", name).split(".")[-1]
    return bool(_GENERIC.match(last.strip())) or not re.search(r"[A-Za-z]{2}", last)
