"""Email bodies: plain and HTML, replies, forwards, charsets and the headers the bot relies on."""

from __future__ import annotations

from datetime import date

from parsers import ProblemKind

from .builders import email_bytes, read

RECORD = """Child's name: Amy Smith
DOB: 03/04/2015
Eclipse ID: E1234567
Date of visit: 3rd April 2026
Was the child seen? Yes
Seen alone? No
Any concerns? No
Observations: Amy was happy and showed me her reading book."""


def test_plain_body_record_is_read_with_its_fields() -> None:
    reading = read(
        email_bytes(RECORD + "\n\nKind regards\nJo Bloggs\nSchool Nurse\nTel: 01234 567890")
    )
    record = reading.record
    assert [(c.full_name, c.dob, c.child_id) for c in record.children] == [
        ("Amy Smith", date(2015, 4, 3), "E1234567")
    ]
    assert record.visit_date == date(2026, 4, 3)
    assert (record.child_seen, record.seen_alone, record.any_concerns) == (True, False, False)
    assert record.observations == "Amy was happy and showed me her reading book."
    assert "School Nurse" not in reading.message.new_text
    assert reading.problems == ()


def test_headers_are_plain_values_without_angle_brackets() -> None:
    raw = email_bytes(
        RECORD,
        subject="=?utf-8?q?Re=3A_Visit_due_=E2=80=93_MECC-7K3M9Q?=",
        headers=[
            ("In-Reply-To", "<alert-42@council.example>"),
            ("References", "<a-1@council.example> <alert-42@council.example>"),
        ],
    )
    message = read(raw).message
    assert message.message_id == "rec-1@school.example"
    assert message.in_reply_to == "alert-42@council.example"
    assert message.references == ("a-1@council.example", "alert-42@council.example")
    assert message.subject == "Re: Visit due – MECC-7K3M9Q"
    assert message.sender == "jo.bloggs@school.example"
    assert message.sender_name == "Jo Bloggs"
    assert message.header("IN-REPLY-TO") == "<alert-42@council.example>"
    assert read(raw).record.references == ("MECC-7K3M9Q",)


def test_html_only_body_with_a_table_form() -> None:
    html = """<html><body><p>Hello,</p><table border=1>
    <tr><td><b>Name of child/young person</b></td><td>Ben O&#39;Neill</td></tr>
    <tr><td>Date of birth</td><td>5th June 2017</td></tr>
    <tr><td>Seen alone?</td><td>Yes</td></tr></table>
    <script>alert('x')</script><img src="https://tracker.example/p.gif"></body></html>"""
    reading = read(email_bytes(None, html=html))
    assert [(c.full_name, c.dob) for c in reading.record.children] == [
        ("Ben O'Neill", date(2017, 6, 5))
    ]
    assert reading.record.seen_alone is True
    assert "alert" not in reading.message.body
    assert "text/html" in reading.message.content_types


def test_reply_quoting_another_childs_record_names_only_the_new_child() -> None:
    body = (
        "Child's name: Amy Smith\nDOB: 03/04/2015\nSeen: yes\n\n"
        "On Thu, 2 Apr 2026 at 09:12, Sam Carter <sam@school.example> wrote:\n"
        "> Child's name: Ben Jones\n> DOB: 05/06/2017\n> Eclipse ID: E7654321\n"
    )
    record = read(email_bytes(body, subject="Re: record")).record
    assert [c.full_name for c in record.children] == ["Amy Smith"]
    assert "E7654321" not in record.child_ids
    assert "Ben" not in record.text


def test_outlook_reply_history_is_not_the_record() -> None:
    body = (
        "Visit done, all well.\nChild's name: Amy Smith\n\n"
        "________________________________\n"
        "From: MECC Mailbox <mecc@council.example>\nSent: 01 April 2026 09:00\n"
        "To: Jo Bloggs <jo.bloggs@school.example>\nSubject: Visit due MECC-7K3M9Q\n\n"
        "Child's name: Ben Jones\nEclipse ID: E7654321\n"
    )
    reading = read(email_bytes(body, subject="RE: Visit due MECC-7K3M9Q"))
    assert [c.full_name for c in reading.record.children] == ["Amy Smith"]
    assert reading.message.new_text == "Visit done, all well.\nChild's name: Amy Smith"
    assert reading.record.references == ("MECC-7K3M9Q",)  # from the subject


def test_original_message_separator_and_signature_and_disclaimer_removed() -> None:
    body = (
        "Child's name: Amy Smith\n\n-- \nJo Bloggs | School Nurse\n\n"
        "-----Original Message-----\nFrom: Someone\nChild's name: Ben Jones\n"
    )
    message = read(email_bytes(body)).message
    assert message.new_text == "Child's name: Amy Smith"
    disclaimer = (
        "Child's name: Amy Smith\n\nThis email and any attachments are confidential and intended "
        "solely for the use of the individual to whom they are addressed.\n"
    )
    assert read(email_bytes(disclaimer)).message.new_text == "Child's name: Amy Smith"


def test_gmail_forward_is_the_record_and_is_read_once() -> None:
    body = (
        "FYI - record below.\n\n---------- Forwarded message ---------\n"
        "From: Jo Bloggs <jo.bloggs@school.example>\nDate: Fri, 3 Apr 2026 at 10:00\n"
        "Subject: Visit record\nTo: <sam@council.example>\n\n" + RECORD + "\n\nKind regards\nJo\n"
    )
    reading = read(email_bytes(body, subject="Fwd: Visit record", sender="sam@council.example"))
    inner = reading.message.inner
    assert len(inner) == 1
    assert inner[0].sender == "jo.bloggs@school.example"
    assert inner[0].subject == "Visit record"
    assert inner[0].new_text.startswith("Child's name: Amy Smith")
    assert reading.message.new_text == "FYI - record below."
    assert [c.child_id for c in reading.record.children] == ["E1234567"]
    assert reading.record.text.count("Amy was happy") == 1
    assert reading.record.seen_alone is False


