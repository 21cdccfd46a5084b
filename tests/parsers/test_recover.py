"""A broken email is read as far as it can be, and the reason names its defects in plain words."""

from __future__ import annotations

import parsers
from parsers.options import ReadOptions
from parsers.record import ProblemKind

BROKEN = (
    b"From: nurse@health.example.nhs.uk\nTo: mecc@example.gov.uk\nSubject: Visit\n"
    b"Message-ID: <broken-1@health.example.nhs.uk>\nContent-Type: multipart/mixed\n\n"
    b"Child's name: Thomas Hartley\nDate of birth: 12/03/2014\nDate of visit: 18/11/2026\n"
)


def test_multipart_without_boundary_is_named_and_still_read() -> None:
    reading = parsers.read(BROKEN, ReadOptions())
    malformed = [p for p in reading.problems if p.kind is ProblemKind.MALFORMED]
    assert len(malformed) == 1
    assert "a multipart email without a boundary" in malformed[0].detail
    assert reading.record.children[0].last_name == "Hartley"
    assert reading.record.visit_date is not None and reading.record.visit_date.isoformat() == "2026-11-18"


def test_a_sound_email_gets_no_defect_report() -> None:
    raw = BROKEN.replace(b"Content-Type: multipart/mixed\n", b"")
    assert not [p for p in parsers.read(raw, ReadOptions()).problems if p.kind is ProblemKind.MALFORMED]
