"""Attachments: DOCX, PDF (typed and fillable), legacy formats, and the documents that cannot be read."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import docx
import pytest

from parsers import ProblemKind

from .builders import (
    ISOLATED,
    add_checkbox_line,
    docx_bytes,
    email_bytes,
    fillable_pdf,
    read,
    typed_pdf,
    visit_docx,
)


def _with(
    name: str,
    data: bytes,
    ctype: str = "application/octet-stream",
    body: str = "Please see attached.",
) -> bytes:
    return email_bytes(body, attachments=[(name, ctype, data)])


def test_docx_form_fields_tables_checkboxes_and_header() -> None:
    reading = read(_with("visit.docx", visit_docx(seen_alone=False)))
    record = reading.record
    assert [(c.full_name, c.dob, c.child_id) for c in record.children] == [
        ("Amy Smith", date(2015, 4, 3), "E1234567")
    ]
    assert record.visit_date == date(2026, 4, 3)
    assert (record.visitor_name, record.visitor_role, record.visitor_org) == (
        "Jo Bloggs", "School nurse", "Hill Top Primary",
    )  # fmt: skip
    assert record.child_seen is True  # w14 check box ticked on "Yes"
    assert record.seen_alone is False  # legacy form check box ticked on "No"
    assert record.method == "face_to_face"
    assert (record.any_concerns, record.risk_changed) == (False, False)
    assert "art project" in record.observations and "eating well" in record.observations
    assert "MECC record of visit" in record.text  # the page header
    assert record.sources == ("body", "attachment 'visit.docx'")
    assert reading.problems == ()


def test_docx_nested_and_merged_tables_and_content_controls() -> None:
    from docx.oxml import parse_xml

    from .builders import CONTENT_CONTROL

    document = docx.Document()
    outer = document.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "Children"
    merged = outer.cell(0, 1).merge(outer.cell(1, 1))
    merged.text = ""
    inner = merged.add_table(rows=3, cols=3)
    for r, row in enumerate(
        (
            ("Name", "DOB", "Eclipse ID"),
            ("Amy Smith", "3/4/15", "E1234567"),
            ("Ben Smith", "5/6/17", "E7654321"),
        )
    ):
        for c, value in enumerate(row):
            inner.cell(r, c).text = value
    document.element.body.append(
        parse_xml(CONTENT_CONTROL.format(alias="Visit date", value="03.04.2026"))
    )
    reading = read(_with("siblings.docx", docx_bytes(document)))
    record = reading.record
    assert [(c.full_name, c.dob, c.child_id) for c in record.children] == [
        ("Amy Smith", date(2015, 4, 3), "E1234567"),
        ("Ben Smith", date(2017, 6, 5), "E7654321"),
    ]
    assert record.visit_date == date(2026, 4, 3)
    assert record.text.count("Ben Smith") == 1  # the merged cell is read once


def test_children_listed_in_one_answer() -> None:
    body = "Children: Amy Smith (03/04/2015) and Ben Smith (05/06/2017)\nSeen alone: yes"
    children = read(email_bytes(body)).record.children
    assert [(c.first_name, c.last_name, c.dob) for c in children] == [
        ("Amy", "Smith", date(2015, 4, 3)),
        ("Ben", "Smith", date(2017, 6, 5)),
    ]


def test_typed_pdf_two_column_labels_pair_with_their_values() -> None:
    pdf = typed_pdf(
        [
            ("Child's name:", "Amy Smith"),
            ("Date of birth:", "3 Apr 15"),
            ("Person ID:", "123 4567"),
            ("Date of visit:", "03.04.2026"),
            ("Was the child seen?", "Yes"),
            ("Seen alone?", "No"),
            ("Type of visit:", "Video call (Teams)"),
            "Observations:",
            "Amy was tired but chatty.",
        ]
    )
    record = read(_with("visit.pdf", pdf, "application/pdf")).record
    assert [(c.full_name, c.dob, c.child_id) for c in record.children] == [
        ("Amy Smith", date(2015, 4, 3), "E1234567")
    ]
    assert (record.visit_date, record.child_seen, record.seen_alone) == (
        date(2026, 4, 3),
        True,
        False,
    )
    assert record.method == "virtual"
    assert record.observations == "Amy was tired but chatty."


def test_fillable_pdf_text_fields_checkboxes_and_radio_groups() -> None:
    pdf = fillable_pdf(
        [("child_name", "Child's name", "Amy Smith"), ("Text2", "Date of birth", "03/04/2015"),
         ("visitDate", "Date of visit", "3 Apr 26")],
        [("seen_alone", "Seen alone?", True), ("Check Box1", "Any concerns?", False)],
        [("child_seen", "Was the child seen?", ["Yes", "No"], "No")],
    )  # fmt: skip
    record = read(_with("form.pdf", pdf, "application/pdf")).record
    assert [(c.full_name, c.dob) for c in record.children] == [("Amy Smith", date(2015, 4, 3))]
    assert record.visit_date == date(2026, 4, 3)
    assert record.child_seen is False  # the radio group, not the printed "Yes  No"
    assert record.seen_alone is True
    assert record.any_concerns is False


def test_fillable_pdf_isolated_reads_the_same() -> None:
    pdf = fillable_pdf([("child_name", "Child's name", "Amy Smith")])
    record = read(_with("form.pdf", pdf, "application/pdf"), ISOLATED).record
    assert [c.full_name for c in record.children] == ["Amy Smith"]


def test_corrupt_pdf_is_a_corrupt_problem() -> None:
    pdf = typed_pdf([("Child's name:", "Amy Smith")])
    broken = pdf[:200] + b"\x00garbage" * 20
    reading = read(_with("visit.pdf", broken, "application/pdf"))
    assert [(p.kind, p.part) for p in reading.problems] == [
        (ProblemKind.CORRUPT, "attachment 'visit.pdf'")
    ]


def test_password_protected_pdf() -> None:
    import pypdfium2  # noqa: F401  (pdf encryption below is reportlab's own)
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(
        buffer, encrypt=pdfencrypt.StandardEncryption("userpw", "ownerpw", strength=128)
    )
    pdf.drawString(60, 700, "Child's name: Amy Smith")
    pdf.save()
    reading = read(_with("visit.pdf", buffer.getvalue(), "application/pdf"))
    assert [p.kind for p in reading.problems] == [ProblemKind.ENCRYPTED]
    assert "password" in reading.problems[0].detail


def test_password_protected_docx() -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(visit_docx())).encrypt("secret", out)
    reading = read(
        _with(
            "visit.docx",
            out.getvalue(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    )
    assert [p.kind for p in reading.problems] == [ProblemKind.ENCRYPTED]
    assert reading.message.attachments[0].kind == "encrypted"
    assert "without a password" in reading.problems[0].detail


def test_corrupt_docx() -> None:
    data = visit_docx()
    reading = read(_with("visit.docx", data[: len(data) // 2]))
    assert reading.message.attachments[0].kind in ("docx", "zip")
    assert [p.kind for p in reading.problems] in ([ProblemKind.CORRUPT], [ProblemKind.UNSUPPORTED])


def test_macro_document_is_recorded_not_opened() -> None:
    source = zipfile.ZipFile(io.BytesIO(visit_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    reading = read(_with("visit.docm", buffer.getvalue()))
    assert reading.message.attachments[0].kind == "docm"
    assert [p.kind for p in reading.problems] == [ProblemKind.MACRO]
    assert reading.record.children == ()


def test_rtf_odt_and_xlsx_are_read() -> None:
    rtf = rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\f0 Child\'92s name: Zo\'eb Smith\par DOB: 3/4/2015\par}"
    record = read(_with("visit.rtf", rtf)).record
    assert [(c.full_name, c.dob) for c in record.children] == [("Zoë Smith", date(2015, 4, 3))]

    content = (
        '<?xml version="1.0"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>'
        "<table:table><table:table-row><table:table-cell><text:p>YP name</text:p></table:table-cell>"
        "<table:table-cell><text:p>Amy Smith</text:p></table:table-cell></table:table-row>"
        "</table:table><text:p>Seen alone? Yes</text:p></office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as odt:
        odt.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        odt.writestr("content.xml", content)
    record = read(_with("visit.odt", buffer.getvalue())).record
    assert [c.full_name for c in record.children] == ["Amy Smith"]
    assert record.seen_alone is True

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Child's name", "Amy Smith"])
    sheet.append(["Date of visit", date(2026, 4, 3)])
    buffer = io.BytesIO()
    book.save(buffer)
    record = read(_with("visit.xlsx", buffer.getvalue())).record
    assert ([c.full_name for c in record.children], record.visit_date) == (
        ["Amy Smith"],
        date(2026, 4, 3),
    )


def test_checkbox_lines_in_docx_read_both_answers() -> None:
    document = docx.Document()
    document.add_paragraph("Child's name: Amy Smith")
    add_checkbox_line(document, "Attending school?", False)
    add_checkbox_line(document, "Has the risk changed?", True, legacy=True)
    record = read(_with("v.docx", docx_bytes(document))).record
    assert (record.attending_school, record.risk_changed) == (False, True)


def test_legacy_doc_without_tools_is_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    fake_doc = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 100
        + "WordDocument".encode("utf-16-le")
        + b"\x00" * 2000
    )
    reading = read(_with("old.doc", fake_doc))
    assert reading.message.attachments[0].kind == "doc"
    assert [p.kind for p in reading.problems] == [ProblemKind.UNSUPPORTED]
    assert "antiword" in reading.problems[0].detail
