"""The visit form partners fill in: a Word document and a fillable PDF, pre-filled.

Both carry the same labels (``LABELS``), so the readers in ``parsers`` find the answers
whichever the partner returns. In the PDF each label is also the field's name and its
tooltip; yes/no questions and the visit method are radio groups whose value is the
chosen answer ("Yes", "No", "Face to face", "Virtual", "Phone"). Nothing here reads
files, the network or the clock.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import docx
from docx.shared import Pt, RGBColor
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from outbound.mime import safe_filename
from outbound.values import ChildSummary, FileAttachment

LABELS = (
    "Child's initials",
    "Date of birth",
    "Child ID",
    "Reference",
    "Date of visit",
    "Visitor name",
    "Role",
    "Organisation",
    "Was the child seen?",
    "Was the child seen alone?",
    "Visit method",
    "Is the child attending school?",
    "Any concerns?",
    "Has the risk changed?",
    "Observations",
    "Concerns",
)
YES_NO = frozenset(
    {
        "Was the child seen?",
        "Was the child seen alone?",
        "Is the child attending school?",
        "Any concerns?",
        "Has the risk changed?",
    }
)
METHODS = ("Face to face", "Virtual", "Phone")
LONG_TEXT = frozenset({"Observations", "Concerns"})
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Prefill:
    """What the form is filled in with before it is sent. ``child`` is already trimmed
    to what the settings allow (see ``Allowance``)."""

    reference: str
    child: ChildSummary | None = None
    visitor_name: str | None = None
    role: str | None = None
    organisation: str | None = None

    def values(self) -> dict[str, str]:
        child = self.child
        found = {
            "Child's initials": child.initials if child else "",
            "Date of birth": f"{child.dob:%d/%m/%Y}" if child and child.dob else "",
            "Child ID": child.child_id if child else "",
            "Reference": self.reference,
            "Visitor name": self.visitor_name or "",
            "Role": self.role or "",
            "Organisation": self.organisation or "",
        }
        return {label: found.get(label, "") for label in LABELS}


def _instructions(mailbox_address: str) -> list[str]:
    return [
        f"Please fill in this form and email it to {mailbox_address} "
        "within 24 hours of your visit.",
        "Keep the reference as it is: it tells us which child the record is about.",
        'Answer each question with "Yes" or "No". Visit method: Face to face, Virtual or Phone.',
    ]


def visit_form_docx(prefill: Prefill, *, council_name: str, mailbox_address: str) -> bytes:
    """A Word form: a heading, short instructions and one two-column table."""
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"  # type: ignore[attr-defined]
    style.font.size = Pt(11)  # type: ignore[attr-defined]
    document.add_heading("Record of visit: Making Every Contact Count", level=1)
    document.add_paragraph(council_name)
    for line in _instructions(mailbox_address):
        document.add_paragraph(line)
    values = prefill.values()
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label in LABELS:
        cells = table.add_row().cells
        cells[0].text = ""
        run = cells[0].paragraphs[0].add_run(label)
        run.bold = True
        cells[1].text = values[label]
    note = document.add_paragraph().add_run(
        "Please do not add anything to this form that the social worker does not need."
    )
    note.italic = True
    note.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def visit_form_pdf(prefill: Prefill, *, council_name: str, mailbox_address: str) -> bytes:
    """A fillable PDF (AcroForm): text fields, and radio groups for the choices."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle("Record of visit: Making Every Contact Count")
    pdf.setAuthor(council_name)
    width, height = A4
    left, field_x, right = 40.0, 230.0, width - 40.0
    y = height - 50
    pdf.setFont("Helvetica-Bold", 15)
    pdf.drawString(left, y, "Record of visit: Making Every Contact Count")
    y -= 18
    pdf.setFont("Helvetica", 10)
    pdf.drawString(left, y, council_name)
    y -= 18
    pdf.setFont("Helvetica", 9)
    for line in _instructions(mailbox_address):
        pdf.drawString(left, y, line)
        y -= 12
    y -= 8
    form = pdf.acroForm
    values = prefill.values()
    border = HexColor("#555555")
    for label in LABELS:
        tall = label in LONG_TEXT
        row = 92.0 if tall else 22.0
        y -= row + 6
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(left, y + row - 14, label)
        if label in YES_NO or label == "Visit method":
            choices = METHODS if label == "Visit method" else ("Yes", "No")
            x = field_x
            for choice in choices:
                form.radio(
                    name=label,
                    value=choice,
                    selected=False,
                    tooltip=label,
                    x=x,
                    y=y + 4,
                    size=14,
                    buttonStyle="circle",
                    borderColor=border,
                )
                pdf.setFont("Helvetica", 10)
                pdf.drawString(x + 18, y + 7, choice)
                x += 30 + pdf.stringWidth(choice, "Helvetica", 10)
            continue
        form.textfield(
            name=label,
            tooltip=label,
            value=values[label],
            x=field_x,
            y=y,
            width=right - field_x,
            height=row,
            fontName="Helvetica",
            fontSize=10,
            borderColor=border,
            fieldFlags="multiline" if tall else "",
        )
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def visit_forms(
    prefill: Prefill, *, council_name: str, mailbox_address: str
) -> tuple[FileAttachment, FileAttachment]:
    """Both forms as attachments named after the reference."""
    name = safe_filename(f"MECC visit form {prefill.reference}", fallback="MECC visit form")
    return (
        FileAttachment(
            f"{name}.docx",
            DOCX_TYPE,
            visit_form_docx(prefill, council_name=council_name, mailbox_address=mailbox_address),
        ),
        FileAttachment(
            f"{name}.pdf",
            "application/pdf",
            visit_form_pdf(prefill, council_name=council_name, mailbox_address=mailbox_address),
        ),
    )
