"""Reading ahead in a worker process gives the same readings as reading here, in order."""

from __future__ import annotations

from dataclasses import replace

import pytest

import parsers
from parsers.ahead import ReadAhead
from parsers.ocr import tesseract_path

from .builders import ISOLATED, OPTIONS, email_bytes, text_image, typed_pdf

PDF = "application/pdf"


def _messages(n: int) -> list[bytes]:
    out = []
    for i in range(n):
        attachments = (
            [("visit.pdf", PDF, typed_pdf([("Visit date", "03/04/2026")]))] if i % 2 else []
        )
        out.append(email_bytes(f"Seen child {i} at school today.", subject=f"record {i}",
                               message_id=f"<r{i}@school.example>", attachments=attachments))  # fmt: skip
    return out


def test_readings_come_back_in_order_and_equal_to_reading_here() -> None:
    raws = _messages(6)
    ahead = ReadAhead(OPTIONS)
    try:
        got = list(ahead.readings(raws, lambda raw: raw))
        assert ahead._worker is not None and ahead._worker.alive()  # the batch used the worker
    finally:
        ahead.close()
    assert [raw for raw, _ in got] == raws
    assert [r for _, r in got] == [parsers.read(raw, OPTIONS) for raw in raws]


def test_a_lone_message_is_read_here_without_starting_a_worker() -> None:
    ahead = ReadAhead(OPTIONS)
    [(_, reading)] = list(ahead.readings(_messages(1), lambda raw: raw))
    assert reading.message.subject == "record 0"
    assert ahead._worker is None


def test_stopping_early_leaves_no_stale_reading_for_the_next_batch() -> None:
    first, second = _messages(4), _messages(8)[4:]
    ahead = ReadAhead(OPTIONS)
    try:
        for raw, _ in ahead.readings(first, lambda raw: raw):
            if raw == first[1]:
                break  # the worker is holding first[2]
        subjects = [r.message.subject for _, r in ahead.readings(second, lambda raw: raw)]
    finally:
        ahead.close()
    assert subjects == ["record 4", "record 5", "record 6", "record 7"]


def test_a_worker_that_cannot_run_costs_nothing_but_time() -> None:
    starved = replace(ISOLATED, limits=replace(ISOLATED.limits, reader_memory_mb=20))
    raws = _messages(4)
    ahead = ReadAhead(starved)
    try:
        got = [r for _, r in ahead.readings(raws, lambda raw: raw)]
    finally:
        ahead.close()
    # each message was read here instead, as without a worker: the same problems, worded the same
    assert got == [parsers.read(raw, starved) for raw in raws]
    [problem] = got[1].problems
    assert problem.part == "attachment 'visit.pdf'"  # too little memory to read it, either way


@pytest.mark.skipif(tesseract_path() is None, reason="tesseract-ocr not installed")
def test_while_the_worker_reads_a_scan_the_caller_reads_the_messages_behind_it() -> None:
    scan = email_bytes("scan attached", subject="scan", message_id="<scan@school.example>",
                       attachments=[("scan.png", "image/png", text_image(["Date of visit: 03/04/2026"] * 6))])  # fmt: skip
    raws = [_messages(1)[0], scan, *_messages(9)[1:]]
    ahead = ReadAhead(OPTIONS)
    try:
        got = list(ahead.readings(raws, lambda raw: raw))
    finally:
        ahead.close()
    assert [r for _, r in got] == [parsers.read(raw, OPTIONS) for raw in raws]
    assert ahead.read_here > 2  # the first, and some of those queued behind the scan
