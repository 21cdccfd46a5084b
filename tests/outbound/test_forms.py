"""The visit forms open in the readers' libraries and hold the pre-filled values."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import docx
import pdfplumber
from pdfminer.pdftypes import resolve1

from outbound.forms import LABELS, METHODS, YES_NO, Prefill, visit_form_docx, visit_form_pdf
from outbound.values import ChildSummary

PREFILL = Prefill(
    reference="MECC-7K3Q9P",
    child=ChildSummary("JT", "E1234567", dob=date(2014, 5, 17)),
    visitor_name="Priya Exampleton",
    organisation="Northgate Primary School",
)
SETTINGS = {
    "council_name": "Exampleshire County Council",
    "mailbox_address": "mecc@exampleshire.gov.uk",
}


def _text(value: Any) -> str:
    value = resolve1(value)
    if isinstance(value, bytes):
        return value.decode("utf-16") if value.startswith(b"\xfe\xff") else value.decode("latin-1")
    return "" if value is None else str(getattr(value, "name", value))


def _pdf_fields(data: bytes) -> dict[str, dict[str, Any]]:
    fields: dict[str, dict[str, Any]] = {}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        form = resolve1(pdf.doc.catalog["AcroForm"])
        for ref in resolve1(form["Fields"]):
            field = resolve1(ref)
            kids = [resolve1(k) for k in resolve1(field.get("Kids") or [])]
            states = {
                _text(name) for kid in kids for name in resolve1(resolve1(kid["AP"])["N"])
            } - {"Off"}
            fields[_text(field["T"])] = {
                "type": _text(field["FT"]),
                "value": _text(field.get("V")),
                "tooltip": _text(field.get("TU")),
                "choices": states,
            }
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    fields["__text__"] = {"value": text}
    return fields


def test_word_form_is_a_two_column_table_with_the_labels_and_prefill() -> None:
    document = docx.Document(io.BytesIO(visit_form_docx(PREFILL, **SETTINGS)))
    [table] = document.tables
    rows = {row.cells[0].text: row.cells[1].text for row in table.rows}
    assert list(rows) == list(LABELS)
    assert rows["Child's initials"] == "JT"
    assert rows["Child ID"] == "E1234567"
    assert rows["Date of birth"] == "17/05/2014"
    assert rows["Reference"] == "MECC-7K3Q9P"
    assert rows["Visitor name"] == "Priya Exampleton"
    assert rows["Organisation"] == "Northgate Primary School"
    assert rows["Was the child seen?"] == "" and rows["Observations"] == ""
    assert any("mecc@exampleshire.gov.uk" in p.text for p in document.paragraphs)


def test_word_form_leaves_out_what_was_not_given() -> None:
    bare = Prefill(reference="MECC-AAAAAA", child=ChildSummary("JT", "E1234567"))
    document = docx.Document(io.BytesIO(visit_form_docx(bare, **SETTINGS)))
    rows = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert rows["Date of birth"] == "" and rows["Visitor name"] == ""


def test_pdf_form_has_a_field_per_label_with_tooltips_and_prefill() -> None:
    fields = _pdf_fields(visit_form_pdf(PREFILL, **SETTINGS))
    text = fields.pop("__text__")["value"]
    assert set(fields) == set(LABELS)
    for label, field in fields.items():
        assert field["tooltip"] == label
    assert fields["Child's initials"]["value"] == "JT"
    assert fields["Child ID"]["value"] == "E1234567"
    assert fields["Reference"]["value"] == "MECC-7K3Q9P"
    assert fields["Date of birth"]["value"] == "17/05/2014"
    assert fields["Date of visit"] == {
        "type": "Tx",
        "value": "",
        "tooltip": "Date of visit",
        "choices": set(),
    }
    for label in YES_NO:
        assert fields[label]["type"] == "Btn" and fields[label]["choices"] == {"Yes", "No"}
        assert fields[label]["value"] in ("", "Off")  # nothing answered yet
    assert fields["Visit method"]["choices"] == set(METHODS)
    for label in LABELS:
        assert label in text  # printed beside its field for people


def test_pdf_form_opens_in_pdfium() -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(visit_form_pdf(PREFILL, **SETTINGS))
    try:
        assert len(document) == 1
    finally:
        document.close()
