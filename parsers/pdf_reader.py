"""PDF: page text with its layout (pdfplumber), AcroForm fields, and OCR for image-only pages."""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

from .document import DocText
from .errors import ReaderFailure
from .ocr import ocr_image
from .pdf_forms import FormField, is_generic, read_fields
from .record import ProblemKind

MAX_PAGES = 100
_OCR_PAGES = 10
_MIN_TEXT = 25  # fewer characters than this on every page: treat as a scan


def _encrypted() -> ReaderFailure:
    return ReaderFailure(
        ProblemKind.ENCRYPTED,
        "the PDF is password-protected: ask the sender to send it without a password, "
        "or to give the password by phone and save an unprotected copy",
    )


def _open_pdfium(data: bytes) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise _encrypted() from exc
        raise ReaderFailure(ProblemKind.CORRUPT, "the PDF is damaged and cannot be opened") from exc


def _segments_to_lines(segments: list[tuple[float, float, float, float, str]]) -> list[str]:
    """Text runs (left, bottom, right, top, text) to lines; a wide gap between runs becomes a tab,
    so that a label and its value in two columns stay paired on one line."""
    segments.sort(key=lambda s: (-s[3], s[0]))
    lines: list[list[tuple[float, float, float, float, str]]] = []
    for seg in segments:
        middle = (seg[1] + seg[3]) / 2
        for line in lines:
            ref = line[0]
            if ref[1] - 1 <= middle <= ref[3] + 1:
                line.append(seg)
                break
        else:
            lines.append([seg])
    out: list[str] = []
    for line in lines:
        line.sort(key=lambda s: s[0])
        parts: list[str] = []
        previous: tuple[float, float, float, float, str] | None = None
        for seg in line:
            text = seg[4].strip()
            if not text:
                continue
            if previous is not None:
                char_width = (previous[2] - previous[0]) / max(len(previous[4]), 1)
                parts.append("\t" if seg[0] - previous[2] > max(3 * char_width, 12) else " ")
            parts.append(text)
            previous = seg
        if parts:
            out.append("".join(parts))
    return out


def _pdfium_lines(doc: Any) -> tuple[list[str], bool]:
    import pypdfium2.raw as pdfium_c

    lines: list[str] = []
    has_images = False
    for index in range(min(len(doc), MAX_PAGES)):
        page = doc[index]
        textpage = page.get_textpage()
        try:
            segments = []
            for rect in range(textpage.count_rects()):
                box = textpage.get_rect(rect)
                segments.append((*box, textpage.get_text_bounded(*box)))
            lines.extend(_segments_to_lines(segments))
            if index < _OCR_PAGES and not has_images:
                images = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3)
                has_images = next(iter(images), None) is not None
        finally:
            textpage.close()
            page.close()
    return lines, has_images


def _form_pairs(data: bytes) -> list[tuple[str, str]]:
    """AcroForm field values, through pdfminer's objects as pdfplumber opens them."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception:  # the text was readable; a broken form dictionary only loses the fields
        return []
    try:
        fields = [f for f in read_fields(pdf.doc) if f.value]
        return _field_pairs(fields, list(pdf.pages[:MAX_PAGES])) if fields else []
    except Exception:
        return []
    finally:
        with contextlib.suppress(Exception):
            pdf.close()


def _label_left_of(words: list[dict[str, Any]], height: float, rect: list[float]) -> str:
    x0, y0, x1, y1 = rect
    top, bottom = height - max(y0, y1), height - min(y0, y1)
    same_line = [
        w for w in words
        if w["x1"] <= min(x0, x1) + 2 and w["bottom"] > top - 2 and w["top"] < bottom + 2
    ]  # fmt: skip
    same_line.sort(key=lambda w: -w["x1"])
    picked: list[dict[str, Any]] = []
    edge = min(x0, x1)
    for word in same_line:
        if edge - word["x1"] > (250 if not picked else 20):
            break
        picked.append(word)
        edge = word["x0"]
    if not picked:
        above = [
            w
            for w in words
            if top - 20 <= w["bottom"] <= top + 1
            and w["x0"] < max(x0, x1)
            and w["x1"] > min(x0, x1)
        ]
        picked = sorted(above, key=lambda w: -w["x0"])
    return " ".join(w["text"] for w in reversed(picked)).strip()


def _field_pairs(fields: list[FormField], pages: list[Any]) -> list[tuple[str, str]]:
    by_id = {getattr(p.page_obj, "pageid", None): p for p in pages}
    words_cache: dict[int, list[dict[str, Any]]] = {}
    out: list[tuple[str, str]] = []
    for field in fields:
        label = field.tooltip.strip() or field.name
        if (not field.tooltip.strip()) and is_generic(field.name) and field.rects:
            page_id, rect = field.rects[0]
            page = by_id.get(page_id) or (pages[0] if len(pages) == 1 else None)
            if page is not None:
                if page_id not in words_cache:
                    words_cache[page_id] = page.extract_words()
                near = _label_left_of(words_cache[page_id], float(page.height), rect)
                label = near or label
        out.append((label, field.value))
    return out


def read_pdf(data: bytes, ocr: bool, ocr_seconds: float) -> DocText:
    """Text lines (pypdfium2: fast, with column gaps kept as tabs), AcroForm fields (pdfminer via
    pdfplumber, only when the file has a form), and OCR when the pages are only images."""
    doc = _open_pdfium(data)
    try:
        lines, has_images = _pdfium_lines(doc)
    except ReaderFailure:
        raise
    except Exception as exc:  # pdfium raises its own error type for damaged page content
        raise ReaderFailure(ProblemKind.CORRUPT, "the PDF is damaged and cannot be read") from exc
    finally:
        with contextlib.suppress(Exception):  # closing a damaged file can raise again
            doc.close()
    pairs = _form_pairs(data) if b"/AcroForm" in data else []
    text_chars = len(re.sub(r"\s", "", "".join(lines)))
    if text_chars < _MIN_TEXT and not pairs and has_images:
        if not ocr:
            raise ReaderFailure(ProblemKind.UNSUPPORTED, "scanned record: OCR is turned off")
        return _ocr_pdf(data, ocr_seconds)
    return DocText(blocks=tuple(lines), fields=tuple(pairs))


def _ocr_pdf(data: bytes, seconds: float) -> DocText:
    import pypdfium2 as pdfium

    lines: list[str] = []
    confidences: list[float] = []
    doc = pdfium.PdfDocument(data)
    try:
        for index in range(min(len(doc), _OCR_PAGES)):
            page = doc[index]
            image = page.render(scale=300 / 72).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            result = ocr_image(buffer.getvalue(), seconds)
            lines.extend(result.lines)
            if result.confidence is not None:
                confidences.append(result.confidence)
    finally:
        doc.close()
    confidence = sum(confidences) / len(confidences) if confidences else 0.0
    return DocText(blocks=tuple(lines), ocr_confidence=confidence)


def read_image(data: bytes, seconds: float) -> DocText:
    result = ocr_image(data, seconds)
    return DocText(blocks=result.lines, ocr_confidence=result.confidence or 0.0)
