"""Reading returned visit records: raw email bytes in, a ParsedMessage and a VisitRecord out.

``read`` is pure and bounded: it never raises for bad input, reports every part it could not read
as a Problem, and runs heavy readers (PDF, OCR, legacy Word) where they can be stopped.
"""

from __future__ import annotations

from .labels import load_label_synonyms
from .options import Limits, ReadOptions
from .reader import read
from .record import (
    Attachment,
    ChildMention,
    ParsedMessage,
    Problem,
    ProblemKind,
    Reading,
    VisitRecord,
)

__all__ = [
    "Attachment",
    "ChildMention",
    "Limits",
    "ParsedMessage",
    "Problem",
    "ProblemKind",
    "ReadOptions",
    "Reading",
    "VisitRecord",
    "load_label_synonyms",
    "read",
]
