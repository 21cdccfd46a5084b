"""Outlook formats (winmail.dat, .msg), secure-mail notices, S/MIME, and scans read by OCR."""

from __future__ import annotations

from datetime import date

import pytest

import parsers.documents
import parsers.pdf_reader
from parsers import ProblemKind
from parsers.ocr import tesseract_path

from .builders import email_bytes, image_pdf, msg_bytes, read, text_image, tnef_bytes, visit_docx

needs_tesseract = pytest.mark.skipif(tesseract_path() is None, reason="tesseract-ocr not installed")


def test_winmail_dat_body_and_attachments_are_read() -> None:
    tnef = tnef_bytes(
        "Child's name: Amy Smith\r\nSeen alone: no\r\n",
        [("visit.docx", visit_docx(name="Amy Smith", child_id="E1234567"))],
    )
    reading = read(email_bytes("", attachments=[("winmail.dat", "application/ms-tnef", tnef)]))
    assert [(a.filename, a.kind) for a in reading.message.attachments] == [
        ("winmail.dat", "tnef"),
        ("visit.docx", "docx"),
    ]
    assert "Seen alone: no" in reading.message.body
    assert reading.record.child_ids == ("E1234567",)
    assert reading.record.seen_alone is False
    assert reading.problems == ()


def test_attached_outlook_msg_item_is_followed() -> None:
    msg = msg_bytes(
        "Visit record",
        "Child's name: Ben Jones\r\nDate of visit: 2/4/26\r\n",
        "jo.bloggs@school.example",
        [("visit.docx", visit_docx(name="Ben Jones", dob="05/06/2017", child_id="E7654321"))],
    )
    reading = read(
        email_bytes(
            "Forwarding the record.",
            attachments=[("record.msg", "application/vnd.ms-outlook", msg)],
        )
    )
    inner = reading.message.inner[0]
    assert (inner.subject, inner.sender) == ("Visit record", "jo.bloggs@school.example")
    assert [a.kind for a in inner.attachments] == ["docx"]
    assert {(c.full_name, c.child_id) for c in reading.record.children} >= {
        ("Ben Jones", "E7654321")
    }
    assert reading.record.visit_date == date(2026, 4, 2)


def test_damaged_msg_is_corrupt() -> None:
    whole = msg_bytes("x", "y", "z@x.example")
    damaged = whole[:2048]  # header, FAT and directory, but no stream data
    assert len(whole) > 8000
    reading = read(email_bytes("see", attachments=[("r.msg", "application/octet-stream", damaged)]))
    assert ProblemKind.CORRUPT in [p.kind for p in reading.problems]


@pytest.mark.parametrize(
    ("subject", "body", "headers"),
    [
        (
            "Visit record",
            "You've received a secure message from Jo Bloggs.\nClick here to read it: https://switch.egress.com/ui/x",
            (),
        ),
        (
            "[SECURE] Visit record",
            "Jo Bloggs has sent you a protected message.\nRead the message",
            (),
        ),
        ("Visit record", "Please find attached.", (("X-Egress-Id", "abc"),)),
    ],
)
def test_secure_mail_notifications(
    subject: str, body: str, headers: tuple[tuple[str, str], ...]
) -> None:
    reading = read(email_bytes(body, subject=subject, headers=headers))
    problems = [p for p in reading.problems if p.kind is ProblemKind.SECURE_MAIL]
    assert len(problems) == 1
    assert "ask the sender to send the record as an attachment" in problems[0].detail


def test_purview_rpmsg_is_secure_mail() -> None:
    rpmsg = b"\x76\xe8\x04\x60\xc4\x11\xe3\x86" + b"\x00" * 500
    reading = read(
        email_bytes(
            "", attachments=[("message.rpmsg", "application/x-microsoft-rpmsg-message", rpmsg)]
        )
    )
    kinds = [p.kind for p in reading.problems]
    assert ProblemKind.SECURE_MAIL in kinds
    assert ProblemKind.NO_RECORD not in kinds


def test_ordinary_record_with_secure_footer_is_not_secure_mail() -> None:
    body = "Child's name: Amy Smith\nSeen alone: yes\n\nThis message was sent using Egress Switch."
    raw = email_bytes(body, attachments=[("v.docx", "application/octet-stream", visit_docx())])
    assert ProblemKind.SECURE_MAIL not in [p.kind for p in read(raw).problems]


def test_smime_enveloped_message() -> None:
    raw = (
        b"From: a@b.example\r\nSubject: record\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAxggE=\r\n"
    )
    reading = read(raw)
    problems = [p for p in reading.problems if p.kind is ProblemKind.SMIME]
    assert len(problems) == 1 and "S/MIME" in problems[0].detail


SCAN_LINES = [
    "RECORD OF VISIT",
    "Child's name: Amy Smith",
    "Date of birth: 03/04/2015",
    "Eclipse ID: E1234567",
    "Seen alone: Yes",
]


@needs_tesseract
def test_scanned_png_is_read_by_ocr_with_its_confidence() -> None:
    reading = read(
        email_bytes(
            "scan attached", attachments=[("scan.png", "image/png", text_image(SCAN_LINES))]
        )
    )
    record = reading.record
    assert [(c.full_name, c.dob, c.child_id, c.source) for c in record.children] == [
        ("Amy Smith", date(2015, 4, 3), "E1234567", "ocr")
    ]
    assert record.ocr_confidence is not None and record.ocr_confidence >= 70
    assert reading.problems == ()


@needs_tesseract
def test_image_only_pdf_is_read_by_ocr() -> None:
    pdf = image_pdf(text_image(SCAN_LINES))
    record = read(email_bytes("scan", attachments=[("scan.pdf", "application/pdf", pdf)])).record
    assert record.child_ids == ("E1234567",)
    assert record.ocr_confidence is not None


@needs_tesseract
def test_poor_scan_is_low_confidence() -> None:
    noisy = text_image(["Child's name: Amy Smith", "Seen alone: Yes"], size=18, noise=True)
    reading = read(email_bytes("scan", attachments=[("scan.png", "image/png", noisy)]))
    assert [p.kind for p in reading.problems] == [ProblemKind.LOW_CONFIDENCE_OCR]
    assert "confidence" in reading.problems[0].detail


def test_scan_without_tesseract_is_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsers.documents, "tesseract_path", lambda: None)
    monkeypatch.setattr(parsers.pdf_reader, "ocr_image", _no_ocr)
    png = text_image(SCAN_LINES)
    for raw in (
        email_bytes("scan", attachments=[("scan.png", "image/png", png)]),
        email_bytes("scan", attachments=[("scan.pdf", "application/pdf", image_pdf(png))]),
    ):
        reading = read(raw)
        assert [p.kind for p in reading.problems] == [ProblemKind.UNSUPPORTED]
        assert reading.problems[0].detail.startswith("scanned record: OCR")


def _no_ocr(image: bytes, seconds: float) -> object:
    raise AssertionError("OCR must not be attempted")
