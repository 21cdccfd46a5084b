"""Older and other word-processor formats: .doc (antiword, else catdoc), .rtf, .odt, .xlsx."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import defusedxml.ElementTree as SafeET

from .document import Block, DocText, Table
from .errors import ReaderFailure
from .options import Limits
from .record import ProblemKind
from .safezip import check_zip, read_member


def read_doc(data: bytes, seconds: float) -> DocText:
    """Legacy Word 97-2003 through antiword (Debian ``antiword``), else catdoc (``catdoc``)."""
    for program, args in (("antiword", ["-w", "0", "-"]), ("catdoc", ["-w", "-d", "utf-8"])):
        path = shutil.which(program)
        if path is None:
            continue
        try:
            done = subprocess.run(
                [path, *args], input=data, capture_output=True, timeout=seconds, check=False,
                env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise ReaderFailure(
                ProblemKind.TIMEOUT, f"reading the Word file took longer than {seconds:.0f} seconds"
            ) from exc
        if done.returncode == 0 and done.stdout.strip():
            text = done.stdout.decode("utf-8", "replace")
            return DocText(blocks=tuple(_antiword_lines(text)))
    if shutil.which("antiword") is None and shutil.which("catdoc") is None:
        raise ReaderFailure(
            ProblemKind.UNSUPPORTED,
            "old-style Word (.doc) file: the antiword program is not installed; ask the sender "
            "to save it as .docx or PDF",
        )
    raise ReaderFailure(ProblemKind.CORRUPT, "the old-style Word (.doc) file could not be read")


def _antiword_lines(text: str) -> list[str]:
    out: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            out.append("\t".join(c.strip() for c in stripped.strip("|").split("|")))
        else:
            out.append(line.rstrip())
    return out


_RTF_TOKEN = re.compile(
    r"\\([a-z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-f]{2})|\\([^a-z])|([{}])|[\r\n]+|(.)", re.I | re.S
)
_RTF_SKIP = {
    "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "footer", "themedata",
    "colorschememapping", "latentstyles", "datastore", "xmlnstbl", "listtable", "listoverridetable",
    "rsidtbl", "generator", "filetbl", "revtbl", "fldinst", "bkmkstart", "bkmkend", "pgdsctbl",
}  # fmt: skip
_RTF_BREAKS = {
    "par": "\n",
    "line": "\n",
    "row": "\n",
    "sect": "\n",
    "page": "\n",
    "tab": "\t",
    "cell": "\t",
}
_RTF_CHARS = {
    "emdash": "—",
    "endash": "–",
    "lquote": "‘",
    "rquote": "’",
    "ldblquote": "“",
    "rdblquote": "”",
    "bullet": "•",
}


def rtf_to_text(rtf: str) -> str:
    """Plain text from RTF: a small tokenizer in the manner of the classic "striprtf" recipe."""
    stack: list[tuple[int, bool]] = []
    ignorable = False
    skip_count = 0
    uc = 1
    out: list[str] = []
    for match in _RTF_TOKEN.finditer(rtf):
        word, arg, hexcode, char, brace, plain = match.groups()
        if brace == "{":
            stack.append((uc, ignorable))
        elif brace == "}":
            if stack:
                uc, ignorable = stack.pop()
        elif char:
            if char == "*":
                ignorable = True
            elif not ignorable and char in "\\{}":
                out.append(char)
            elif not ignorable and char == "~":
                out.append(" ")
        elif word:
            lowered = word.lower()
            if lowered in _RTF_SKIP:
                ignorable = True
            elif ignorable:
                pass
            elif lowered in _RTF_BREAKS:
                out.append(_RTF_BREAKS[lowered])
            elif lowered in _RTF_CHARS:
                out.append(_RTF_CHARS[lowered])
            elif lowered == "uc" and arg:
                uc = int(arg)
            elif lowered == "u" and arg:
                code = int(arg)
                out.append(chr(code + 65536 if code < 0 else code))
                skip_count = uc
        elif hexcode:
            if skip_count:
                skip_count -= 1
            elif not ignorable:
                out.append(bytes([int(hexcode, 16)]).decode("cp1252", "replace"))
        elif plain:
            if skip_count:
                skip_count -= 1
            elif not ignorable:
                out.append(plain)
    return "".join(out)


def read_rtf(data: bytes) -> DocText:
    text = rtf_to_text(data.decode("latin-1"))
    return DocText(blocks=tuple(line.rstrip() for line in text.splitlines()))


_ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODF_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _odf_text(element: object) -> str:
    parts: list[str] = []

    def visit(node: object) -> None:
        tag = getattr(node, "tag", "")
        if tag == _ODF_TEXT + "tab":
            parts.append("\t")
        elif tag == _ODF_TEXT + "line-break":
            parts.append("\n")
        elif tag == _ODF_TEXT + "s":
            parts.append(" ")
        if getattr(node, "text", None):
            parts.append(node.text)  # type: ignore[attr-defined]
        for child in node:  # type: ignore[attr-defined]
            visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(element)
    return "".join(parts).strip()


def _odf_blocks(parent: object, out: list[Block], depth: int = 0) -> None:
    if depth > 40:
        return
    for child in parent:  # type: ignore[attr-defined]
        tag = child.tag
        if tag in (_ODF_TEXT + "p", _ODF_TEXT + "h"):
            out.append(_odf_text(child))
        elif tag == _ODF_TABLE + "table":
            rows = []
            for row in child.iter(_ODF_TABLE + "table-row"):
                cells = tuple(_odf_text(c) for c in row if c.tag == _ODF_TABLE + "table-cell")
                if any(cells):
                    rows.append(cells)
            out.append(Table(tuple(rows)))
        else:
            _odf_blocks(child, out, depth + 1)


def read_odt(data: bytes, limits: Limits) -> DocText:
    """OpenDocument text: content.xml parsed with defusedxml (no entity expansion)."""
    check_zip(data, limits)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = (
            read_member(archive, "content.xml") if "content.xml" in archive.namelist() else b""
        )
    if not content:
        raise ReaderFailure(ProblemKind.CORRUPT, "the OpenDocument file has no content")
    try:
        root = SafeET.fromstring(content)
    except Exception as exc:  # defusedxml raises its own and ParseError types
        raise ReaderFailure(
            ProblemKind.CORRUPT, "the OpenDocument file's content is damaged"
        ) from exc
    blocks: list[Block] = []
    _odf_blocks(root, blocks)
    return DocText(blocks=tuple(b for b in blocks if b != ""))


def read_xlsx(data: bytes, limits: Limits) -> DocText:
    """A spreadsheet form: every non-empty row of every sheet as a table row (openpyxl)."""
    check_zip(data, limits)
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken workbooks
        raise ReaderFailure(
            ProblemKind.CORRUPT, "the spreadsheet is damaged and cannot be opened"
        ) from exc
    blocks: list[Block] = []
    try:
        for sheet in book.worksheets:
            rows = []
            for count, row in enumerate(sheet.iter_rows(values_only=True)):
                if count > 2000:
                    break
                cells = tuple("" if v is None else _cell(v) for v in row)
                if any(cells):
                    rows.append(cells)
            if rows:
                blocks.append(Table(tuple(rows)))
    finally:
        book.close()
    return DocText(blocks=tuple(blocks))


def _cell(value: object) -> str:
    from datetime import date, datetime

    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()
