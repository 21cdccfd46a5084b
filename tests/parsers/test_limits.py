"""Each safety limit: what it refuses, and the reason business support is given."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from email.message import EmailMessage

import pytest

import parsers
from parsers import Limits, ProblemKind, isolate
from parsers.errors import ReaderFailure

from . import slow_readers
from .builders import ISOLATED, OPTIONS, email_bytes, read, typed_pdf, visit_docx


def _limited(**limits: float) -> parsers.ReadOptions:
    return replace(OPTIONS, limits=Limits(**limits))  # type: ignore[arg-type]


def _kinds(reading: parsers.Reading) -> list[ProblemKind]:
    return [p.kind for p in reading.problems]


def test_message_over_the_size_limit_is_not_read_but_named() -> None:
    raw = email_bytes("Child's name: Amy Smith\n" + "x" * 50_000, subject="big one")
    reading = read(raw, _limited(max_message_bytes=20_000))
    assert _kinds(reading) == [ProblemKind.TOO_LARGE]
    assert reading.message.subject == "big one"
    assert reading.record.children == ()


def test_attachment_over_the_size_limit_is_listed_not_read() -> None:
    raw = email_bytes(
        "see attached", attachments=[("visit.docx", "application/octet-stream", visit_docx())]
    )
    reading = read(raw, _limited(max_attachment_bytes=5_000))
    assert _kinds(reading) == [ProblemKind.TOO_LARGE]
    assert "visit.docx" in reading.problems[0].part
    assert reading.message.attachments[0].data == b""
    assert reading.record.children == ()


def test_too_many_attachments() -> None:
    files = [(f"f{i}.txt", "text/plain", b"hello") for i in range(5)]
    reading = read(email_bytes("x", attachments=files), _limited(max_attachments=3))
    assert len(reading.message.attachments) == 3
    assert ProblemKind.TOO_LARGE in _kinds(reading)


def _bomb() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(visit_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item))
        target.writestr("word/media/padding.bin", b"\x00" * (40 * 1024 * 1024))
    return buffer.getvalue()


def test_zip_bomb_docx_is_refused_before_inflating() -> None:
    bomb = _bomb()
    assert len(bomb) < 200_000
    reading = read(email_bytes("x", attachments=[("visit.docx", "application/octet-stream", bomb)]))
    assert _kinds(reading) == [ProblemKind.TOO_LARGE]
    assert "zip bomb" in reading.problems[0].detail
    assert reading.record.children == ()


def test_total_unpacked_size_limit() -> None:
    raw = email_bytes("x", attachments=[("visit.docx", "application/octet-stream", visit_docx())])
    reading = read(raw, _limited(max_decompressed_bytes=10_000))
    assert _kinds(reading) == [ProblemKind.TOO_LARGE]


def test_xml_entities_in_a_docx_are_refused() -> None:
    source = zipfile.ZipFile(io.BytesIO(visit_docx()))
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = laughs + data.split(b"?>", 1)[1]
            target.writestr(item.filename, data)
    reading = read(
        email_bytes("x", attachments=[("v.docx", "application/octet-stream", buffer.getvalue())])
    )
    assert _kinds(reading) == [ProblemKind.CORRUPT]
    assert "entities" in reading.problems[0].detail


def _slow_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setFont("Helvetica", 2)
    for i in range(20_000):
        pdf.drawString((i * 7) % 590, (i * 3) % 840, "x y")
    pdf.save()
    return buffer.getvalue()


@pytest.mark.slow
def test_pathological_pdf_is_stopped_at_the_time_limit() -> None:
    warm = email_bytes(
        "x", attachments=[("a.pdf", "application/pdf", typed_pdf(["Child's name: A B"]))]
    )
    options = replace(ISOLATED, limits=Limits(reader_seconds=0.3))
    read(warm, options)  # start the worker, so the limit below is the reader's own
    reading = read(
        email_bytes("x", attachments=[("slow.pdf", "application/pdf", _slow_pdf())]), options
    )
    assert _kinds(reading) == [ProblemKind.TIMEOUT]
    assert (
        "longer than 0 seconds" in reading.problems[0].detail
        or "stopped" in reading.problems[0].detail
    )
    # the next record is read by a fresh worker
    assert read(warm, options).record.children[0].full_name == "A B"


def test_reader_over_its_time_limit_is_killed() -> None:
    isolate.run(slow_readers.sleepy, (0,), 30, 1024)  # warm
    with pytest.raises(ReaderFailure) as failure:
        isolate.run(slow_readers.sleepy, (60,), 0.5, 1024)
    assert failure.value.kind is ProblemKind.TIMEOUT


def test_reader_over_its_memory_limit_is_stopped() -> None:
    with pytest.raises(ReaderFailure) as failure:
        isolate.run(slow_readers.hungry, (2048,), 30, 512)
    assert failure.value.kind is ProblemKind.TIMEOUT
    assert "512 MB" in failure.value.detail
    assert isolate.run(slow_readers.hungry, (10,), 30, 512).blocks == (str(10 * 1024 * 1024),)


def test_mime_nesting_limit() -> None:
    part = EmailMessage()
    part.set_content("Child's name: Amy Smith")
    for _ in range(8):
        outer = EmailMessage()
        outer.make_mixed()
        outer.attach(part)
        part = outer
    part["From"] = "a@b.example"
    part["Subject"] = "deep"
    reading = read(part.as_bytes(), _limited(max_mime_depth=5))
    assert ProblemKind.NESTING in _kinds(reading)
    assert "deeper than 5" in reading.problems[0].detail


def test_attached_message_nesting_limit() -> None:
    from email import message_from_bytes, policy

    raw = email_bytes("Child's name: Amy Smith")
    for level in range(6):
        outer = EmailMessage()
        outer["From"] = "a@b.example"
        outer["Subject"] = f"level {level}"
        outer.set_content("see attached")
        outer.add_attachment(message_from_bytes(raw, policy=policy.default))
        raw = outer.as_bytes()
    reading = read(raw, _limited(max_attached_message_depth=3))
    assert ProblemKind.NESTING in _kinds(reading)
    assert reading.record.children == ()
