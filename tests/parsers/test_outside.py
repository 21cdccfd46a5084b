"""Outside material: CPython's email test corpus, mail-parser's test mails, and fuzzed bytes."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parsers

from .builders import OPTIONS, ROOT, email_bytes, typed_pdf, visit_docx

FIXTURES = ROOT / "tests" / "fixtures" / "outside"
ARTIFACTS = ROOT / "tests" / "artifacts" / "outside"


def _cpython_corpus() -> list[Path]:
    try:
        import test.test_email as corpus
    except ImportError:
        return []
    return sorted((Path(corpus.__file__).parent / "data").glob("*"))


def _read_all(paths: list[Path]) -> list[tuple[str, parsers.Reading]]:
    out = []
    for path in paths:
        reading = parsers.read(path.read_bytes(), OPTIONS)
        out.append((path.name, reading))
    return out


def _crashed(reading: parsers.Reading) -> bool:
    return any(p.detail.startswith("the email could not be read") for p in reading.problems)


@pytest.mark.skipif(not _cpython_corpus(), reason="the interpreter's test package is not installed")
def test_cpython_email_corpus_reads_without_a_crash() -> None:
    results = _read_all(_cpython_corpus())
    assert len(results) > 40
    assert [name for name, reading in results if _crashed(reading)] == []
    by_name = dict(results)
    assert by_name["msg_07.txt"].message.attachments[0].filename == "dingusfish.gif"
    assert by_name["msg_07.txt"].message.attachments[0].kind == "image"


def test_committed_outside_mails() -> None:
    results = _read_all(sorted(p for p in FIXTURES.iterdir() if p.name.startswith("mail_")))
    assert len(results) == 4
    assert [name for name, reading in results if _crashed(reading)] == []
    by_name = dict(results)
    assert by_name["mail_test_18"].message.sender_name == "Last\u00dflName, FirstName"
    assert by_name["mail_test_19"].message.to == ("charlie@example.com", "dave@example.com")


def _mail_parser_corpus() -> list[Path]:
    mails = ARTIFACTS / "mail_parser-4.8.0" / "tests" / "mails"
    if not mails.is_dir():
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
             "mail-parser==4.8.0", "-d", str(ARTIFACTS), "-q"],
            capture_output=True, timeout=120, check=False,
        )  # fmt: skip
        archive = ARTIFACTS / "mail_parser-4.8.0.tar.gz"
        if done.returncode != 0 or not archive.exists():
            return []
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if "/tests/mails/" in m.name and m.isfile()]
            tar.extractall(ARTIFACTS, members=members, filter="data")
    return sorted(mails.glob("*"))


@pytest.mark.slow
def test_mail_parser_corpus_reads_without_a_crash() -> None:
    corpus = _mail_parser_corpus()
    if not corpus:
        pytest.skip("mail-parser's sdist could not be downloaded")
    results = _read_all(corpus)
    assert [name for name, reading in results if _crashed(reading)] == []
    by_name = dict(results)
    outlook = by_name["mail_outlook_1"]  # a real .msg file given as a whole message
    assert outlook.message.problems[0].kind is parsers.ProblemKind.MALFORMED


_SEEDS = [
    email_bytes("Child's name: Amy Smith\nDOB: 3/4/15\nSeen alone? ☒ Yes ☐ No"),
    email_bytes("see attached", attachments=[("v.docx", "application/octet-stream", visit_docx())]),
    email_bytes(
        "see attached", attachments=[("v.pdf", "application/pdf", typed_pdf(["Child's name: A B"]))]
    ),
]


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    seed = bytearray(draw(st.sampled_from(_SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        action = draw(st.integers(0, 2))
        position = draw(st.integers(0, len(seed)))
        if action == 0 and position < len(seed):
            seed[position] = draw(st.integers(0, 255))
        elif action == 1:
            seed[position:position] = draw(st.binary(max_size=64))
        else:
            del seed[position : position + draw(st.integers(1, 512))]
    return bytes(seed)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=4096), _mutated()))
def test_read_never_raises_on_any_bytes(raw: bytes) -> None:
    reading = parsers.read(raw, OPTIONS)
    assert isinstance(reading, parsers.Reading)
    assert not _crashed(reading), reading.problems


_DOCUMENTS = [
    ("docx", visit_docx()),
    ("pdf", typed_pdf([("Child's name:", "Amy Smith"), ("DOB:", "3/4/15")])),
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, len(_DOCUMENTS) - 1),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=6),
)
def test_document_readers_never_raise_on_damaged_files(
    which: int, flips: list[tuple[int, int]]
) -> None:
    from parsers.documents import read_attachment
    from parsers.sniff import sniff

    kind, data = _DOCUMENTS[which]
    damaged = bytearray(data)
    for position, value in flips:
        damaged[position % len(damaged)] = value
    attachment = parsers.Attachment(
        "f", "application/octet-stream", sniff(bytes(damaged)), bytes(damaged)
    )
    doc, _ = read_attachment(attachment, OPTIONS)
    assert all(p.part == "attachment 'f'" for p in doc.problems), kind
