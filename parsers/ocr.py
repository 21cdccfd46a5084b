"""OCR with the Tesseract command-line program (Debian package ``tesseract-ocr``)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from .errors import ReaderFailure
from .record import ProblemKind

NOT_INSTALLED = (
    "scanned record: OCR not installed (the tesseract-ocr package); the scan was not read"
)


@dataclass(frozen=True)
class OcrText:
    lines: tuple[str, ...]
    confidence: float | None  # mean word confidence 0..100


def tesseract_path() -> str | None:
    return shutil.which("tesseract")


def ocr_image(image: bytes, seconds: float) -> OcrText:
    """Lines of text and mean word confidence from one image (PNG, JPEG, TIFF, GIF, WebP)."""
    program = tesseract_path()
    if program is None:
        raise ReaderFailure(ProblemKind.UNSUPPORTED, NOT_INSTALLED)
    try:
        done = subprocess.run(
            [program, "stdin", "stdout", "-l", "eng", "--psm", "3", "tsv"],
            input=image,
            capture_output=True,
            timeout=seconds,
            check=False,
            env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"},
        )
    except subprocess.TimeoutExpired as exc:
        raise ReaderFailure(
            ProblemKind.TIMEOUT, f"reading the scan took longer than {seconds:.0f} seconds"
        ) from exc
    except OSError as exc:
        raise ReaderFailure(ProblemKind.UNSUPPORTED, NOT_INSTALLED) from exc
    if done.returncode != 0:
        raise ReaderFailure(ProblemKind.CORRUPT, "the image could not be read by the OCR program")
    return parse_tsv(done.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> OcrText:
    lines: dict[tuple[str, str, str, str], list[str]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        word = cols[11].strip()
        try:
            confidence = float(cols[10])
        except ValueError:
            continue
        if not word or confidence < 0:
            continue
        confidences.append(confidence)
        lines.setdefault((cols[1], cols[2], cols[3], cols[4]), []).append(word)
    text = tuple(" ".join(words) for words in lines.values())
    mean = sum(confidences) / len(confidences) if confidences else None
    return OcrText(text, mean)
