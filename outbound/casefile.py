"""One PDF per received record, for the case system (seed 000 step 10).

A summary page (the fields read and the risk flags) followed by the original record:
PDFs appended page for page, images placed one to a page, Word and other office
documents converted when a converter is given (``libreoffice_converter``). Whatever
cannot be appended is embedded in the PDF as a file attachment, in its own format,
and the summary page says so.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pypdfium2 as pdfium
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from outbound.mime import unique_names
from outbound.templates import INDICATORS, METHODS, long_date, short_date, yes_no
from outbound.values import ChildSummary, FileAttachment, FlagLine, RecordSummary

Converter = Callable[[bytes, str], bytes | None]  # (document, safe file name) -> PDF or None
OFFICE = (".docx", ".doc", ".docm", ".odt", ".rtf")
IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff")


@dataclass(frozen=True)
class CaseFile:
    pdf: bytes
    notes: tuple[str, ...]  # plain words: what was embedded rather than appended, and why


def libreoffice_converter(binary: str, timeout: float = 120.0) -> Converter:
    """Convert office documents with ``<binary> --headless --convert-to pdf``."""

    def convert(data: bytes, name: str) -> bytes | None:
        with tempfile.TemporaryDirectory(prefix="mailbot-convert-") as folder:
            source = Path(folder) / name
            source.write_bytes(data)
            try:
                subprocess.run(
                    [binary, "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
                     "--convert-to", "pdf", "--outdir", folder, str(source)],
                    check=True, capture_output=True, timeout=timeout,
                )  # fmt: skip
            except (OSError, subprocess.SubprocessError):
                return None
            target = source.with_suffix(".pdf")
            return target.read_bytes() if target.is_file() else None

    return convert


def _summary(
    council_name: str,
    children: Sequence[ChildSummary],
    record: RecordSummary,
    flags: Sequence[FlagLine],
    body_text: str,
    reference: str | None,
    generated: datetime,
    listing: Sequence[str],
) -> bytes:
    styles = getSampleStyleSheet()
    normal, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=16 * mm, title="Record of visit", author=council_name,
    )  # fmt: skip

    def para(text: str, style: object = normal) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)  # type: ignore[arg-type]

    visitor = ", ".join(
        x for x in (record.visitor_name, record.visitor_role, record.visitor_org) if x
    )
    rows = [
        ("Child", "; ".join(
            " ".join(x for x in (c.initials, c.child_id, c.first_name, c.last_name,
                                 short_date(c.dob) if c.dob else None) if x)
            for c in children)),
        ("Date of visit", long_date(record.visit_date)),
        ("Visitor", visitor or "not given"),
        ("Child seen / seen alone", f"{yes_no(record.child_seen)} / {yes_no(record.seen_alone)}"),
        ("Visit method", "Not said" if record.method is None else METHODS.get(record.method, record.method)),
        ("Attending school", yes_no(record.attending_school)),
        ("Any concerns / risk changed", f"{yes_no(record.any_concerns)} / {yes_no(record.risk_changed)}"),
        ("Matched by", record.match_reason or "not recorded"),
        ("Received", f"{long_date(record.received)} {record.received:%H:%M}" if record.received else "not recorded"),
        ("From", record.sender or "not recorded"),
        ("Our reference", reference or "none"),
    ]  # fmt: skip
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f7")),
        ]
    )
    story: list[object] = [
        Paragraph("Record of visit: for the case system", styles["Title"]),
        para(f"{council_name}. Prepared {long_date(generated)} {generated:%H:%M}.", small),
        Spacer(1, 4 * mm),
        Table([[para(a), para(b)] for a, b in rows], colWidths=[55 * mm, 119 * mm], style=grid),
    ]
    if flags:
        story += [
            Spacer(1, 4 * mm),
            Paragraph("Risk flags (for the social worker's review)", styles["Heading3"]),
        ]
        for flag in flags:
            label = INDICATORS.get(flag.indicator, flag.indicator)
            story.append(para(f"{label} ({flag.severity}): “{flag.evidence}”"))
    for title, text in (("Observations", record.observations), ("Concerns", record.concerns)):
        if text:
            story += [Paragraph(title, styles["Heading3"]), para(text)]
    if record.fields:
        story += [Paragraph("Everything read from the record", styles["Heading3"])]
        story.append(Table([[para(a, small), para(b, small)] for a, b in record.fields],
                           colWidths=[55 * mm, 119 * mm], style=grid))  # fmt: skip
    if body_text.strip():
        story += [
            Paragraph("The record as written in the email", styles["Heading3"]),
            para(body_text.strip(), small),
        ]
    story += [Paragraph("The original record", styles["Heading3"])]
    story += [para(line) for line in listing] or [para("Nothing was attached.")]
    doc.build(story)  # type: ignore[arg-type]
    return out.getvalue()


def _image_page(data: bytes) -> bytes:
    image = ImageReader(io.BytesIO(data))
    width, height = image.getSize()
    page_w, page_h = A4
    scale = min((page_w - 60) / width, (page_h - 60) / height, 1.0)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    w, h = width * scale, height * scale
    pdf.drawImage(image, (page_w - w) / 2, page_h - 30 - h, w, h)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def case_file(
    *,
    council_name: str,
    children: Sequence[ChildSummary],
    record: RecordSummary,
    flags: Sequence[FlagLine] = (),
    documents: Sequence[FileAttachment] = (),
    body_text: str = "",
    reference: str | None = None,
    generated: datetime,
    converter: Converter | None = None,
) -> CaseFile:
    """The summary page followed by each original document (see the module notes)."""
    names = unique_names(documents)
    pages: list[tuple[str, bytes | None]] = []  # (name, PDF to append or None to embed)
    listing, notes = [], []
    for document, name in zip(documents, names, strict=True):
        lower = name.lower()
        pdf: bytes | None = None
        why = ""
        if document.data.startswith(b"%PDF") or lower.endswith(".pdf"):
            pdf = document.data
        elif lower.endswith(IMAGES) or document.content_type.startswith("image/"):
            try:
                pdf = _image_page(document.data)
            except Exception:  # reportlab and PIL raise many kinds for a bad image
                why = "the image could not be read"
        elif lower.endswith(OFFICE):
            pdf = converter(document.data, name) if converter else None
            why = (
                "no document converter is installed"
                if converter is None
                else "it could not be converted"
            )
        else:
            why = "this kind of file cannot be shown in a PDF"
        if pdf is not None and not _opens(pdf):
            pdf, why = None, "it is damaged or protected by a password"
        pages.append((name, pdf))
        if pdf is None:
            note = f"{name}: embedded in this PDF as a file attachment, because {why}."
            notes.append(note)
            listing.append(note)
        else:
            listing.append(f"{name}: follows this page.")
    summary = _summary(council_name, children, record, flags, body_text, reference,
                       generated, listing)  # fmt: skip
    result = pdfium.PdfDocument(summary)
    sources: list[pdfium.PdfDocument] = []  # pdfium needs them open until the result is saved
    try:
        for (name, pdf), document in zip(pages, documents, strict=True):
            if pdf is not None:
                sources.append(pdfium.PdfDocument(pdf))
                result.import_pages(sources[-1])
            else:
                attachment = result.new_attachment(name)
                attachment.set_data(document.data)
        out = io.BytesIO()
        result.save(out)
    finally:
        result.close()
        for source in sources:
            source.close()
    return CaseFile(out.getvalue(), tuple(notes))


def _opens(data: bytes) -> bool:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return False
    try:
        return len(document) > 0
    finally:
        document.close()
