"""Synthetic demo material: a team tracker and returned visit records in varied formats.

Every name here is invented. Used by ``mailbot demo`` and by the tests, which assert on
the outcome each message is built to have (``Sample.expect``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

HEADER = (
    "child_id,first_name,last_name,dob,legal_status,rag,rag_date,school,social_worker,"
    "social_worker_email,team_manager_email,visitor_name,visitor_email,visitor_org,"
    "visitor_role,visit_method,visit_frequency_days,next_visit_due"
)
SW_PRIYA = "Priya Shah,priya.shah@example.gov.uk,mark.ellis@example.gov.uk"
SW_DANIEL = "Daniel Okafor,daniel.okafor@example.gov.uk,mark.ellis@example.gov.uk"
SW_HELEN = "Helen Price,helen.price@example.gov.uk,ruth.adeyemi@example.gov.uk"
NURSE = "Jenny Cole,jenny.cole@health.example.nhs.uk,Riverside School Nursing,partner,face_to_face"
DSL = "Sam Patel,dsl@oakfield.example.sch.uk,Oakfield Primary School,partner,face_to_face"
YOT = "Kieran Doyle,kieran.doyle@yjs.example.gov.uk,Youth Justice Service,partner,face_to_face"
FP = "Megan Hughes,megan.hughes@example.gov.uk,Family Practitioners,social_care,face_to_face"
PA = "Aisha Begum,aisha.begum@leaving.example.gov.uk,Leaving Care Team,social_care,face_to_face"
SSW = "Colin Ward,colin.ward@fostering.example.gov.uk,Fostering Service,social_care,virtual"
HV = "Nadia Rahman,nadia.rahman@health.example.nhs.uk,Health Visiting,partner,face_to_face"

TRACKER_ROWS = (
    f"E1000001,Thomas,Hartley,2014-03-12,CIN,Green,2026-10-01,Oakfield Primary,{SW_PRIYA},{NURSE},42,2026-12-01",
    f"E1000001,Thomas,Hartley,2014-03-12,CIN,Green,2026-10-01,Oakfield Primary,{SW_PRIYA},{DSL},42,2026-12-03",
    f"E1000002,Amelia,Hartley,16/07/2016,CIN,Green,2026-10-01,Oakfield Primary,{SW_PRIYA},{DSL},42,2026-12-03",
    f"E1000003,Oliver,Brennan,2012-11-20,CP,Amber,2026-11-02,Castle Academy,{SW_DANIEL},{YOT},14,2026-11-30",
    f"E1000004,Lily,Marsh,2015-05-05,CIN,Green,2026-09-20,Oakfield Primary,{SW_HELEN},{FP},42,2026-12-10",
    f"E1000005,Rose,Marsh,2015-05-05,CIN,Green,2026-09-20,Oakfield Primary,{SW_HELEN},{FP},42,2026-12-10",
    f"E1000006,Jack,Wilson,2013-02-02,CIN,Green,2026-10-12,Castle Academy,{SW_PRIYA},{NURSE},42,2026-12-05",
    f"E1000007,Jack,Wilson,2010-09-09,CLA,Amber,2026-10-30,Northgate High,{SW_DANIEL},{SSW},14,2026-12-02",
    f"E1000008,Sophie,O'Neill,2011-04-18,CIN,Green,2026-10-05,Northgate High,{SW_HELEN},{NURSE},42,2026-12-08",
    f"E1000009,Mohammed,Al-Sayed,2007-12-01,CL,Green,2026-09-01,,{SW_DANIEL},{PA},42,2026-12-12",
    f"E1000010,Chloe,Jenkins-Baptiste,2017-08-08,CIN,Green,2026-10-15,Oakfield Primary,{SW_HELEN},{HV},42,2026-12-04",
    f"E1000011,Ethan,Clarke,2009-06-30,CLA,Green,2026-10-20,Northgate High,{SW_PRIYA},{SSW},42,2026-12-06",
    f"E1000012,Grace,Thompson,2016-01-15,CIN,Green,2026-10-25,Oakfield Primary,{SW_HELEN},{DSL},42,2026-12-09",
)


def tracker_csv() -> str:
    return "\n".join((HEADER, *TRACKER_ROWS)) + "\n"


@dataclass(frozen=True)
class Sample:
    name: str
    raw: bytes
    expect: str  # forwarded | exception | ignored | duplicate
    children: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    what: str = ""


def _msg(
    sender: str,
    subject: str,
    body: str,
    *,
    n: int,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "mecc@example.gov.uk"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 11, 20, 9, n, tzinfo=UTC))
    msg["Message-ID"] = message_id or f"<demo-{n:03d}@partners.example.org>"
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg


def _attach(msg: EmailMessage, data: bytes, filename: str, mime: str) -> bytes:
    maintype, subtype = mime.split("/", 1)
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def docx_form(rows: list[tuple[str, str]], title: str = "Record of visit") -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(title, level=1)
    table = doc.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def pdf_form(rows: list[tuple[str, str]], *, fillable: bool = False) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(50, 800, "Record of visit")
    c.setFont("Helvetica", 10)
    y = 770
    for label, value in rows:
        c.drawString(50, y, f"{label}:")
        if fillable:
            c.acroForm.textfield(
                name=label,
                tooltip=label,
                x=250,
                y=y - 4,
                width=300,
                height=16,
                value=value,
                borderWidth=0,
                fontSize=9,
            )
        else:
            c.drawString(250, y, value)
        y -= 24
    c.save()
    return out.getvalue()


def samples() -> list[Sample]:
    s: list[Sample] = []
    nurse = "Jenny Cole <jenny.cole@health.example.nhs.uk>"
    dsl = "Sam Patel <dsl@oakfield.example.sch.uk>"

    body = (
        "Hello,\n\nRecord of visit\nChild's name: Thomas Hartley\nDate of birth: 12/03/2014\n"
        "Date of visit: 18/11/2026\nWas the child seen? Yes\nSeen alone? Yes\n"
        "Observations: Thomas was cheerful and talked about his football team. Home was warm "
        "and tidy. No concerns raised.\n\nKind regards\nJenny Cole\nSchool Nurse\n"
    )
    first = _msg(nurse, "Visit record", body, n=1)
    s.append(
        Sample(
            "01-plain-body.eml",
            first.as_bytes(),
            "forwarded",
            ("E1000001",),
            what="typed into the email body",
        )
    )

    html = (
        "<html><body><p>Hi,</p><table><tr><td>Name of child</td><td>Amelia Hartley</td></tr>"
        "<tr><td>D.O.B.</td><td>16 July 2016</td></tr><tr><td>Visit date</td><td>17th November 2026"
        "</td></tr><tr><td>Child seen</td><td>Yes</td></tr><tr><td>Seen alone</td><td>No</td></tr>"
        "<tr><td>Notes</td><td>Amelia has not been in school since Monday and mum said she "
        "was unwell.</td></tr></table><p>Thanks, Sam</p></body></html>"
    )
    s.append(
        Sample(
            "02-html-body.eml",
            _msg(dsl, "Amelia H - visit", "See HTML version.", n=2, html=html).as_bytes(),
            "forwarded",
            ("E1000002",),
            ("school_non_attendance",),
            "an HTML table in the body",
        )
    )

    m = _msg(
        "Kieran Doyle <kieran.doyle@yjs.example.gov.uk>",
        "YJS contact record",
        "Please find attached my record of visit.\n\nKieran",
        n=3,
    )
    docx = docx_form(
        [
            ("Young person's name", "Oliver Brennan"),
            ("Eclipse ID", "E1000003"),
            ("Date of visit", "19.11.2026"),
            ("Was the young person seen?", "Yes"),
            ("Seen alone?", "Yes"),
            (
                "Observations",
                "Oliver engaged well. He told me he was stopped by police on Saturday "
                "night in the town centre with older boys.",
            ),
        ]
    )
    s.append(
        Sample(
            "03-docx-form.eml",
            _attach(
                m,
                docx,
                "Visit record.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            "forwarded",
            ("E1000003",),
            ("police",),
            "a Word form",
        )
    )

    m = _msg(
        "Megan Hughes <megan.hughes@example.gov.uk>", "Visit - L Marsh", "Record attached.", n=4
    )
    pdf = pdf_form(
        [
            ("Child name", "Lily Marsh"),
            ("DOB", "05/05/2015"),
            ("Date of visit", "16/11/2026"),
            ("Child seen", "Yes"),
            ("Seen alone", "Yes"),
            ("Observations", "Lily was playing with her sister. No concerns."),
        ]
    )
    s.append(
        Sample(
            "04-typed-pdf.eml",
            _attach(m, pdf, "record.pdf", "application/pdf"),
            "forwarded",
            ("E1000004",),
            what="a typed PDF (a twin)",
        )
    )

    m = _msg(
        "Megan Hughes <megan.hughes@example.gov.uk>",
        "Visit - R Marsh",
        "Fillable form attached.",
        n=5,
    )
    pdf = pdf_form(
        [
            ("Child's name", "Rose Marsh"),
            ("Child ID", "E1000005"),
            ("Date of birth", "05/05/2015"),
            ("Date of visit", "16/11/2026"),
            ("Was the child seen?", "Yes"),
            ("Observations", "Rose was settled."),
        ],
        fillable=True,
    )
    s.append(
        Sample(
            "05-fillable-pdf.eml",
            _attach(m, pdf, "form.pdf", "application/octet-stream"),
            "forwarded",
            ("E1000005",),
            what="a fillable PDF sent as octet-stream",
        )
    )

    body = (
        "Visit record\nChild: Jack Wilson\nDate of visit: 18/11/2026\nSeen: yes\n"
        "Observations: Jack talked about his new bike.\n"
    )
    s.append(
        Sample(
            "06-name-only-known-sender.eml",
            _msg(nurse, "Visit record - Jack", body, n=6).as_bytes(),
            "forwarded",
            ("E1000006",),
            what="name only; the sender visits one Jack Wilson",
        )
    )
    s.append(
        Sample(
            "07-name-only-unknown-sender.eml",
            _msg(
                "Pat Green <pat.green@charity.example.org>", "Visit record - Jack", body, n=7
            ).as_bytes(),
            "exception",
            what="name only, two Jack Wilsons, unknown sender",
        )
    )

    body = (
        "Hi,\nI saw Sophie O'Neill (DOB 18/04/2011) today at school.\nDate of visit: 19/11/2026\n"
        "Child seen: yes, alone\nShe was chatty and happy.\n\nJenny\n\n"
        "From: MECC Mailbox <mecc@example.gov.uk>\nSent: 12 November 2026 10:02\n"
        "To: Jenny Cole\nSubject: Visit due\n\nChild's name: Grace Thompson\n"
        "Date of birth: 15/01/2016\nShe disclosed that her stepdad hit her.\n"
    )
    s.append(
        Sample(
            "08-reply-quoting-other-child.eml",
            _msg(nurse, "RE: Visit due", body, n=8).as_bytes(),
            "forwarded",
            ("E1000008",),
            what="a reply quoting another child's record",
        )
    )

    inner = (
        "---------- Forwarded message ---------\nFrom: Aisha Begum <aisha.begum@leaving.example.gov.uk>\n"
        "Date: Wed, 18 Nov 2026 at 16:20\nSubject: PA visit\nTo: Team <team@leaving.example.gov.uk>\n\n"
        "Young person: Mohammed Al-Sayed\nDOB: 01/12/2007\nDate of visit: 18/11/2026\n"
        "Seen: yes, alone\nObservations: Flat is clean; he has started his college course.\n"
    )
    s.append(
        Sample(
            "09-forward.eml",
            _msg(
                "Aisha Begum <aisha.begum@leaving.example.gov.uk>",
                "Fwd: PA visit",
                "FYI, for the MECC mailbox.\n\n" + inner,
                n=9,
            ).as_bytes(),
            "forwarded",
            ("E1000009",),
            what="a forwarded record",
        )
    )

    m = _msg(dsl, "Visit records - Hartley children", "Form for both children attached.", n=10)
    docx = docx_form(
        [
            ("Children's names", "Thomas Hartley (12/03/2014) and Amelia Hartley (16/07/2016)"),
            ("Date of visit", "20/11/2026"),
            ("Were the children seen?", "Yes"),
            ("Observations", "Both children seen together at school; both well presented."),
        ]
    )
    s.append(
        Sample(
            "10-siblings.eml",
            _attach(
                m,
                docx,
                "siblings.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            "forwarded",
            ("E1000001", "E1000002"),
            what="siblings, same social worker",
        )
    )

    body = (
        "Child's name: Ethan Clarke\nDate of birth: 30/06/2009\nDate of visit: 19/11/2026\n"
        "Was the child seen? No\nObservations: Carer said Ethan was out; I could not see him. "
        "Carer reports he has been staying out late.\n"
    )
    s.append(
        Sample(
            "11-not-seen.eml",
            _msg(
                "Colin Ward <colin.ward@fostering.example.gov.uk>", "Visit", body, n=11
            ).as_bytes(),
            "forwarded",
            ("E1000011",),
            ("not_seen",),
            "child not seen",
        )
    )

    body = (
        "Child's name: Harvey Quinn\nDate of birth: 03/03/2013\nDate of visit: 19/11/2026\n"
        "Seen: yes\n"
    )
    s.append(
        Sample(
            "12-unknown-child.eml",
            _msg(nurse, "Visit record", body, n=12).as_bytes(),
            "exception",
            what="a child not in the tracker",
        )
    )

    body = (
        "Thank you for your email. I am currently out of the office on annual leave and will "
        "respond on my return on 30 November.\n"
    )
    s.append(
        Sample(
            "13-out-of-office.eml",
            _msg(nurse, "Out of Office: Visit due", body, n=13).as_bytes(),
            "ignored",
            what="out-of-office without Auto-Submitted",
        )
    )

    bounce = EmailMessage()
    bounce["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.org>"
    bounce["To"] = "mecc@example.gov.uk"
    bounce["Subject"] = "Undelivered Mail Returned to Sender"
    bounce["Message-ID"] = "<demo-014@mx.example.org>"
    bounce.set_content("This is the mail system. Your message could not be delivered.")
    s.append(Sample("14-bounce.eml", bounce.as_bytes(), "exception", what="a delivery failure"))

    m = _msg(nurse, "Visit record", "Record attached", n=15)
    s.append(
        Sample(
            "15-corrupt-pdf.eml",
            _attach(m, b"%PDF-1.4\n%broken\x00\x01garbage", "record.pdf", "application/pdf"),
            "exception",
            what="a corrupt PDF",
        )
    )

    s.append(
        Sample(
            "16-newsletter.eml",
            _msg(
                "Safeguarding Partnership <news@partnership.example.org>",
                "November newsletter",
                "Training dates for next term.",
                n=16,
                headers={
                    "List-Unsubscribe": "<mailto:unsub@partnership.example.org>",
                    "Precedence": "bulk",
                },
            ).as_bytes(),
            "ignored",
            what="a newsletter",
        )
    )

    s.append(Sample("17-duplicate.eml", first.as_bytes(), "duplicate", what="01 delivered twice"))

    body = (
        "Child's name: Chloe Jenkins-Baptiste\nDOB: 8/8/2017\nDate of visit: 18 Nov 2026\n"
        "Seen: Yes\nObservations: Chloe was asleep for part of the visit. Mum's new partner "
        "has moved in and was present throughout.\n"
    )
    s.append(
        Sample(
            "18-new-adult.eml",
            _msg(
                "Nadia Rahman <nadia.rahman@health.example.nhs.uk>", "HV visit", body, n=18
            ).as_bytes(),
            "forwarded",
            ("E1000010",),
            ("new_adult",),
            "a new adult in the household",
        )
    )

    body = (
        "Child's name: Grace Thompson\nDate of birth: 15/01/2016\nDate of visit: 19/11/2026\n"
        "Seen: yes\nObservations: PE kit checked, no bruising seen. She has not gone missing "
        "since March.\n"
    )
    s.append(
        Sample(
            "19-negated.eml",
            _msg(dsl, "Visit Grace T", body, n=19).as_bytes(),
            "forwarded",
            ("E1000012",),
            what="negated and historical mentions: no flag",
        )
    )

    body = (
        "Child's name: Sophie O'Neill\nChild ID: E1000012\nDate of visit: 19/11/2026\nSeen: yes\n"
    )
    s.append(
        Sample(
            "20-id-disagrees.eml",
            _msg(nurse, "Visit", body, n=20).as_bytes(),
            "exception",
            what="an ID belonging to another child",
        )
    )

    body = (
        "You have received a secure message from Jenny Cole.\nTo read it, open the secure "
        "portal: https://secure.example-egress.net/read/abc123\n"
    )
    s.append(
        Sample(
            "21-secure-mail.eml",
            _msg(nurse, "[SECURE] Visit record", body, n=21).as_bytes(),
            "exception",
            what="a secure-portal link",
        )
    )
    return s
