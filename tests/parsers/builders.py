"""Synthetic fixtures built in the tests: emails (stdlib), DOCX (python-docx), PDF (reportlab)."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
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

RECORD_BODY = """Child's name: Amy Smith
DOB: 03/04/2015
Eclipse ID: E1234567
Date of visit: 3rd April 2026
Was the child seen? Yes
Seen alone? No
Any concerns? No
Observations: Amy was happy and showed me her reading book.

Kind regards
Jo Bloggs
School Nurse"""
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


def tnef_bytes(body: str, attachments: Sequence[tuple[str, bytes]]) -> bytes:
    """A minimal winmail.dat: TNEF version, body text and attachments (title + data)."""
    import struct

    def attribute(level: int, kind: int, name: int, data: bytes) -> bytes:
        checksum = sum(data) & 0xFFFF
        return (
            struct.pack("<BHHI", level, name, kind, len(data)) + data + struct.pack("<H", checksum)
        )

    out = struct.pack("<IH", 0x223E9F78, 0x1234)
    out += attribute(1, 0x0008, 0x9006, struct.pack("<I", 0x00010000))
    out += attribute(1, 0x0002, 0x800C, body.encode("cp1252") + b"\x00")
    for name, data in attachments:
        out += attribute(2, 0x0006, 0x9002, b"\x00" * 14)
        out += attribute(2, 0x0001, 0x8010, name.encode("cp1252") + b"\x00")
        out += attribute(2, 0x0006, 0x800F, data)
    return out


@dataclass
class _Entry:
    name: str
    kind: int  # 5 root, 1 storage, 2 stream
    parent: int = -1
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    start: int = 0xFFFFFFFE


def msg_bytes(
    subject: str,
    body: str,
    sender: str,
    attachments: Sequence[tuple[str, bytes]] = (),
) -> bytes:
    """A minimal Outlook .msg (an OLE compound file) with subject, sender, body and attachments.

    Written by hand: every stream padded with NULs to 4096 bytes so that it lives in ordinary
    512-byte sectors (no mini stream); siblings chained to the right in the directory. Strings
    are NUL-terminated anyway; binary attachments should be 4096 bytes or more (a DOCX is)."""
    import struct

    def utf16(text: str) -> bytes:
        return text.encode("utf-16-le")

    sector, end, free = 512, 0xFFFFFFFE, 0xFFFFFFFF
    entries = [_Entry("Root Entry", 5)]
    streams = [
        ("__substg1.0_0037001F", utf16(subject), 0),
        ("__substg1.0_1000001F", utf16(body), 0),
        ("__substg1.0_0C1F001F", utf16(sender), 0),
        ("__properties_version1.0", b"\x00" * 32, 0),
    ]
    for index, (name, data) in enumerate(attachments):
        entries.append(_Entry(f"__attach_version1.0_#{index:08X}", 1, parent=0))
        storage = len(entries) - 1
        streams.append(("__substg1.0_3707001F", utf16(name), storage))
        streams.append(("__substg1.0_37010102", data, storage))
    for name, data, parent in streams:
        entries.append(_Entry(name, 2, parent=parent, data=data.ljust(4096, b"\x00")))
    for position, entry in enumerate(entries[1:], start=1):
        entries[entry.parent].children.append(position)
    dir_sectors = (len(entries) * 128 + sector - 1) // sector
    fat = [0xFFFFFFFD] + [(2 + i if i < dir_sectors - 1 else end) for i in range(dir_sectors)]
    data_area = b""
    for entry in entries:
        if entry.data:
            count = (len(entry.data) + sector - 1) // sector
            entry.start = len(fat)
            fat += [len(fat) + i + 1 if i < count - 1 else end for i in range(count)]
            data_area += entry.data.ljust(count * sector, b"\x00")
    assert len(fat) <= sector // 4
    fat += [free] * (sector // 4 - len(fat))
    directory = b""
    for position, entry in enumerate(entries):
        encoded = utf16(entry.name) + b"\x00\x00"
        siblings = entries[entry.parent].children if entry.parent >= 0 else []
        mine = siblings.index(position) if siblings else -1
        right = siblings[mine + 1] if 0 <= mine < len(siblings) - 1 else free
        child = entry.children[0] if entry.children else free
        directory += (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), entry.kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\x00" * 36
            + struct.pack("<IQ", entry.start, len(entry.data))
        )
    directory = directory.ljust(dir_sectors * sector, b"\x00")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 0x1000, end, 0, end, 0)
        + struct.pack("<109I", *([0] + [free] * 108))
    )  # fmt: skip
    return (
        header.ljust(sector, b"\x00")
        + struct.pack(f"<{sector // 4}I", *fat)
        + directory
        + data_area
    )
