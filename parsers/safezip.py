"""Opening zipped documents (DOCX, ODT) without letting a zip bomb or an XML bomb through."""

from __future__ import annotations

import io
import zipfile
import zlib

from .errors import ReaderFailure
from .options import Limits
from .record import ProblemKind

_ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, zlib.error)
_SMALL_MEMBER = 1024 * 1024  # below this a high compression ratio is ordinary (XML)


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse an archive before inflating anything if its declared sizes break the limits.

    Python's zipfile never inflates past a member's declared size, so the declared sizes bound
    the work even when they lie (a lie then fails the CRC check)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except _ZIP_ERRORS as exc:
        raise ReaderFailure(
            ProblemKind.CORRUPT, "the file is not a readable document (broken zip)"
        ) from exc
    if len(infos) > 5000:
        raise ReaderFailure(ProblemKind.TOO_LARGE, f"the archive holds {len(infos)} files")
    total = sum(info.file_size for info in infos)
    if total > limits.max_decompressed_bytes:
        raise ReaderFailure(
            ProblemKind.TOO_LARGE,
            f"the document would unpack to {total // (1024 * 1024)} MB, over the "
            f"{limits.max_decompressed_bytes // (1024 * 1024)} MB limit (a possible zip bomb)",
        )
    for info in infos:
        if info.file_size <= _SMALL_MEMBER:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_zip_ratio:
            raise ReaderFailure(
                ProblemKind.TOO_LARGE,
                f"a part of the document is compressed {ratio:.0f} to 1, over the "
                f"{limits.max_zip_ratio} to 1 limit (a possible zip bomb)",
            )


def read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """One member's bytes, refusing XML that declares a DTD or entities (no entity expansion)."""
    try:
        data = archive.read(name)
    except _ZIP_ERRORS as exc:
        raise ReaderFailure(
            ProblemKind.CORRUPT, f"a part of the document is damaged ({name})"
        ) from exc
    if name.endswith((".xml", ".rels")) and (b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data):
        raise ReaderFailure(
            ProblemKind.CORRUPT, "the document's XML declares entities, which are not allowed"
        )
    return data
