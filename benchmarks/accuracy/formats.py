"""Building the corpus's emails: a record as plain text, HTML, DOCX or PDF; replies, forwards
and noise (out-of-office, bounces, newsletters). Deterministic given the same inputs."""

from __future__ import annotations

import html
import io
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

MAILBOX = "mecc@example.gov.uk"
Fields = list[tuple[str, str]]


def form_lines(fields: list[tuple[str, str]], narrative: str) -> str:
    lines = [f"{label}: {value}" for label, value in fields]
    return "\n".join(lines) + f"\n\nObservations:\n{narrative}\n"


def _message(sender: str, sender_name: str, subject: str, when: datetime, seq: int) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"{sender_name} <{sender}>"
    msg["To"] = MAILBOX
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = make_msgid(idstring=f"eval{seq}", domain=sender.split("@")[1])
    return msg


def plain(
    sender: str, name: str, subject: str, when: datetime, seq: int, fields: Fields, narrative: str
) -> bytes:
    msg = _message(sender, name, subject, when, seq)
    msg.set_content(
        f"Hello,\n\nPlease find my record of visit below.\n\n{form_lines(fields, narrative)}\nKind regards\n{name}\n"
    )
    return msg.as_bytes()


def html_body(
    sender: str, name: str, subject: str, when: datetime, seq: int, fields: Fields, narrative: str
) -> bytes:
    msg = _message(sender, name, subject, when, seq)
    rows = "".join(
        f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>" for k, v in fields
    )
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in narrative.split("\n") if p.strip())
    body = (
        "<html><body><p>Dear MECC team,</p><p>Record of visit below.</p>"
        f"<table border='1'>{rows}</table><p><b>Observations:</b></p>{paras}"
        f"<p>Many thanks,<br>{html.escape(name)}</p></body></html>"
    )
    msg.set_content(f"Record of visit\n\n{form_lines(fields, narrative)}")
    msg.add_alternative(body, subtype="html")
    return msg.as_bytes()


def reply_quoting(
    sender: str,
    name: str,
    subject: str,
    when: datetime,
    seq: int,
    fields: Fields,
    narrative: str,
    quoted_fields: Fields,
    quoted_narrative: str,
) -> bytes:
    msg = _message(sender, name, f"RE: {subject}", when, seq)
    quoted = "\n".join(
        "> " + line for line in form_lines(quoted_fields, quoted_narrative).splitlines()
    )
    body = (
        f"Hi,\n\nHere is this week's visit.\n\n{form_lines(fields, narrative)}\nThanks\n{name}\n\n"
        f"On Mon, 3 Mar 2025 at 09:12, {name} <{sender}> wrote:\n{quoted}\n"
    )
    msg.set_content(body)
    return msg.as_bytes()


def forwarded(
    sender: str,
    name: str,
    subject: str,
    when: datetime,
    seq: int,
    fields: Fields,
    narrative: str,
    original_sender: str,
    original_name: str,
    attached: bool,
) -> bytes:
    inner = _message(original_sender, original_name, subject, when, seq + 100_000)
    inner.set_content(f"Record of visit\n\n{form_lines(fields, narrative)}\n{original_name}\n")
    msg = _message(sender, name, f"FW: {subject}", when, seq)
    if attached:
        msg.set_content(f"Forwarding {original_name}'s record of visit, as discussed.\n\n{name}\n")
        msg.add_attachment(inner)
    else:
        msg.set_content(
            f"Please see below from {original_name}.\n\n{name}\n\n"
            "---------- Forwarded message ---------\n"
            f"From: {original_name} <{original_sender}>\n"
            f"Date: {format_datetime(when)}\nSubject: {subject}\nTo: {MAILBOX}\n\n"
            f"Record of visit\n\n{form_lines(fields, narrative)}\n"
        )
    return msg.as_bytes()


def docx_attachment(
    sender: str, name: str, subject: str, when: datetime, seq: int, fields: Fields, narrative: str
) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("MECC record of visit", level=1)
    table = document.add_table(rows=0, cols=2)
    for label, value in fields:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    document.add_paragraph("Observations:")
    for para in narrative.split("\n"):
        document.add_paragraph(para)
    buffer = io.BytesIO()
    document.save(buffer)
    msg = _message(sender, name, subject, when, seq)
    msg.set_content(f"Please find attached my record of visit.\n\n{name}\n")
    msg.add_attachment(
        buffer.getvalue(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="Record of visit.docx",
    )
    return msg.as_bytes()


def pdf_attachment(
    sender: str, name: str, subject: str, when: datetime, seq: int, fields: Fields, narrative: str
) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    y = 800
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(50, y, "Record of visit")
    pdf.setFont("Helvetica", 10)
    for line in form_lines(fields, narrative).splitlines():
        y -= 16
        while len(line) > 95:
            cut = line.rfind(" ", 0, 95)
            pdf.drawString(50, y, line[:cut])
            line, y = line[cut + 1 :], y - 14
        pdf.drawString(50, y, line)
    pdf.save()
    msg = _message(sender, name, subject, when, seq)
    msg.set_content(f"Record attached.\n\n{name}\n")
    msg.add_attachment(
        buffer.getvalue(), maintype="application", subtype="pdf", filename="visit.pdf"
    )
    return msg.as_bytes()


def out_of_office(sender: str, name: str, when: datetime, seq: int, header: bool) -> bytes:
    subject = "Automatic reply: MECC visit due" if header else "Out of Office: back Monday"
    msg = _message(sender, name, subject, when, seq)
    if header:
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(
        f"I am out of the office until Monday with limited access to email.\n\n{name}\n"
    )
    return msg.as_bytes()


def bounce(when: datetime, seq: int) -> bytes:
    from email.mime.base import MIMEBase
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    msg = MIMEMultipart("report", report_type="delivery-status")
    msg["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.org>"
    msg["To"] = MAILBOX
    msg["Subject"] = "Undelivered Mail Returned to Sender"
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = make_msgid(idstring=f"bounce{seq}", domain="mx.example.org")
    msg.attach(MIMEText("This is the mail system. Your message could not be delivered.\n"))
    from email.message import Message

    per_message, per_recipient = Message(), Message()
    per_message["Reporting-MTA"] = "dns; mx.example.org"
    per_recipient["Final-Recipient"] = "rfc822; gone@partner.example.org"
    per_recipient["Action"] = "failed"
    per_recipient["Status"] = "5.1.1"
    status = MIMEBase("message", "delivery-status")
    status.set_payload([per_message, per_recipient])
    msg.attach(status)
    return msg.as_bytes()


def newsletter(when: datetime, seq: int) -> bytes:
    msg = _message(
        "news@training.example.org",
        "Safeguarding Partnership News",
        "Safeguarding news: March",
        when,
        seq,
    )
    msg["List-Unsubscribe"] = "<mailto:unsubscribe@training.example.org>"
    msg["Precedence"] = "bulk"
    msg.set_content(
        "This month: new training on exploitation, county lines and self-harm awareness.\n"
    )
    return msg.as_bytes()


def stamp(day: int) -> datetime:
    return datetime(2025, 3, 3 + day % 25, 9 + day % 8, 15, tzinfo=UTC)
