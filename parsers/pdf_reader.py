"""PDF: page text with its layout (pdfplumber), AcroForm fields, and OCR for image-only pages."""

from __future__ import annotations

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


def _encrypted(data: bytes) -> ReaderFailure:
    return ReaderFailure(
        ProblemKind.ENCRYPTED,
        "the PDF is password-protected: ask the sender to send it without a password, "
        "or to give the password by phone and save an unprotected copy",
    )


def _open(data: bytes) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise _encrypted(data) from exc
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        if b"/Encrypt" in data:
            raise _encrypted(data) from exc
        raise ReaderFailure(ProblemKind.CORRUPT, "the PDF is damaged and cannot be opened") from exc


def _layout_lines(page: Any) -> list[str]:
    text = page.extract_text(layout=True) or ""
    return [line.rstrip() for line in text.splitlines() if line.strip()]


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
    """Text lines (layout kept so two-column label/value pairs stay on one line) and form fields."""
    pdf = _open(data)
    try:
        pages = list(pdf.pages[:MAX_PAGES])
        lines: list[str] = []
        for page in pages:
            lines.extend(_layout_lines(page))
        fields = [f for f in read_fields(pdf.doc) if f.value]
        pairs = _field_pairs(fields, pages)
        has_images = any(page.images for page in pages[:_OCR_PAGES])
    except ReaderFailure:
        raise
    except Exception as exc:
        raise ReaderFailure(ProblemKind.CORRUPT, "the PDF is damaged and cannot be read") from exc
    finally:
        pdf.close()
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
