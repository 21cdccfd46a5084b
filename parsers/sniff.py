"""What a file is, judged from its bytes only (never its name or declared type)."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TNEF_MAGIC = b"\x78\x9f\x3e\x22"
RPMSG_MAGIC = b"\x76\xe8\x04\x60\xc4\x11\xe3\x86"
_EML_HEADERS = re.compile(
    rb"^(?:(?:from|to|subject|date|message-id|received|mime-version|return-path|reply-to|"
    rb"delivered-to|x-[\w-]+|content-type|cc|sender|in-reply-to|references)[ \t]*:)",
    re.I | re.M,
)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def cfb_kind(data: bytes) -> str:
    """Kind of an OLE compound file: encrypted (password-protected OOXML), msg, doc, xls, or cfb."""
    if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
        return "encrypted"
    if _utf16("__substg1.0_") in data or _utf16("__properties_version1.0") in data:
        return "msg"
    if _utf16("WordDocument") in data:
        return "doc"
    if _utf16("Workbook") in data or _utf16("Book") in data:
        return "xls"
    return "cfb"


def zip_kind(data: bytes) -> str:
    """docx / docm / xlsx / xlsm / odt / zip, from the archive's member names (not extracted)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size < 200:
                    mimetype = archive.read("mimetype")
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, zlib.error):
        return "zip"
    macro = any(n.lower().endswith("vbaproject.bin") for n in names)
    if "word/document.xml" in names or any(n.startswith("word/") for n in names):
        return "docm" if macro else "docx"
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return "xlsm" if macro else "xlsx"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        return "odt"
    return "zip"


def sniff(data: bytes) -> str:
    """pdf docx docm doc rtf odt xlsx xlsm image eml msg tnef zip html text encrypted rpmsg unknown."""
    head = data[:2048]
    if not data:
        return "unknown"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return zip_kind(data)
    if head.startswith(CFB_MAGIC):
        return cfb_kind(data)
    if head.startswith(TNEF_MAGIC):
        return "tnef"
    if head.startswith(RPMSG_MAGIC):
        return "rpmsg"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if (
        head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a"))
        or head.startswith((b"II*\x00", b"MM\x00*"))
        or (head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"heim", b"heis"))
        or (head.startswith(b"RIFF") and head[8:12] == b"WEBP")
    ):
        return "image"
    text_head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text_head.startswith((b"<!doctype html", b"<html", b"<body", b"<head", b"<meta", b"<div")):
        return "html"
    if b"\x00" not in head:
        lines = head.split(b"\n", 12)[:10]
        header_lines = sum(1 for line in lines if _EML_HEADERS.match(line))
        if header_lines >= 2 and _EML_HEADERS.match(lines[0]):
            return "eml"
        printable = sum(1 for b in head if b >= 32 or b in (9, 10, 13))
        if printable >= 0.95 * len(head):
            return "text"
    return "unknown"


def image_subtype(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG"):
        return "png"
    if data[4:8] == b"ftyp":
        return "heic"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if data.startswith(b"GIF"):
        return "gif"
    return "other"
