"""Reading one attachment by the kind its bytes show; every failure becomes a Problem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import isolate
from .charsets import decode_bytes
from .document import DocText, from_text
from .docx_reader import read_docx
from .errors import ReaderFailure
from .html_text import html_to_text
from .legacy import read_doc, read_odt, read_rtf, read_xlsx
from .ocr import NOT_INSTALLED, tesseract_path
from .options import ReadOptions
from .pdf_reader import read_image, read_pdf
from .record import Attachment, Problem, ProblemKind
from .sniff import image_subtype

SMALL_IMAGE_PIXELS = 250_000  # logos and signature images (under about 500 x 500): not read
MESSAGE_KINDS = {"eml", "msg", "tnef"}


def part_name(attachment: Attachment) -> str:
    return f"attachment '{attachment.filename}'"


def _problem(attachment: Attachment, kind: ProblemKind, detail: str) -> DocText:
    return DocText(problems=(Problem(kind, part_name(attachment), detail),))


def _heavy(func: Callable[..., DocText], args: tuple[Any, ...], options: ReadOptions) -> DocText:
    limits = options.limits
    if options.isolate_heavy_readers:
        return isolate.run(func, args, limits.reader_seconds, limits.reader_memory_mb)
    try:  # here (a test, or parsers.ahead's worker): failures worded as isolate words them
        return func(*args)
    except (ReaderFailure, MemoryError):
        raise
    except Exception as exc:
        raise ReaderFailure(
            ProblemKind.CORRUPT, f"the file could not be read ({type(exc).__name__})"
        ) from None


def read_attachment(attachment: Attachment, options: ReadOptions) -> tuple[DocText, str]:
    """The attachment's text and form fields, and the source kind ("form" or "ocr")."""
    kind = attachment.kind
    try:
        if not attachment.data and kind not in MESSAGE_KINDS:
            return DocText(), "form"
        return _read(attachment, options)
    except ReaderFailure as failure:
        return _problem(attachment, failure.kind, failure.detail), "form"
    except MemoryError:  # a process's memory limit, not damage: its owner decides (parsers.ahead)
        raise
    except Exception as exc:  # a library's unexpected error on damaged bytes: this part only
        detail = f"the attachment is damaged and could not be read ({type(exc).__name__})"
        return _problem(attachment, ProblemKind.CORRUPT, detail), "form"


def _read(attachment: Attachment, options: ReadOptions) -> tuple[DocText, str]:
    data, kind, limits = attachment.data, attachment.kind, options.limits
    seconds = limits.reader_seconds
    if kind == "docx":
        return read_docx(data, limits), "form"
    if kind == "pdf":
        doc = _heavy(
            read_pdf, (data, options.ocr and tesseract_path() is not None, seconds), options
        )
        if (
            doc.ocr_confidence is None
            and options.ocr
            and tesseract_path() is None
            and not doc.blocks
        ):
            doc = _heavy(read_pdf, (data, False, seconds), options)
        return _check_ocr(
            doc, attachment, options
        ), "ocr" if doc.ocr_confidence is not None else "form"
    if kind in ("docm", "xlsm"):
        return _problem(
            attachment,
            ProblemKind.MACRO,
            "the document contains macros and was not opened: ask the sender to save it as an "
            "ordinary .docx or PDF",
        ), "form"
    if kind == "encrypted":
        return _problem(
            attachment,
            ProblemKind.ENCRYPTED,
            "the Office document is password-protected: ask the sender to send it without a "
            "password (or give the password by phone and save an unprotected copy)",
        ), "form"
    if kind == "rpmsg":
        return _problem(
            attachment,
            ProblemKind.SECURE_MAIL,
            "the record was sent with Microsoft Purview message encryption (.rpmsg): ask the "
            "sender to send the record as an attachment, not through the secure portal",
        ), "form"
    if kind == "image":
        return _read_image(attachment, options)
    if kind == "doc":
        return _heavy(read_doc, (data, seconds), options), "form"
    if kind == "rtf":
        return read_rtf(data), "form"
    if kind == "odt":
        return read_odt(data, limits), "form"
    if kind == "xlsx":
        return read_xlsx(data, limits), "form"
    if kind == "html":
        return from_text(html_to_text(decode_bytes(data, None))), "form"
    if kind == "text":
        return from_text(decode_bytes(data, None)), "form"
    if kind in MESSAGE_KINDS:
        return DocText(), "form"  # read as messages, into ParsedMessage.inner
    if kind == "zip":
        return _problem(
            attachment,
            ProblemKind.UNSUPPORTED,
            "a zip archive is not opened: ask the sender to attach the record itself",
        ), "form"
    if kind in ("xls", "cfb"):
        return _problem(
            attachment,
            ProblemKind.UNSUPPORTED,
            "an old-style Office file that mailbot does not read",
        ), "form"
    if len(data) < 1024:
        return DocText(), "form"
    return _problem(
        attachment, ProblemKind.UNSUPPORTED, "the attachment is of a type mailbot does not read"
    ), "form"


def _read_image(attachment: Attachment, options: ReadOptions) -> tuple[DocText, str]:
    data = attachment.data
    if _pixels(data) < SMALL_IMAGE_PIXELS:
        return DocText(), "ocr"
    if not options.ocr:
        return _problem(
            attachment, ProblemKind.UNSUPPORTED, "scanned record: OCR is turned off"
        ), "ocr"
    if tesseract_path() is None:
        return _problem(attachment, ProblemKind.UNSUPPORTED, NOT_INSTALLED), "ocr"
    if image_subtype(data) == "heic":
        return _problem(
            attachment,
            ProblemKind.UNSUPPORTED,
            "an iPhone photo (HEIC) cannot be read: ask the sender for a PDF or JPEG",
        ), "ocr"
    doc = _heavy(read_image, (data, options.limits.reader_seconds), options)
    return _check_ocr(doc, attachment, options), "ocr"


def _pixels(data: bytes) -> int:
    """Width x height from the image header (no decoding); a large number when unknown."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Exception:  # Pillow raises many types for unknown or broken images
        return SMALL_IMAGE_PIXELS
    return int(width) * int(height)


def _check_ocr(doc: DocText, attachment: Attachment, options: ReadOptions) -> DocText:
    if doc.ocr_confidence is None:
        return doc
    minimum = options.limits.ocr_min_confidence
    if doc.ocr_confidence >= minimum and doc.text():
        return doc
    problem = Problem(
        ProblemKind.LOW_CONFIDENCE_OCR,
        part_name(attachment),
        f"the scan was read with {doc.ocr_confidence:.0f}% confidence (below {minimum:.0f}%): "
        "check the text read against the scan before acting on it",
    )
    return DocText(doc.blocks, doc.fields, (*doc.problems, problem), doc.ocr_confidence)
