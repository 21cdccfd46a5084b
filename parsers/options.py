"""What the caller tells the readers: limits, patterns and label synonyms (loaded from config/ by the bot)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limits:
    max_message_bytes: int = 40 * 1024 * 1024
    max_attachment_bytes: int = 25 * 1024 * 1024
    max_decompressed_bytes: int = 100 * 1024 * 1024  # DOCX/ZIP members, all together
    max_zip_ratio: int = 200  # uncompressed / compressed, per member
    max_mime_depth: int = 20
    max_attached_message_depth: int = 4
    max_attachments: int = 50
    reader_seconds: float = 30.0  # per heavy attachment (PDF, OCR, legacy Word)
    reader_memory_mb: int = 1024  # address-space limit for a heavy reader's process
    ocr_min_confidence: float = 70.0


@dataclass(frozen=True)
class ReadOptions:
    limits: Limits = field(default_factory=Limits)
    # Regular expression for a child ID as the council writes it (Eclipse person ID by default).
    child_id_pattern: str = r"E\d{7}"
    # Regular expression for our own reference token (put in alerts' subjects and forms).
    reference_pattern: str = r"MECC-[0-9A-HJKMNP-TV-Z]{6}"
    # canonical field name -> label spellings ("child_name" -> ("Child's name", "YP name", ...)).
    label_synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    ocr: bool = True  # use Tesseract for image-only PDFs and images when it is installed
    isolate_heavy_readers: bool = True  # run PDF/OCR/legacy readers in a killable subprocess
