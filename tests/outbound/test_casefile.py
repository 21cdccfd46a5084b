"""The case-system PDF: a summary page, then the original record."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pdfplumber
import pypdfium2 as pdfium

from outbound.casefile import case_file
from outbound.forms import Prefill, visit_form_pdf
from outbound.preview import CHILD, FLAGS, RECORD, REFERENCE
from outbound.values import ChildSummary, FileAttachment

WHEN = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
FORM = visit_form_pdf(Prefill("MECC-7K3Q9P", ChildSummary("JT", "E1234567")), council_name="C", mailbox_address="m@c.gov.uk")  # fmt: skip
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _pages(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def _embedded(data: bytes) -> dict[str, bytes]:
    document = pdfium.PdfDocument(data)
    try:
        found = {}
        for i in range(document.count_attachments()):
            attachment = document.get_attachment(i)
            found[attachment.get_name()] = bytes(attachment.get_data())
        return found
    finally:
        document.close()


def test_summary_page_then_the_original_pdf() -> None:
    out = case_file(
        council_name="Exampleshire County Council", children=[CHILD], record=RECORD, flags=FLAGS,
        documents=[FileAttachment("visit.pdf", "application/pdf", FORM)], reference=REFERENCE,
        generated=WHEN,
    )  # fmt: skip
    pages = _pages(out.pdf)
    assert len(pages) == 2
    summary = pages[0]
    for fact in ("JT E1234567", "Tuesday 10 March 2026", "Priya Exampleton", "Injury or marks",
                 "bruise on his left arm", REFERENCE, "visit.pdf: follows this page."):  # fmt: skip
        assert fact in summary
    assert "Record of visit: Making Every Contact Count" in pages[1]
    assert out.notes == ()


def test_word_without_a_converter_is_embedded_and_noted() -> None:
    word = FileAttachment("visit record.docx", DOCX_TYPE, b"PK\x03\x04 word bytes")
    out = case_file(council_name="C", children=[CHILD], record=RECORD, documents=[word], generated=WHEN)  # fmt: skip
    assert len(_pages(out.pdf)) == 1
    assert "no document converter" in _pages(out.pdf)[0]
    assert _embedded(out.pdf) == {"visit record.docx": word.data}
    assert len(out.notes) == 1 and "visit record.docx" in out.notes[0]


def test_word_with_a_converter_is_appended() -> None:
    calls: list[str] = []

    def convert(data: bytes, name: str) -> bytes:
        calls.append(name)
        return FORM

    word = FileAttachment("visit.docx", DOCX_TYPE, b"PK\x03\x04")
    out = case_file(council_name="C", children=[CHILD], record=RECORD, documents=[word], generated=WHEN, converter=convert)  # fmt: skip
    assert calls == ["visit.docx"]
    assert len(_pages(out.pdf)) == 2 and _embedded(out.pdf) == {}


def test_a_damaged_pdf_and_an_image_and_a_typed_record() -> None:
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(png, format="PNG")
    documents = [
        FileAttachment("broken.pdf", "application/pdf", b"%PDF-1.7 this is not a pdf"),
        FileAttachment("photo of form.png", "image/png", png.getvalue()),
    ]
    out = case_file(council_name="C", children=[CHILD], record=RECORD, documents=documents,
                    body_text="Seen JT at school today.", generated=WHEN)  # fmt: skip
    pages = _pages(out.pdf)
    assert len(pages) == 2  # summary + the image; the damaged PDF is embedded
    assert "Seen JT at school today." in pages[0]
    assert "damaged or protected by a password" in pages[0]
    assert set(_embedded(out.pdf)) == {"broken.pdf"}
