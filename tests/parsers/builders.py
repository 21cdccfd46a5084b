"""Synthetic fixtures built in the tests: emails (stdlib), DOCX (python-docx), PDF (reportlab)."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path

import docx
import reportlab
from docx.oxml import parse_xml
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

import parsers

ROOT = Path(__file__).resolve().parents[2]
LABELS = parsers.load_label_synonyms((ROOT / "config" / "labels.toml").read_text("utf-8"))
OPTIONS = parsers.ReadOptions(label_synonyms=LABELS, isolate_heavy_readers=False)
ISOLATED = parsers.ReadOptions(label_synonyms=LABELS, isolate_heavy_readers=True)
VERA = os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def email_bytes(
    body: str | None = "",
    *,
    subject: str = "Visit record",
    sender: str = "Jo Bloggs <jo.bloggs@school.example>",
    html: str | None = None,
    attachments: Sequence[tuple[str, str, bytes]] = (),
    headers: Sequence[tuple[str, str]] = (),
    message_id: str = "<rec-1@school.example>",
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "MECC Mailbox <mecc@council.example>"
    msg["Subject"] = subject
    msg["Date"] = "Fri, 03 Apr 2026 15:04:05 +0100"
    msg["Message-ID"] = message_id
    for name, value in headers:
        msg[name] = value
    if body is not None:
        msg.set_content(body)
    if html is not None:
        if body is None:
            msg.set_content(html, subtype="html")
        else:
            msg.add_alternative(html, subtype="html")
    for filename, ctype, data in attachments:
        main, _, sub = ctype.partition("/")
        msg.add_attachment(data, maintype=main, subtype=sub, filename=filename)
    return msg.as_bytes()


def read(raw: bytes, options: parsers.ReadOptions = OPTIONS) -> parsers.Reading:
    return parsers.read(raw, options)


W14_CHECKBOX = (
    '<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml">'
    '<w:sdtPr><w14:checkbox><w14:checked w14:val="{val}"/></w14:checkbox></w:sdtPr>'
    "<w:sdtContent><w:r><w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>"
)
LEGACY_CHECKBOX = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/>'
    '<w:checkBox><w:sizeAuto/><w:default w:val="{val}"/></w:checkBox></w:ffData></w:fldChar></w:r>'
)
CONTENT_CONTROL = (
    '<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:sdtPr><w:alias w:val="{alias}"/><w:tag w:val="{alias}"/></w:sdtPr>'
    "<w:sdtContent><w:p><w:r><w:t>{value}</w:t></w:r></w:p></w:sdtContent></w:sdt>"
)


def add_checkbox_line(
    document: docx.document.Document, label: str, yes: bool, legacy: bool = False
) -> None:
    """ "label  [box] Yes  [box] No" with real Word check box elements."""
    para = document.add_paragraph(f"{label} ")
    template = LEGACY_CHECKBOX if legacy else W14_CHECKBOX
    for option, ticked in (("Yes", yes), ("No", not yes)):
        glyph = "☒" if ticked else "☐"
        para._p.append(parse_xml(template.format(val="1" if ticked else "0", glyph=glyph)))
        para.add_run(f" {option} ")


def docx_bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def visit_docx(
    name: str = "Amy Smith",
    dob: str = "03/04/2015",
    child_id: str = "E1234567",
    *,
    seen_alone: bool = False,
    header_text: str = "MECC record of visit",
) -> bytes:
    """A typical partner form: a two-column table, check boxes, a narrative and a header."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = header_text
    document.add_heading("Record of visit", 1)
    table = document.add_table(rows=0, cols=2)
    for label, value in (
        ("Name of child/young person", name),
        ("D.O.B.", dob),
        ("Eclipse ID", child_id),
        ("Date of visit", "3rd April 2026"),
        ("Visitor name", "Jo Bloggs"),
        ("Role", "School nurse"),
        ("Organisation", "Hill Top Primary"),
    ):
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    add_checkbox_line(document, "Was the child seen?", True)
    add_checkbox_line(document, "Seen alone?", seen_alone, legacy=True)
    document.add_paragraph("Method: Face to face")
    document.add_paragraph("Any concerns? No")
    document.add_paragraph("Observations:")
    document.add_paragraph("Amy was cheerful and talked about her art project.")
    document.add_paragraph("She is eating well.")
    document.add_paragraph("Has the risk changed? No")
    return docx_bytes(document)


def typed_pdf(lines: Sequence[tuple[str, str] | str], two_column: bool = True) -> bytes:
    """A typed PDF form: labels in the left column, values at x=250 on the same line."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    y = 800.0
    pdf.setFont("Helvetica", 11)
    for item in lines:
        if isinstance(item, str):
            pdf.drawString(60, y, item)
        elif two_column:
            pdf.drawString(60, y, item[0])
            pdf.drawString(250, y, item[1])
        else:
            pdf.drawString(60, y, f"{item[0]}: {item[1]}")
        y -= 20
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def fillable_pdf(
    text_fields: Sequence[tuple[str, str, str]],
    checkboxes: Sequence[tuple[str, str, bool]] = (),
    radios: Sequence[tuple[str, str, Sequence[str], str]] = (),
) -> bytes:
    """AcroForm: (name, printed label, value) text fields; (name, label, checked) boxes;
    (group name, label, options, chosen) radio groups."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    form = pdf.acroForm
    y = 800.0
    for name, label, value in text_fields:
        pdf.drawString(60, y + 4, label)
        form.textfield(name=name, value=value, x=250, y=y, width=250, height=18, borderWidth=0)
        y -= 28
    for name, label, checked in checkboxes:
        pdf.drawString(60, y + 4, label)
        form.checkbox(name=name, x=250, y=y, size=14, checked=checked, buttonStyle="cross")
        y -= 28
    for group, label, options, chosen in radios:
        pdf.drawString(60, y + 4, label)
        for index, option in enumerate(options):
            pdf.drawString(270 + index * 90, y + 4, option)
            form.radio(
                name=group,
                value=option,
                selected=option == chosen,
                x=250 + index * 90,
                y=y,
                size=14,
            )
        y -= 28
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def text_image(lines: Sequence[str], size: int = 40, noise: bool = False) -> bytes:
    """A PNG 'scan' of printed lines."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(VERA, size)
    height = 120 + len(lines) * int(size * 1.6)
    image = Image.new("L", (2000, height), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((80, 60 + index * int(size * 1.6)), line, font=font, fill=0)
    if noise:
        import random

        rng = random.Random(7)
        pixels = image.load()
        assert pixels is not None
        for _ in range(image.width * image.height // 3):
            pixels[rng.randrange(image.width), rng.randrange(image.height)] = rng.choice((0, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def image_pdf(png: bytes) -> bytes:
    from reportlab.lib.utils import ImageReader

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    reader = ImageReader(io.BytesIO(png))
    width, height = reader.getSize()
    scale = min(500 / width, 760 / height)
    pdf.drawImage(reader, 40, 800 - height * scale, width * scale, height * scale)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
