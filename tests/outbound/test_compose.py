"""The composed emails as a mail client and a reader see them."""

from __future__ import annotations

import email
import io
from datetime import date
from email import policy
from email.message import EmailMessage

import docx
import pdfplumber
import pytest

from outbound import compose
from outbound.errors import OutboundError
from outbound.ids import make_message_id, make_reference
from outbound.preview import CHILD, FLAGS, RECORD, REFERENCE, preview, sample_values
from outbound.templates import KINDS, Templates
from outbound.values import (
    Allowance,
    DigestItem,
    DigestSection,
    FileAttachment,
    OutstandingVisit,
    Stamp,
)

SW, TM, PARTNER = (
    "sw.one@exampleshire.gov.uk",
    "tm.one@exampleshire.gov.uk",
    "nurse@school.example.org",
)
PERSONAL = ("Jamie", "Testworth", "17/05/2014", "2014")


def _parse(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def _parts(msg: EmailMessage) -> tuple[str, str]:
    text, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def _attachment_text(part: EmailMessage) -> str:
    data = part.get_content()
    assert isinstance(data, bytes)
    name = part.get_filename() or ""
    if name.endswith(".docx"):
        document = docx.Document(io.BytesIO(data))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if name.endswith(".pdf"):
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)
    return ""


def test_forward_is_a_summary_with_flags_and_the_original_attachments(
    templates: Templates, stamp: Stamp
) -> None:
    doc = FileAttachment("../Visit record (JT).docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04 exact bytes \x00\xff")  # fmt: skip
    out = compose.forward(
        templates, stamp=stamp, to=[SW], cc=[TM], children=[CHILD], record=RECORD,
        flags=FLAGS, attachments=[doc], reference=REFERENCE,
        record_url="https://mecc.example.gov.uk/records/42",
    )  # fmt: skip
    msg = _parse(out.raw)
    assert msg["Subject"] == "RISK FLAG: MECC visit record – JT E1234567"
    assert msg["From"].addresses[0].addr_spec == "mecc@exampleshire.gov.uk"
    assert msg["To"] == SW and msg["Cc"] == TM
    assert out.envelope.recipients == (SW, TM)
    assert (
        msg["Message-ID"] == "<mecc.out1@exampleshire.gov.uk>"
        and out.message_id == "mecc.out1@exampleshire.gov.uk"
    )
    assert msg["In-Reply-To"] == "<partner.reply.9@school.example.org>"
    assert msg["References"].split() == [
        "<mecc.alert1@exampleshire.gov.uk>",
        "<partner.reply.9@school.example.org>",
    ]
    assert msg["Date"] == "Tue, 10 Mar 2026 16:05:00 +0000"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["X-Auto-Response-Suppress"] == "All"
    assert msg["X-Mailbot-Kind"] == "forward" and msg["X-Mailbot-Ref"] == REFERENCE
    assert msg.get_content_type() == "multipart/mixed"
    assert [p.get_content_type() for p in msg.iter_parts()] == [
        "multipart/alternative",
        doc.content_type,
    ]
    text, html = _parts(msg)
    for fact in ("JT", "E1234567", "Tuesday 10 March 2026", "Priya Exampleton",
                 "Northgate Primary School", "Face to face", "our reference MECC-7K3Q9P",
                 "https://mecc.example.gov.uk/records/42", "Jamie was quiet and tired"):  # fmt: skip
        assert fact in text and fact in html
    assert "Child seen: Yes" in text and "Seen alone: No" in text
    assert '"Jamie had a *bruise* on his left arm' in text
    assert ">bruise</mark>" in html and ">not been in school</mark>" in html
    assert text.index("RISK FLAGS") < text.index("OBSERVATIONS")
    [attached] = list(msg.iter_attachments())
    assert attached.get_filename() == "Visit record (JT).docx"
    assert attached.get_content() == doc.data


def test_forward_without_flags_has_no_risk_words(templates: Templates, stamp: Stamp) -> None:
    out = compose.forward(
        templates, stamp=stamp, to=[SW], children=[CHILD], record=RECORD, original=b"x"
    )
    msg = _parse(out.raw)
    assert msg["Subject"] == "MECC visit record – JT E1234567"
    text, html = _parts(msg)
    assert "RISK FLAG" not in text and "RISK FLAG" not in html and "<mark" not in html


