"""DOCX: paragraphs, tables (nested, merged), content controls, form fields and check boxes,
headers and footers, read in document order from the XML that python-docx opens."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from .document import Block, DocText, Table
from .errors import ReaderFailure
from .options import Limits
from .record import ProblemKind
from .safezip import check_zip, read_member

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_CHECKED_SYMBOLS = {"F0FE", "F078", "F0FD", "2612", "F0FC", "2611", "F053"}
_UNCHECKED_SYMBOLS = {"F0A8", "F06F", "2610", "F071", "F0A3"}
_SKIP = {
    W + "delText",
    W + "instrText",
    W + "rPr",
    W + "pPr",
    W + "sdtPr",
    W + "del",
    W + "fldData",
}
_MAX_DEPTH = 40


class _Paragraph:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.extra: list[Block] = []  # text boxes inside the paragraph, as their own blocks


def _sdt_checkbox(sdt: Any) -> str | None:
    props = sdt.find(W + "sdtPr")
    if props is None:
        return None
    box = props.find(W14 + "checkbox")
    if box is None:
        return None
    checked = box.find(W14 + "checked")
    value = checked.get(W14 + "val") if checked is not None else "0"
    return "☒" if value in ("1", "true", "on") else "☐"


def _sdt_label(sdt: Any) -> str | None:
    props = sdt.find(W + "sdtPr")
    if props is None:
        return None
    for tag in (W + "alias", W + "tag"):
        element = props.find(tag)
        if element is not None and element.get(W + "val"):
            return str(element.get(W + "val"))
    return None


def _placeholder(sdt: Any) -> bool:
    props = sdt.find(W + "sdtPr")
    return props is not None and props.find(W + "showingPlcHdr") is not None


class _Walker:
    def __init__(self) -> None:
        self.fields: list[tuple[str, str]] = []

    def blocks(self, parent: Any, depth: int = 0) -> list[Block]:
        out: list[Block] = []
        if depth > _MAX_DEPTH:
            return out
        for child in parent:
            tag = child.tag
            if tag == W + "p":
                para = _Paragraph()
                self.inline(child, para, depth)
                text = "".join(para.parts).strip()
                out.append(text)
                out.extend(para.extra)
            elif tag == W + "tbl":
                out.extend(self.table(child, depth))
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    inner = self.blocks(content, depth + 1)
                    label = _sdt_label(child)
                    if label and not _placeholder(child):
                        value = "\n".join(b for b in inner if isinstance(b, str)).strip()
                        if value:
                            self.fields.append((label, value))
                    out.extend(inner)
            elif tag in (W + "customXml", W + "ins", W + "smartTag"):
                out.extend(self.blocks(child, depth + 1))
            elif tag == MC + "AlternateContent":
                choice = next(iter(child), None)
                if choice is not None:
                    out.extend(self.blocks(choice, depth + 1))
        return out

    def table(self, tbl: Any, depth: int) -> list[Block]:
        rows: list[tuple[str, ...]] = []
        nested: list[Block] = []
        for tr in tbl.iter(W + "tr"):
            if tr.getparent() is not tbl and tr.getparent().tag != W + "sdtContent":
                continue  # rows of nested tables are read with their own table
            cells: list[str] = []
            for tc in tr.iter(W + "tc"):
                if tc.getparent() is not tr and tc.getparent().tag != W + "sdtContent":
                    continue
                merge = tc.find(W + "tcPr/" + W + "vMerge")
                continued = merge is not None and merge.get(W + "val") in (None, "continue")
                inner = self.blocks(tc, depth + 1)
                nested.extend(b for b in inner if isinstance(b, Table))
                text = "\n".join(b for b in inner if isinstance(b, str) and b).strip()
                cells.append("" if continued else text)
            if any(cells):
                rows.append(tuple(cells))
        return [Table(tuple(rows)), *nested] if rows else nested

    def inline(self, element: Any, para: _Paragraph, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        for child in element:
            tag = child.tag
            if tag in _SKIP:
                continue
            if tag == W + "t":
                para.parts.append(child.text or "")
            elif tag == W + "tab":
                para.parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                para.parts.append("\n")
            elif tag == W + "sym":
                code = (child.get(W + "char") or "").upper()
                if code in _CHECKED_SYMBOLS:
                    para.parts.append("☒")
                elif code in _UNCHECKED_SYMBOLS:
                    para.parts.append("☐")
            elif tag == W + "fldChar":
                box = child.find(W + "ffData/" + W + "checkBox")
                if box is not None:
                    para.parts.append(_legacy_checkbox(box) + " ")
            elif tag == W + "sdt":
                box = _sdt_checkbox(child)
                content = child.find(W + "sdtContent")
                if box is not None:
                    para.parts.append(box + " ")
                elif content is not None:
                    before = len(para.parts)
                    self.inline(content, para, depth + 1)
                    label = _sdt_label(child)
                    value = "".join(para.parts[before:]).strip()
                    if label and value and not _placeholder(child):
                        self.fields.append((label, value))
            elif tag == W + "txbxContent":
                para.extra.extend(self.blocks(child, depth + 1))
            elif tag == MC + "AlternateContent":
                choice = next(iter(child), None)
                if choice is not None:
                    self.inline(choice, para, depth + 1)
            else:
                self.inline(child, para, depth + 1)


def _legacy_checkbox(box: Any) -> str:
    checked = box.find(W + "checked")
    if checked is None:
        checked = box.find(W + "default")
    value = checked.get(W + "val", "1") if checked is not None else "0"
    return "☒" if value in ("1", "true", "on") else "☐"


def _check_xml(data: bytes, limits: Limits) -> None:
    check_zip(data, limits)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                read_member(archive, name)


def read_docx(data: bytes, limits: Limits) -> DocText:
    """Headers, body and footers of a DOCX in reading order, and its named content controls."""
    _check_xml(data, limits)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, SyntaxError) as exc:
        raise ReaderFailure(
            ProblemKind.CORRUPT, "the Word document is damaged and cannot be opened"
        ) from exc
    except Exception as exc:  # lxml and python-docx raise many types for broken packages
        raise ReaderFailure(
            ProblemKind.CORRUPT, "the Word document is damaged and cannot be opened"
        ) from exc
    walker = _Walker()
    headers: list[Block] = []
    footers: list[Block] = []
    seen: set[str] = set()
    for rel in document.part.rels.values():
        kind = rel.reltype.rsplit("/", 1)[-1]
        if kind not in ("header", "footer") or rel.is_external:
            continue
        part = rel.target_part
        element = getattr(part, "element", None)
        if element is None or part.partname in seen:
            continue
        seen.add(str(part.partname))
        (headers if kind == "header" else footers).extend(walker.blocks(element))
    body = walker.blocks(document.element.body)
    blocks = [b for b in headers + body + footers if b != ""]
    return DocText(blocks=tuple(blocks), fields=tuple(walker.fields))
