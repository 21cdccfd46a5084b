"""Reader benchmark: mailbot's ``parsers.read`` against the libraries called directly (the floor).

Run from the repository root: ``python -m benchmarks.readers [--quick]``.
For each format it reads the same generated records both ways in the same run and prints
records per second and peak Python memory (tracemalloc, measured in a separate pass so that
tracing does not slow the timed pass). Heavy readers run in mailbot's isolated worker, as in
production; its time is included, its memory is not visible to tracemalloc. The last line is
``readers_vs_floor=<mailbot time / floor time, all formats together>``.
"""

from __future__ import annotations

import argparse
import email
import io
import subprocess
import time
import tracemalloc
from collections.abc import Callable
from email import policy
from email.message import EmailMessage

import docx
import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdftypes import resolve1

import parsers
from parsers import isolate
from parsers.ocr import tesseract_path
from tests.parsers import builders


def _attachment(raw: bytes) -> bytes:
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    for part in msg.iter_attachments():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            return payload
    return b""


def floor_eml(raw: bytes) -> str:
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    body = msg.get_body(("plain", "html"))
    return body.get_content() if body is not None else ""


def floor_docx(raw: bytes) -> str:
    document = docx.Document(io.BytesIO(_attachment(raw)))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def _pdfium_text(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    try:
        out = []
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            out.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(out)
    finally:
        doc.close()


def floor_pdf(raw: bytes) -> str:
    return _pdfium_text(_attachment(raw))


def floor_pdf_form(raw: bytes) -> str:
    data = _attachment(raw)
    text = _pdfium_text(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        form = resolve1(pdf.doc.catalog.get("AcroForm"))
        values = [str(resolve1(resolve1(f).get("V"))) for f in resolve1(form["Fields"])]
    return text + "\n".join(values)


def floor_scan(raw: bytes) -> str:
    program = tesseract_path()
    assert program is not None
    done = subprocess.run(
        [program, "stdin", "stdout", "-l", "eng", "tsv"],
        input=_attachment(raw), capture_output=True, check=True,
        env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    return done.stdout.decode()


def corpus(quick: bool) -> list[tuple[str, list[bytes], Callable[[bytes], str]]]:
    scale = 1 if quick else 4
    eml = [
        builders.email_bytes(
            builders.RECORD_BODY.replace("Amy", name)
            + "\n\nOn Mon, 1 Apr 2026, MECC wrote:\n> old",
            message_id=f"<m{i}@x.example>",
        )
        for i, name in enumerate(["Amy", "Ben", "Cara", "Dev", "Evie"] * 10 * scale)
    ]
    docx_mails = [
        builders.email_bytes("See attached", attachments=[("v.docx", "application/octet-stream", builders.visit_docx(name=f"Child {chr(65 + i % 26)} Smith"))])
        for i in range(10 * scale)
    ]  # fmt: skip
    typed = [
        builders.email_bytes("See attached", attachments=[("v.pdf", "application/pdf", builders.typed_pdf(
            [("Child's name:", f"Amy {chr(65 + i % 26)}mith"), ("Date of birth:", "3/4/15"), ("Date of visit:", "3/4/26"),
             ("Was the child seen?", "Yes"), ("Seen alone?", "No"), "Observations:", "All well at school."] * 3))])
        for i in range(10 * scale)
    ]  # fmt: skip
    forms = [
        builders.email_bytes("See attached", attachments=[("f.pdf", "application/pdf", builders.fillable_pdf(
            [("child_name", "Child's name", f"Amy {i}"), ("Text2", "Date of birth", "03/04/2015"), ("visitDate", "Date of visit", "3 Apr 26")],
            [("seen_alone", "Seen alone?", True)], [("child_seen", "Was the child seen?", ["Yes", "No"], "Yes")]))])
        for i in range(10 * scale)
    ]  # fmt: skip
    sets: list[tuple[str, list[bytes], Callable[[bytes], str]]] = [
        ("eml body", eml, floor_eml),
        ("docx", docx_mails, floor_docx),
        ("pdf typed", typed, floor_pdf),
        ("pdf fillable", forms, floor_pdf_form),
    ]
    if tesseract_path() is not None:
        scan = builders.text_image(
            ["Child's name: Amy Smith", "Date of birth: 03/04/2015", "Seen alone: Yes"]
        )
        sets.append(
            (
                "scan (OCR)",
                [builders.email_bytes("scan", attachments=[("s.png", "image/png", scan)])]
                * (2 * scale),
                floor_scan,
            )
        )
    return sets


def _timed(func: Callable[[bytes], object], items: list[bytes]) -> float:
    func(items[0])  # warm: imports, the isolated worker
    start = time.perf_counter()
    for item in items:
        func(item)
    return time.perf_counter() - start


def _peak(func: Callable[[bytes], object], items: list[bytes]) -> float:
    tracemalloc.start()
    try:
        for item in items[:5]:
            func(item)
        return tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer records per format")
    parser.add_argument("--in-process", action="store_true", help="do not isolate heavy readers")
    args = parser.parse_args()
    options = builders.ISOLATED if not args.in_process else builders.OPTIONS

    def mailbot(raw: bytes) -> object:
        return parsers.read(raw, options)

    total_ours = total_floor = 0.0
    print(
        f"{'format':<14}{'records':>8}{'mailbot rec/s':>15}{'floor rec/s':>13}{'ratio':>7}{'mailbot MB':>12}{'floor MB':>10}"
    )
    for name, items, floor in corpus(args.quick):
        ours = _timed(mailbot, items)
        base = _timed(floor, items)
        total_ours += ours
        total_floor += base
        print(
            f"{name:<14}{len(items):>8}{len(items) / ours:>15.1f}{len(items) / base:>13.1f}"
            f"{ours / base:>7.2f}{_peak(mailbot, items):>12.1f}{_peak(floor, items):>10.1f}"
        )
    isolate.shutdown()
    print(f"readers_vs_floor={total_ours / total_floor:.2f}")


if __name__ == "__main__":
    main()