def test_forward_of_a_typed_record_attaches_the_original_email(
    templates: Templates, stamp: Stamp
) -> None:
    original = (
        b"From: nurse@school.example.org\nTo: mecc@exampleshire.gov.uk\nSubject: visit\n"
        b"Message-ID: <p1@school.example.org>\n\nSeen JT today, all well.\n"
    )
    siblings = [CHILD, CHILD.__class__("KT", "E2345678")]
    out = compose.forward(templates, stamp=stamp, to=[SW], children=siblings, record=RECORD, original=original)  # fmt: skip
    msg = _parse(out.raw)
    assert msg["Subject"] == "MECC visit record – JT E1234567, KT E2345678"
    [part] = list(msg.iter_attachments())
    assert part.get_content_type() == "message/rfc822"
    inner = part.get_content()
    assert inner["Message-ID"] == "<p1@school.example.org>"
    assert "Seen JT today, all well." in inner.get_content()
    eight_bit = compose.forward(templates, stamp=stamp, to=[SW], children=[CHILD], record=RECORD,
                                original=original.replace(b"well", "w\u00e9ll".encode()))  # fmt: skip
    [part] = list(_parse(eight_bit.raw).iter_attachments())
    assert part.get_filename() == "original-message.eml"
    assert "wéll".encode() in part.get_content()


def test_evidence_and_observations_cannot_inject_html(templates: Templates, stamp: Stamp) -> None:
    record = RECORD.__class__(observations='<img src="http://evil.example/x">')
    flag = FLAGS[0].__class__("police", "high", "<script>x()</script> police came", "police")
    _, html = _parts(_parse(compose.forward(templates, stamp=stamp, to=[SW], children=[CHILD], record=record, flags=[flag]).raw))  # fmt: skip
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("kind", ["alert", "follow_up", "record_chase", "resend_request"])
def test_partner_emails_ask_plainly_and_carry_the_forms(templates: Templates, kind: str) -> None:
    out = preview(templates, kind, to=PARTNER)
    msg = _parse(out.raw)
    assert f"[{REFERENCE}]" in msg["Subject"] and "JT E1234567" in msg["Subject"]
    text, html = _parts(msg)
    for part in (text, html):
        assert REFERENCE in part and "E1234567" in part
        assert "within 24 hours of the visit" in part
        for question in ("Child seen: ", "Seen alone: ", "Date of visit: ", "Any concerns: ",
                         "Has the risk changed: ", "Observations: "):  # fmt: skip
            assert question in part
    if kind != "resend_request":
        assert "Thursday 12 March 2026" in text
    block = text[text.index("MECC record of visit ---") :]
    assert block.splitlines()[1] == f"Reference: {REFERENCE}"
    names = sorted(p.get_filename() or "" for p in msg.iter_attachments())
    assert names == [f"MECC visit form {REFERENCE}.docx", f"MECC visit form {REFERENCE}.pdf"]


@pytest.mark.parametrize("kind", KINDS)
def test_no_full_name_or_birth_date_in_any_subject(templates: Templates, kind: str) -> None:
    subject = _parse(preview(templates, kind).raw)["Subject"]
    assert not any(p in subject for p in PERSONAL)


@pytest.mark.parametrize("kind", ["alert", "follow_up", "record_chase", "resend_request",
                                  "acknowledgement", "cannot_read"])  # fmt: skip
def test_partner_emails_say_no_more_than_allowed(templates: Templates, kind: str) -> None:
    msg = _parse(preview(templates, kind).raw)  # preview passes the full CHILD
    text, html = _parts(msg)
    forms = "".join(_attachment_text(p) for p in msg.iter_attachments())
    for found in (text, html, forms):
        assert not any(p in found for p in PERSONAL)
    if kind in {"acknowledgement", "cannot_read"}:
        assert "E1234567" not in text + html and "JT" not in text


def test_date_of_birth_only_when_the_settings_allow_it(templates: Templates, stamp: Stamp) -> None:
    out = compose.alert(
        templates, stamp=stamp, to=[PARTNER], child=CHILD, visitor_name="Priya", visit_due=date(2026, 3, 12),
        reference=REFERENCE, allowance=Allowance(dob=True),
    )  # fmt: skip
    msg = _parse(out.raw)
    text, html = _parts(msg)
    assert "17/05/2014" in text and "17/05/2014" in html
    assert "17/05/2014" not in msg["Subject"] and "Jamie" not in text
    assert any("17/05/2014" in _attachment_text(p) for p in msg.iter_attachments())