def test_outlook_forward_block_is_split_off() -> None:
    body = (
        "Please log.\n\n________________________________\n"
        "From: Jo Bloggs <jo.bloggs@school.example>\nSent: 03 April 2026 10:00\n"
        "To: Sam Carter\nSubject: Visit record\n\n" + RECORD
    )
    reading = read(email_bytes(body, subject="FW: Visit record"))
    assert reading.message.inner[0].sender == "jo.bloggs@school.example"
    assert [c.full_name for c in reading.record.children] == ["Amy Smith"]


def test_attached_message_is_followed_to_the_record() -> None:
    inner = email_bytes(RECORD, message_id="<inner@school.example>")
    from email import message_from_bytes, policy
    from email.message import EmailMessage

    outer = EmailMessage()
    outer["From"] = "sam@council.example"
    outer["Subject"] = "record attached"
    outer.set_content("See the attached email.")
    outer.add_attachment(message_from_bytes(inner, policy=policy.default))
    reading = read(outer.as_bytes())
    assert "message/rfc822" in reading.message.content_types
    assert reading.message.inner[0].message_id == "inner@school.example"
    assert [c.child_id for c in reading.record.children] == ["E1234567"]
    eml_as_file = email_bytes(
        "See attached", attachments=[("rec.eml", "application/octet-stream", inner)]
    )
    assert [c.child_id for c in read(eml_as_file).record.children] == ["E1234567"]


def test_cp1252_text_labelled_utf8_and_quoted_printable() -> None:
    body = "Child’s name: Zoë Brontë\nObservations: “fine”".encode("cp1252")
    raw = (
        b"From: a@b.example\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + body
    )
    record = read(raw).record
    assert record.children[0].full_name == "Zoë Brontë"
    assert record.observations == "“fine”"
    qp = (
        b"From: a@b.example\r\nSubject: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\nChild's name: Zo=EB Smith=\r\n  \r\n"
    )
    assert read(qp).record.children[0].full_name == "Zoë Smith"


def test_rfc2231_filename_and_sniffed_type_not_name() -> None:
    from .builders import typed_pdf

    pdf = typed_pdf([("Child's name:", "Amy Smith")])
    raw = (
        b"From: a@b.example\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n'
        b"see attached\r\n--B\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Disposition: attachment; filename*=UTF-8''visit%20record%20%E2%80%93%20A.S..dat\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + __import__("base64").encodebytes(pdf)
        + b"\r\n--B--\r\n"
    )
    reading = read(raw)
    attachment = reading.message.attachments[0]
    assert attachment.filename == "visit record – A.S..dat"
    assert (attachment.kind, attachment.declared_type) == ("pdf", "application/octet-stream")
    assert reading.record.children[0].full_name == "Amy Smith"


def test_uuencoded_attachment_in_a_text_body() -> None:
    import binascii

    from .builders import typed_pdf

    pdf = typed_pdf([("Child's name:", "Amy Smith")])
    lines = [binascii.b2a_uu(pdf[i : i + 45]).decode().rstrip("\n") for i in range(0, len(pdf), 45)]
    body = "Record attached.\n\nbegin 644 visit.pdf\n" + "\n".join(lines) + "\n`\nend\n"
    reading = read(email_bytes(body))
    assert [a.filename for a in reading.message.attachments] == ["visit.pdf"]
    assert reading.record.children[0].full_name == "Amy Smith"
    assert "begin 644" not in reading.message.body


def test_attachment_names_are_display_only() -> None:
    raw = email_bytes(
        "x", attachments=[("../../etc/passwd", "text/plain", b"Child's name: Amy Smith")]
    )
    assert read(raw).message.attachments[0].filename == "passwd"


def test_out_of_office_and_bounce_are_read_without_a_record() -> None:
    ooo = read(
        email_bytes(
            "I am out of the office until Monday 6 April.", subject="Automatic reply: Visit due"
        )
    )
    assert ooo.record.children == ()
    assert ooo.message.subject.startswith("Automatic reply")
    bounce = (
        b"From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; "
        b'boundary="R"\r\n\r\n--R\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n'
        b"--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n"
        b"Final-Recipient: rfc822; x@y.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--R--\r\n"
    )
    reading = read(bounce)
    assert "multipart/report" in reading.message.content_types
    assert "message/delivery-status" in reading.message.content_types
    assert reading.record.children == ()


def test_empty_message_has_no_record() -> None:
    reading = read(email_bytes(""))
    assert [p.kind for p in reading.problems] == [ProblemKind.NO_RECORD]


def test_malformed_message_still_yields_what_can_be_read() -> None:
    raw = (
        b"From: a@b.example\r\nSubject: broken\r\nContent-Type: multipart/mixed\r\n\r\n"
        b"Child's name: Amy Smith\r\n"
    )
    reading = read(raw)
    assert ProblemKind.MALFORMED in [p.kind for p in reading.problems]
    assert reading.message.subject == "broken"
    assert read(b"\x00\xff garbage").message.problems[0].kind is ProblemKind.MALFORMED
