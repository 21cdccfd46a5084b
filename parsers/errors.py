"""The readers' own exception tree. ``read`` never lets these escape; they mark why a part failed."""

from __future__ import annotations

from .record import ProblemKind


class ParserError(Exception):
    """Root of the parsers' own errors."""


class ReaderFailure(ParserError):
    """A part could not be read; carries the problem kind and plain-words detail."""

    def __init__(self, kind: ProblemKind, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


class LabelsError(ParserError):
    """The label-synonyms table is not valid TOML or names an unknown field."""