def test_acknowledgement_names_only_the_reference_and_date(templates: Templates) -> None:
    msg = _parse(preview(templates, "acknowledgement").raw)
    text, _ = _parts(msg)
    assert REFERENCE in msg["Subject"] and REFERENCE in text
    assert "Tuesday 10 March 2026" in text
    assert list(msg.iter_attachments()) == []


@pytest.mark.parametrize(
    ("reason", "needed"),
    [
        ("password_protected", "without a password"),
        ("corrupt", "attach the record again"),
        ("secure_link", "attach the record to an email"),
        ("no_visit_date", "the date of the visit"),
        ("no_child_seen", "whether you saw the child"),
        ("unreadable_scan", "clearer scan"),
    ],
)
def test_cannot_read_says_exactly_what_is_needed(
    templates: Templates, stamp: Stamp, reason: str, needed: str
) -> None:
    out = compose.cannot_read(templates, stamp=stamp, to=[PARTNER], reasons=[reason], received=date(2026, 3, 10))  # fmt: skip
    text, html = _parts(_parse(out.raw))
    assert needed in text and needed in html
    assert ("Date of visit: " in text) == (reason in {"no_visit_date", "no_child_seen"})


def test_cannot_read_refuses_an_unknown_reason(templates: Templates, stamp: Stamp) -> None:
    with pytest.raises(OutboundError, match="reasons"):
        compose.cannot_read(templates, stamp=stamp, to=[PARTNER], reasons=["gremlins"], received=date(2026, 3, 10))  # fmt: skip


def test_escalation_and_digest_list_oldest_first(templates: Templates, stamp: Stamp) -> None:
    new = OutstandingVisit(
        CHILD.__class__("AB", "E7654321"), "Sam", "Youth Service", date(2026, 3, 6)
    )
    old = OutstandingVisit(CHILD.__class__("CD", "E1111111"), "Ann", "School", date(2026, 3, 1))
    text, _ = _parts(_parse(compose.escalation(templates, stamp=stamp, to=[TM], items=[new, old], as_of=date(2026, 3, 10)).raw))  # fmt: skip
    assert text.index("CD E1111111") < text.index("AB E7654321")
    section = DigestSection("Exceptions to review", (DigestItem(date(2026, 3, 9), "later one"), DigestItem(date(2026, 3, 2), "earlier one")))  # fmt: skip
    out = compose.digest(templates, stamp=stamp, to=[TM], day=date(2026, 3, 10), sections=[section])
    text, _ = _parts(_parse(out.raw))
    assert text.index("earlier one") < text.index("later one")
    assert "2 items to do" in _parse(out.raw)["Subject"]


def test_rag_review_names_the_rating_and_the_reason(templates: Templates) -> None:
    text, html = _parts(_parse(preview(templates, "rag_review").raw))
    for fact in ("Amber", "Tuesday 17 March 2026", str(sample_values("rag_review")["reason"])):
        assert fact in text and fact in html


def test_the_same_key_always_makes_the_same_ids() -> None:
    one = make_message_id("exampleshire.gov.uk", "outbox:17")
    assert one == make_message_id("exampleshire.gov.uk", "outbox:17")
    assert one != make_message_id("exampleshire.gov.uk", "outbox:18")
    assert one.endswith("@exampleshire.gov.uk") and "<" not in one
    ref = make_reference("visit:42")
    assert ref == make_reference("visit:42") and ref.startswith("MECC-") and len(ref) == 11


def test_a_naive_date_or_a_bad_address_is_refused(templates: Templates, stamp: Stamp) -> None:
    with pytest.raises(OutboundError, match="timezone"):
        compose.acknowledgement(templates, stamp=Stamp("a@b", stamp.date.replace(tzinfo=None)), to=[PARTNER], reference=REFERENCE, received=date(2026, 3, 10))  # fmt: skip
    with pytest.raises(OutboundError, match="address"):
        compose.acknowledgement(templates, stamp=stamp, to=["not an address\r\nBcc: x@y"], reference=REFERENCE, received=date(2026, 3, 10))  # fmt: skip
